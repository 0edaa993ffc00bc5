import express, { type Router } from 'express';
import { z } from 'zod';
import { checkIdentityHash, isValidUserId, newVisitorId, signToken, verifyToken, type WidgetTokenPayload } from './token';

export interface WidgetSecrets {
  tokenSecret: string;
  /** Set: strict identity mode (only host-signed users may chat). */
  identitySecret?: string;
}

export const sessionBodySchema = z.strictObject({
  token: z.string().max(4096).optional(),
  name: z.string().trim().max(200, 'must be at most 200 characters').optional(),
  email: z.email('not a valid email address').max(320).optional(),
  userId: z.string().max(128).optional(),
  userHash: z.string().max(128).optional(),
});

export type SessionResult =
  | { status: 200; body: { token: string; visitorId: string } }
  | { status: 400 | 401; body: { error: string } };

/**
 * Issues a session token. A valid existing token keeps its visitor id (and so the visitor's history); in strict mode
 * the visitor id comes from the host-signed user id and every session must carry a good signature.
 */
export function createSession(input: unknown, secrets: WidgetSecrets, now = Date.now()): SessionResult {
  const parsed = sessionBodySchema.safeParse(input ?? {});
  if (!parsed.success) {
    return { status: 400, body: { error: parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') } };
  }
  const body = parsed.data;
  const previous = body.token ? verifyToken(body.token, secrets.tokenSecret) : null;
  const name = body.name || previous?.name || undefined;
  const email = body.email || previous?.email || undefined;
  let visitorId: string;
  let verified: boolean;
  if (secrets.identitySecret) {
    if (!body.userId || !body.userHash) return { status: 401, body: { error: 'identity required: userId and userHash' } };
    if (!isValidUserId(body.userId)) return { status: 401, body: { error: 'invalid userId' } };
    if (!checkIdentityHash(body.userId, body.userHash, secrets.identitySecret)) return { status: 401, body: { error: 'invalid userHash' } };
    visitorId = `u_${body.userId}`;
    verified = true;
  } else if (previous) {
    visitorId = previous.visitorId;
    verified = previous.verified;
  } else {
    // An unknown or forged token is not an error: the visitor simply starts over as a new anonymous visitor.
    visitorId = newVisitorId();
    verified = false;
  }
  const payload: WidgetTokenPayload = { visitorId, verified, iat: Math.floor(now / 1000) };
  if (name) payload.name = name;
  if (email) payload.email = email;
  return { status: 200, body: { token: signToken(payload, secrets.tokenSecret), visitorId } };
}

/**
 * The widget runs on the customer's site, so the endpoint is cross-origin. It uses no cookies (the token travels in
 * the body), so any origin may call it.
 */
function cors(_req: express.Request, res: express.Response, next: express.NextFunction) {
  res.set({ 'access-control-allow-origin': '*', 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'content-type', 'access-control-max-age': '600' });
  next();
}

export function mountSession(router: Router, path: string, secrets: WidgetSecrets): void {
  router.options(path, cors, (_req, res) => void res.status(204).end());
  router.post(path, cors, express.json({ limit: '16kb' }), (req, res) => {
    const result = createSession(req.body, secrets);
    res.set('cache-control', 'no-store').status(result.status).json(result.body);
  });
  // Malformed JSON (or a too-large body) from express.json: answer in the same JSON shape.
  router.use(path, ((err, _req, res, next) => {
    if (!err) return next();
    const status = typeof err.status === 'number' && err.status < 500 ? err.status : 400;
    res.status(status).json({ error: status === 413 ? 'body too large' : 'body must be JSON' });
  }) as express.ErrorRequestHandler);
}
