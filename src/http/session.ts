import jwt from 'jsonwebtoken';
import type { HubDeps } from '../deps';
import type { Role } from '../domain/views';
import { findActiveAgent, type AgentView } from '../services/agents/agents';

export const SESSION_COOKIE = 'kanal_session';
export const SESSION_TTL_S = 12 * 3600;

export function signSession(secret: string, agent: { id: string; role: Role }): string {
  return jwt.sign({ role: agent.role }, secret, { algorithm: 'HS256', subject: agent.id, expiresIn: SESSION_TTL_S });
}

export function cookieOptions(production: boolean) {
  return { httpOnly: true, sameSite: 'lax' as const, secure: production, path: '/', maxAge: SESSION_TTL_S * 1000 };
}

/** Reads a cookie from a raw Cookie header (sockets get no cookie-parser). */
export function cookieFromHeader(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

// A short cache so each request does not re-read the agent; a disabled agent loses access within CACHE_MS.
const CACHE_MS = 5000;
const caches = new WeakMap<object, Map<string, { agent: AgentView | null; until: number }>>();

/** The signed-in agent for a token, or null when the token is invalid/expired or the agent is gone or disabled. */
export async function agentForToken(deps: Pick<HubDeps, 'config' | 'models'>, token: string | undefined): Promise<AgentView | null> {
  if (!token) return null;
  let sub: string | undefined;
  try {
    const claims = jwt.verify(token, deps.config.JWT_SECRET, { algorithms: ['HS256'] });
    sub = typeof claims === 'object' ? claims.sub : undefined;
  } catch {
    return null;
  }
  if (!sub) return null;
  let cache = caches.get(deps.models);
  if (!cache) caches.set(deps.models, (cache = new Map()));
  const hit = cache.get(sub);
  if (hit && hit.until > Date.now()) return hit.agent;
  const agent = await findActiveAgent(deps.models, sub);
  if (cache.size > 10_000) cache.clear();
  cache.set(sub, { agent, until: Date.now() + CACHE_MS });
  return agent;
}

/** Forget a cached agent (after an admin change), so the next request re-reads it. */
export function forgetAgent(deps: Pick<HubDeps, 'models'>, id: string): void {
  caches.get(deps.models)?.delete(id);
}
