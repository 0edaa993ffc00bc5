import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Router } from 'express';
import type { Socket } from 'socket.io';
import { z } from 'zod';
import { WidgetEvents } from '../../src/domain/events';
import type { IngressContext } from '../types';
import { visitorProfile } from './visitor-profile';
import { checkIdentityHash, identityHash, isValidUserId, newVisitorId, readToken, renewToken, signToken, verifyToken, type WidgetTokenPayload } from './token';

export interface WidgetSecrets {
  tokenSecret: string;
  /** Set: strict identity mode (only host-signed users may chat). */
  identitySecret?: string;
  /** How long a token lives after it was issued (WIDGET_TOKEN_TTL_DAYS); every connect renews it. */
  tokenTtlS: number;
}

/** WIDGET_TOKEN_TTL_DAYS in seconds (the config validates it; 30 days when unset). */
export const tokenTtlSeconds = (days: string | undefined) => Math.round((Number(days) > 0 ? Number(days) : 30) * 24 * 3600);

export const sessionBodySchema = z.strictObject({
  token: z.string().max(4096).optional(),
  name: z.string().trim().max(200, 'must be at most 200 characters').optional(),
  email: z.email('not a valid email address').max(320).optional(),
  userId: z.string().max(128).optional(),
  userHash: z.string().max(128).optional(),
  /** Strict mode: hex(HMAC-SHA256(email, identity secret)), the host vouching for the email as well. */
  emailHash: z.string().max(128).optional(),
  /**
   * Strict mode: custom attributes the host vouches for, as the JSON text it signed (an object of attribute key ->
   * value), with attributesHash = hex(HMAC-SHA256("attributes:" + userId + ":" + attributes, identity secret)).
   */
  attributes: z.string().max(4096).optional(),
  attributesHash: z.string().max(128).optional(),
  /** What the widget knows of its page and browser: shown to agents as the visitor's profile (never trusted). */
  context: z.object({
    url: z.string().max(2000).optional(),
    referrer: z.string().max(2000).optional(),
    language: z.string().max(35).optional(),
    timezone: z.string().max(64).optional(),
  }).optional(),
});

/** What the host signs for attributes: bound to the user id, so one user's signed attributes never fit another's. */
export const attributesSigningInput = (userId: string, attributes: string) => `attributes:${userId}:${attributes}`;

/** Constant-time check of a host-signed value (the same HMAC as the user id's, over the value as sent). */
function checkEmailHash(email: string, emailHash: string | undefined, secret: string): boolean {
  if (!emailHash || !/^[0-9a-f]{64}$/i.test(emailHash)) return false;
  return timingSafeEqual(Buffer.from(emailHash.toLowerCase(), 'hex'), Buffer.from(identityHash(email, secret), 'hex'));
}

export type SessionResult =
  | { status: 200; body: { token: string; visitorId: string }; signedAttributes?: Record<string, unknown> }
  | { status: 400 | 401; body: { error: string } };

/**
 * Issues a session token. A valid existing token keeps its visitor id (and so the visitor's history); in strict mode
 * the visitor id comes from the host-signed user id and every session must carry a good signature.
 */
