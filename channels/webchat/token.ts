import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { visitorProfileSchema, type VisitorProfile } from '../../src/domain/visitor';

/** What a widget session token carries. Signed, not encrypted: it holds nothing the visitor may not see. */
export interface WidgetTokenPayload {
  visitorId: string;
  name?: string;
  email?: string;
  /** True when the host site proved the identity (strict mode HMAC). */
  verified: boolean;
  /** True when the host site signed `email` too (strict mode `emailHash`); otherwise the email is only a claim. */
  emailVerified?: boolean;
  /** Issued at, seconds since the epoch. */
  iat: number;
  /** What the session knew of an anonymous visitor (browser, city, page): stored on the customer at the first message. */
  visitor?: VisitorProfile;
}

const USER_ID = /^[A-Za-z0-9_.@-]{1,128}$/;

const hmac = (data: string, secret: string) => createHmac('sha256', secret).update(data).digest();

function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export function newVisitorId(): string {
  return `v_${randomBytes(16).toString('base64url')}`;
}

/** `base64url(json payload) + "." + base64url(HMAC-SHA256(that first part))`. */
export function signToken(payload: WidgetTokenPayload, secret: string): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${hmac(body, secret).toString('base64url')}`;
}

/** The payload of a token this hub signed, or null for anything else (never throws). Signature only: sessions use readToken. */
export function verifyToken(token: unknown, secret: string): WidgetTokenPayload | null {
  if (typeof token !== 'string' || token.length > 4096) return null;
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return null;
  const body = token.slice(0, dot);
  const sig = Buffer.from(token.slice(dot + 1), 'base64url');
  if (!safeEqual(sig, hmac(body, secret))) return null;
  try {
    const p = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<WidgetTokenPayload>;
    if (typeof p?.visitorId !== 'string' || !p.visitorId || typeof p.verified !== 'boolean' || typeof p.iat !== 'number') return null;
    return {
      visitorId: p.visitorId,
      name: typeof p.name === 'string' ? p.name : undefined,
      email: typeof p.email === 'string' ? p.email : undefined,
      verified: p.verified,
      emailVerified: p.emailVerified === true ? true : undefined,
      iat: p.iat,
      ...(p.visitor ? { visitor: visitorProfileSchema.safeParse(p.visitor).data } : {}),
    };
  } catch {
    return null;
  }
}

export type TokenCheck = { ok: true; session: WidgetTokenPayload } | { ok: false; reason: 'invalid' | 'expired' };

/**
 * A token this hub signed that has not expired: it lives `ttlS` seconds from its `iat`. Every connect and every
 * session request renews it (a new `iat`), so the lifetime slides with use, and changing the TTL applies to tokens
 * already issued.
 */
export function readToken(token: unknown, secret: string, ttlS: number, now = Date.now()): TokenCheck {
  const session = verifyToken(token, secret);
  if (!session) return { ok: false, reason: 'invalid' };
  if (now / 1000 - session.iat > ttlS) return { ok: false, reason: 'expired' };
  return { ok: true, session };
}

/** The same session in a fresh token (issued now). */
export function renewToken(session: WidgetTokenPayload, secret: string, now = Date.now()): string {
  return signToken({ ...session, iat: Math.floor(now / 1000) }, secret);
}

/** What the host site computes server-side in strict identity mode: hex HMAC-SHA256(userId, identity secret). */
export function identityHash(userId: string, secret: string): string {
  return hmac(userId, secret).toString('hex');
}

export function isValidUserId(userId: unknown): userId is string {
  return typeof userId === 'string' && USER_ID.test(userId);
}

/** Constant-time check of a host-signed user id. */
export function checkIdentityHash(userId: unknown, userHash: unknown, secret: string): boolean {
  if (!isValidUserId(userId) || typeof userHash !== 'string' || !/^[0-9a-f]{64}$/i.test(userHash)) return false;
  return safeEqual(Buffer.from(userHash.toLowerCase(), 'hex'), hmac(userId, secret));
}
