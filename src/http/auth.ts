import type { Request, RequestHandler } from 'express';
import type { HubDeps } from '../deps';
import type { Role } from '../domain/views';
import type { AgentView } from '../services/agents/agents';
import { authenticateToken, isApiToken, noteTokenUse, scopesAllow } from '../services/agents/api-tokens';
import { RateLimiter } from '../services/rate-limit/rate-limiter';
import { KanalError } from '../domain/errors';
import { sessionForToken, SESSION_COOKIE } from './session';

export function tokenOf(req: Request): string | undefined {
  const header = req.get('authorization');
  if (header?.toLowerCase().startsWith('bearer ')) return header.slice(7).trim() || undefined;
  const cookie = (req.cookies as Record<string, unknown> | undefined)?.[SESSION_COOKIE];
  return typeof cookie === 'string' && cookie ? cookie : undefined;
}

/** The agent set by requireAgent. */
export const currentAgent = (res: { locals: Record<string, unknown> }) => res.locals.agent as AgentView;
/**
 * The id of the session the request came with (set by requireAgent): sign-out and password change need it. Undefined
 * for a request made with an API token, which has no session.
 */
export const currentSessionId = (res: { locals: Record<string, unknown> }) => res.locals.sessionId as string | undefined;

/** The session id, or 403 for a request made with an API token (sign-out and password change need a person's session). */
export function requireSession(res: { locals: Record<string, unknown> }): string {
  const id = currentSessionId(res);
  if (!id) throw new KanalError('forbidden', 'this needs a signed-in session, not an API token');
  return id;
}

type AuthDeps = Pick<HubDeps, 'config' | 'models' | 'redis' | 'logger'>;

// One limiter per Redis connection (per hub): it keeps this node's early refusals in memory.
const limiters = new WeakMap<object, RateLimiter>();
const limiterOf = (deps: AuthDeps) => {
  let limiter = limiters.get(deps.redis);
  if (!limiter) limiters.set(deps.redis, (limiter = new RateLimiter(deps.redis, (err) => deps.logger.warn({ err }, 'token rate limiter unavailable'))));
  return limiter;
};

/**
 * 401 without a valid, open session (cookie or Bearer) or a valid API token, 403 when the agent's role is not among
 * `roles` or the token's scopes do not cover the request, 429 when a token is over its rate.
 */
export function requireAgent(deps: AuthDeps, roles?: readonly Role[]): RequestHandler {
  return async (req, res, next) => {
    const token = tokenOf(req);
    if (token && isApiToken(token)) {
      const found = await authenticateToken(deps.models, token);
      if (!found) return next(new KanalError('unauthenticated', 'authentication required'));
      const { limit, windowMs } = deps.config.API_TOKEN_RATE;
      const decision = await limiterOf(deps).take([{ key: `${deps.config.QUEUE_PREFIX}:rl:token:${found.tokenId}`, limit, windowMs }]);
      if (!decision.allowed) {
        res.setHeader('Retry-After', String(Math.ceil(decision.retryAfterMs / 1000)));
        return next(new KanalError('rate_limited', 'rate limited: too many requests with this token', { details: { retryAfterMs: decision.retryAfterMs } }));
      }
      if (!scopesAllow(found.scopes, req.method, roles !== undefined)) return next(new KanalError('forbidden', "the token's scopes do not allow this"));
      if (roles && !roles.includes(found.agent.role)) return next(new KanalError('forbidden', 'forbidden'));
      res.locals.agent = found.agent;
      res.locals.tokenId = found.tokenId;
      noteTokenUse(deps.models, deps.redis, deps.config.QUEUE_PREFIX, found.tokenId).catch((err: unknown) => deps.logger.warn({ err }, 'token last use not recorded'));
      return next();
    }
    const signedIn = await sessionForToken(deps, token);
    if (!signedIn) return next(new KanalError('unauthenticated', 'authentication required'));
    if (roles && !roles.includes(signedIn.agent.role)) return next(new KanalError('forbidden', 'forbidden'));
    res.locals.agent = signedIn.agent;
    res.locals.sessionId = signedIn.sessionId;
    next();
  };
}