export function createSession(input: unknown, secrets: WidgetSecrets, now = Date.now(), request: { userAgent?: string; headerCity?: string } = {}): SessionResult {
  const parsed = sessionBodySchema.safeParse(input ?? {});
  if (!parsed.success) {
    return { status: 400, body: { error: parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') } };
  }
  const body = parsed.data;
  // An expired token is read like a forged one: the visitor starts over (below).
  const check = body.token ? readToken(body.token, secrets.tokenSecret, secrets.tokenTtlS, now) : null;
  const token = check?.ok ? check.session : null;
  let visitorId: string;
  let verified: boolean;
  let signedAttributes: Record<string, unknown> | undefined;
  if (secrets.identitySecret) {
    if (!body.userId || !body.userHash) return { status: 401, body: { error: 'identity required: userId and userHash' } };
    if (!isValidUserId(body.userId)) return { status: 401, body: { error: 'invalid userId' } };
    if (!checkIdentityHash(body.userId, body.userHash, secrets.identitySecret)) return { status: 401, body: { error: 'invalid userHash' } };
    if (body.emailHash && !body.email) return { status: 400, body: { error: 'emailHash: needs the email it signs' } };
    if (body.email && body.emailHash && !checkEmailHash(body.email, body.emailHash, secrets.identitySecret)) {
      return { status: 401, body: { error: 'invalid emailHash' } };
    }
    visitorId = `u_${body.userId}`;
    verified = true;
    if (body.attributes !== undefined) {
      if (!body.attributesHash || !checkEmailHash(attributesSigningInput(body.userId, body.attributes), body.attributesHash, secrets.identitySecret)) {
        return { status: 401, body: { error: 'invalid attributesHash' } };
      }
      try {
        const parsedAttributes: unknown = JSON.parse(body.attributes);
        if (!parsedAttributes || typeof parsedAttributes !== 'object' || Array.isArray(parsedAttributes)) throw new Error('not an object');
        signedAttributes = parsedAttributes as Record<string, unknown>;
      } catch {
        return { status: 400, body: { error: 'attributes: must be a JSON object' } };
      }
    }
  } else if (token) {
    visitorId = token.visitorId;
    verified = token.verified;
  } else {
    // An unknown, forged or expired token is not an error: the visitor simply starts over as a new anonymous visitor.
    visitorId = newVisitorId();
    verified = false;
  }
  // Only this visitor's earlier session carries its name and email over (another signed user's token lends nothing).
  const previous = token?.visitorId === visitorId ? token : null;
  const name = body.name || previous?.name || undefined;
  const email = body.email || previous?.email || undefined;
  // Anyone can type any address into a pre-chat form, so an email is only a claim (never linked to the customer who
  // owns that address) unless the host site signed it too: strict mode with a good emailHash.
  const emailVerified = Boolean(secrets.identitySecret) && (body.email ? Boolean(body.emailHash) : Boolean(previous?.emailVerified));
  const payload: WidgetTokenPayload = { visitorId, verified, iat: Math.floor(now / 1000) };
  if (name) payload.name = name;
  if (email) payload.email = email;
  if (email && emailVerified) payload.emailVerified = true;
  // Every session states where the visitor is now (a returning visitor's new page); the first message stores it.
  payload.visitor = visitorProfile({ userAgent: request.userAgent, headerCity: request.headerCity, page: body.context });
  return { status: 200, body: { token: signToken(payload, secrets.tokenSecret), visitorId }, ...(signedAttributes ? { signedAttributes } : {}) };
}

/**
 * Sends a connected widget a renewed token (`session:token`) at once and again every half lifetime while it stays
 * connected, so a visitor who keeps coming back never meets an expired token; the widget stores it.
 */
export function keepTokenFresh(socket: Socket, session: WidgetTokenPayload, secrets: Pick<WidgetSecrets, 'tokenSecret' | 'tokenTtlS'>): void {
  const send = () => socket.emit(WidgetEvents.token, { token: renewToken(session, secrets.tokenSecret) });
  send();
  // Timers above 2^31-1 ms fire at once: cap the period (about 24 days).
  const timer = setInterval(send, Math.min(secrets.tokenTtlS * 500, 2 ** 31 - 1));
  timer.unref();
  socket.on('disconnect', () => clearInterval(timer));
}

/**
 * The widget runs on the customer's site, so the endpoint is cross-origin. It uses no cookies (the token travels in
 * the body), so any origin may call it.
 */
function cors(_req: express.Request, res: express.Response, next: express.NextFunction) {
  res.set(CORS_HEADERS);
  next();
}

const CORS_HEADERS = {
  'access-control-allow-origin': '*', 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'content-type',
  'access-control-expose-headers': 'retry-after', 'access-control-max-age': '600',
};

/**
 * The address pre-check ahead of the hub's Express stack (IngressHandle.refuseEarly): a session request from an
 * address this node already knows to be over its session budget is answered 429 from the raw request, without
 * Express, helmet or the route table (a flood of them cost 0.35 ms each there). The same answer as `tooMany` (tooManyHeaders, tooManyBody).
 */
export function earlySessionRefusal(path: string, ctx: Pick<IngressContext, 'rateLimitRefusal' | 'clientAddress' | 'holdRefusal'>) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'POST' || (req.url !== path && !req.url?.startsWith(`${path}?`))) return false;
    const ip = ctx.clientAddress(req);
    const retryAfterMs = ctx.rateLimitRefusal('session', { ip });
    if (retryAfterMs <= 0) return false;
    req.resume(); // the unread body is discarded, so a kept-alive connection can carry the next request
    ctx.holdRefusal(ip, retryAfterMs, (left) => {
      if (res.destroyed) return; // the client gave up meanwhile
      res.writeHead(429, { ...CORS_HEADERS, 'content-type': 'application/json; charset=utf-8', 'x-content-type-options': 'nosniff', ...tooManyHeaders(left) });
      res.end(JSON.stringify(tooManyBody(left)));
    });
    return true;
  };
}

