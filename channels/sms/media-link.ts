import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Twilio fetches outbound MMS/WhatsApp media from a public URL. Our attachments are agent-only, so the adapter
 * hands Twilio a short-lived link signed with the auth token (HMAC of key and expiry) that only this route honours.
 */
export const MEDIA_PATH = '/webhooks/twilio/media';
const TTL_MS = 2 * 60 * 60 * 1000;

const sign = (secret: string, key: string, exp: number) => createHmac('sha256', secret).update(`${key}.${exp}`).digest('base64url');

export function signedMediaUrl(publicUrl: string, secret: string, storageKey: string, now = Date.now()): string {
  const exp = now + TTL_MS;
  return `${publicUrl}${MEDIA_PATH}/${encodeURIComponent(storageKey)}?exp=${exp}&sig=${sign(secret, storageKey, exp)}`;
}

export function validMediaSignature(secret: string, storageKey: string, exp: string, sig: string, now = Date.now()): boolean {
  const expiry = Number(exp);
  if (!Number.isFinite(expiry) || expiry < now) return false;
  const want = Buffer.from(sign(secret, storageKey, expiry));
  const got = Buffer.from(sig);
  return want.length === got.length && timingSafeEqual(want, got);
}
