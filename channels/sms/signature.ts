import type { Request } from 'express';
import twilio from 'twilio';
import { isHostName } from '../../src/domain/host-name';

type Trust = (addr: string, hop: number) => boolean;

/** The peer is a proxy the hub trusts (TRUST_PROXY, compiled by Express): only then are X-Forwarded-* believed. */
function fromTrustedProxy(req: Request): boolean {
  const trust = req.app.get('trust proxy fn') as Trust | undefined;
  return Boolean(trust?.(req.socket.remoteAddress ?? '', 0));
}

/**
 * The URLs Twilio may have called to reach this request, each with the path and query as received:
 * - PUBLIC_URL, what Twilio was told (a proxy in front may rewrite host and scheme);
 * - the URL as the hub's edge saw it: scheme and host from X-Forwarded-Proto / X-Forwarded-Host when the peer is a
 *   trusted proxy (Express's `req.protocol` / `req.host` ignore them otherwise). A direct caller's own Host counts
 *   only when PUBLIC_URL is unset (development): in production a caller cannot pick the URL a signature is checked
 *   against.
 */
export function calledUrls(req: Request, publicUrl: string | undefined): string[] {
  const urls = publicUrl ? [publicUrl + req.originalUrl] : [];
  if (!publicUrl || fromTrustedProxy(req)) {
    const { protocol, host } = req;
    // A forwarded host that is no host name (the Host header itself was checked by the hub's host guard) is ignored.
    if ((protocol === 'http' || protocol === 'https') && host && isHostName(host)) urls.push(`${protocol}://${host}${req.originalUrl}`);
  }
  return urls;
}

/** The twilio library parses the URL and throws on one it cannot (an odd forwarded host): that is a mismatch, not a 500. */
function holds(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    return false;
  }
}

/**
 * Why a Twilio webhook is not Twilio's, or null when its `X-Twilio-Signature` holds. Form bodies are signed over the
 * URL and the sorted parameters; any other body only through the `bodySHA256` query parameter Twilio then adds to
 * the URL (the signature covers the URL, the hash covers the raw body). A non-form body without it is unsigned.
 * Expects `req.body` parsed for forms and a Buffer (express.raw) for anything else.
 */
export function signatureProblem(req: Request, authToken: string, publicUrl: string | undefined): string | null {
  const signature = req.get('x-twilio-signature');
  if (!signature) return 'no X-Twilio-Signature';
  const urls = calledUrls(req, publicUrl);
  if (req.is('application/x-www-form-urlencoded')) {
    const params = (req.body ?? {}) as Record<string, string>;
    return urls.some((url) => holds(() => twilio.validateRequest(authToken, signature, url, params))) ? null : 'signature does not match';
  }
  if (!new URLSearchParams(req.originalUrl.split('?')[1] ?? '').has('bodySHA256')) return 'the signature does not cover this body (no bodySHA256)';
  const body = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
  return urls.some((url) => holds(() => twilio.validateRequestWithBody(authToken, signature, url, body))) ? null : 'signature or body hash does not match';
}
