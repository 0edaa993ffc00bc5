import type { Request, RequestHandler } from 'express';
import type { HubDeps } from '../deps';
import type { Role } from '../domain/views';
import type { AgentView } from '../services/agents/agents';
import { HttpError } from './errors';
import { agentForToken, SESSION_COOKIE } from './session';

export function tokenOf(req: Request): string | undefined {
  const header = req.get('authorization');
  if (header?.toLowerCase().startsWith('bearer ')) return header.slice(7).trim() || undefined;
  const cookie = (req.cookies as Record<string, unknown> | undefined)?.[SESSION_COOKIE];
  return typeof cookie === 'string' && cookie ? cookie : undefined;
}

/** The agent set by requireAgent. */
export const currentAgent = (res: { locals: Record<string, unknown> }) => res.locals.agent as AgentView;

/** 401 without a valid session (cookie or Bearer), 403 when the agent's role is not among `roles`. */
export function requireAgent(deps: Pick<HubDeps, 'config' | 'models'>, roles?: readonly Role[]): RequestHandler {
  return async (req, res, next) => {
    const agent = await agentForToken(deps, tokenOf(req));
    if (!agent) return next(new HttpError(401, 'authentication required'));
    if (roles && !roles.includes(agent.role)) return next(new HttpError(403, 'forbidden'));
    res.locals.agent = agent;
    next();
  };
}
