import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The survey link's token: `base64url(JSON {c, e}) + "." + base64url(HMAC-SHA256(first part, secret))`, with `c` the
 * conversation id and `e` the expiry (epoch ms). Signed, not encrypted: it reveals only a conversation id. Anyone
 * holding the link can answer that one survey until it expires; nothing else can be read or changed with it.
 */
export const SURVEY_PATH = '/csat/s/';

const mac = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('base64url');

/** The signing key: CSAT_LINK_SECRET, or one derived from JWT_SECRET (never the JWT key itself). */
export const surveySecret = (config: { CSAT_LINK_SECRET?: string; JWT_SECRET: string }) =>
  config.CSAT_LINK_SECRET ?? createHmac('sha256', config.JWT_SECRET).update('kanal csat links').digest('hex');

export function signSurveyToken(secret: string, conversationId: string, expiresAt: Date): string {
  const body = Buffer.from(JSON.stringify({ c: conversationId, e: expiresAt.getTime() })).toString('base64url');
  return `${body}.${mac(secret, body)}`;
}

export type TokenCheck =
  | { ok: true; conversationId: string; expiresAt: Date }
  | { ok: false; reason: 'invalid' }
  /** Genuine but expired: which survey it was is known (its page answers in the customer's language). */
  | { ok: false; reason: 'expired'; conversationId: string };

/** Checks the signature first (a tampered token is invalid, whatever it says), then the expiry. */
export function verifySurveyToken(secret: string, token: string, now = new Date()): TokenCheck {
  const [body, sig, extra] = token.split('.');
  if (!body || !sig || extra !== undefined) return { ok: false, reason: 'invalid' };
  const expected = Buffer.from(mac(secret, body));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
  let payload: { c?: unknown; e?: unknown };
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString()) as typeof payload;
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if (typeof payload.c !== 'string' || !/^[0-9a-f]{24}$/.test(payload.c) || typeof payload.e !== 'number') return { ok: false, reason: 'invalid' };
  if (now.getTime() >= payload.e) return { ok: false, reason: 'expired', conversationId: payload.c };
  return { ok: true, conversationId: payload.c, expiresAt: new Date(payload.e) };
}

export const surveyUrl = (baseUrl: string, token: string) => `${baseUrl.replace(/\/+$/, '')}${SURVEY_PATH}${token}`;
/** The token inside a survey link found in a message's text (the widget reads it the same way). */
export const SURVEY_LINK_RE = /\/csat\/s\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/;