/** 429 with Retry-After (whole seconds for HTTP, exact milliseconds in the body for the widget), held (holdRefusal). */
function tooMany(req: express.Request, res: express.Response, retryAfterMs: number, ctx: Pick<IngressContext, 'holdRefusal'>): void {
  ctx.holdRefusal(req.ip ?? 'unknown', retryAfterMs, (left) => {
    if (!res.destroyed) res.set(tooManyHeaders(left)).status(429).json(tooManyBody(left));
  });
}
const tooManyHeaders = (retryAfterMs: number) => ({ 'retry-after': String(Math.ceil(retryAfterMs / 1000)), 'cache-control': 'no-store' });
const tooManyBody = (retryAfterMs: number) => ({ error: 'too many requests, retry later', retryAfterMs });

/**
 * Every session request draws on the client address' budget, and one that carries a valid token also on that
 * visitor's (the token is signed, so nobody can spend someone else's); over either: 429 with Retry-After. Requests
 * that fail validation count too: in strict mode they are guesses at a user hash.
 */
function limited(ctx: Pick<IngressContext, 'rateLimit' | 'holdRefusal'>, tokenSecret: string): express.RequestHandler {
  return (req, res, next) => {
    const token = (req.body as { token?: unknown } | undefined)?.token;
    const visitorId = verifyToken(token, tokenSecret)?.visitorId;
    ctx.rateLimit('session', { visitorId, ip: req.ip ?? 'unknown' }).then((decision) => {
      if (decision.allowed) return next();
      tooMany(req, res, decision.retryAfterMs, ctx);
    }, next);
  };
}

export function mountSession(router: Router, path: string, secrets: WidgetSecrets, ctx: Pick<IngressContext, 'rateLimit' | 'signedAttributes' | 'holdRefusal'>, cityHeader?: string): void {
  router.options(path, cors, (_req, res) => void res.status(204).end());
  router.post(path, cors, express.json({ limit: '16kb' }), limited(ctx, secrets.tokenSecret), (req, res, next) => {
    const result = createSession(req.body, secrets, Date.now(), { userAgent: req.get('user-agent'), headerCity: cityHeader ? req.get(cityHeader) : undefined });
    // Signed attributes are stored before the answer (the hub keeps only defined keys with valid values).
    const stored = result.status === 200 && result.signedAttributes && ctx.signedAttributes ? ctx.signedAttributes(result.body.visitorId, result.signedAttributes) : Promise.resolve();
    stored.then(() => res.set('cache-control', 'no-store').status(result.status).json(result.body), next);
  });
  // Malformed JSON (or a too-large body) from express.json: answer in the same JSON shape.
  router.use(path, ((err, _req, res, next) => {
    if (!err) return next();
    const status = typeof err.status === 'number' && err.status < 500 ? err.status : 400;
    res.status(status).json({ error: status === 413 ? 'body too large' : 'body must be JSON' });
  }) as express.ErrorRequestHandler);
}
