import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { HubDeps } from '../deps';
import type { Role } from '../domain/views';
import { findActiveAgent, type AgentView } from '../services/agents/agents';
import { AGENT_SESSION_TTL_S, SessionStore } from '../services/agents/sessions';

export const SESSION_COOKIE = 'kanal_session';
export const SESSION_TTL_S = AGENT_SESSION_TTL_S;

type SessionDeps = Pick<HubDeps, 'config' | 'models' | 'redis'>;

/** The agents' session registry of this hub (Redis, shared by every node). */
export const sessionStore = (deps: Pick<HubDeps, 'config' | 'redis'>) => new SessionStore(deps.redis, deps.config.QUEUE_PREFIX, SESSION_TTL_S);

/** A session token: the agent (subject), its role, and the server-side session it belongs to (`sid`). */
export function signSession(secret: string, agent: { id: string; role: Role }, sessionId: string): string {
  return jwt.sign({ role: agent.role, sid: sessionId }, secret, { algorithm: 'HS256', subject: agent.id, expiresIn: SESSION_TTL_S });
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

// A short cache so each request does not re-read the agent (role, teams, disabled). Revocation does not wait for
// it: ending sessions (sign-out, disable, password) is checked in Redis on every request and socket event.
const CACHE_MS = 5000;
const caches = new WeakMap<object, Map<string, { agent: AgentView | null; until: number }>>();

async function cachedActiveAgent(deps: Pick<HubDeps, 'models'>, id: string): Promise<AgentView | null> {
  let cache = caches.get(deps.models);
  if (!cache) caches.set(deps.models, (cache = new Map()));
  const hit = cache.get(id);
  if (hit && hit.until > Date.now()) return hit.agent;
  const agent = await findActiveAgent(deps.models, id);
  if (cache.size > 10_000) cache.clear();
  cache.set(id, { agent, until: Date.now() + CACHE_MS });
  return agent;
}

// jsonwebtoken first tries a string secret as a public key (a failing createPublicKey, ~1 ms per request under
// load) before taking it as an HMAC key: hand it the HMAC key object, made once per secret.
const keys = new Map<string, KeyObject>();
const verifyKey = (secret: string): KeyObject => {
  let key = keys.get(secret);
  if (!key) keys.set(secret, (key = createSecretKey(Buffer.from(secret))));
  return key;
};

export interface SignedIn {
  agent: AgentView;
  sessionId: string;
}

/**
 * The signed-in agent and session of a token, or null when the token is invalid or expired, its session was ended
 * (sign-out, sign-out everywhere, password change or reset, agent disabled), or the agent is gone or disabled.
 * Costs one Redis GET, and a store read at most every few seconds per agent and process.
 */
export async function sessionForToken(deps: SessionDeps, token: string | undefined): Promise<SignedIn | null> {
  if (!token) return null;
  let claims: string | jwt.JwtPayload;
  try {
    claims = jwt.verify(token, verifyKey(deps.config.JWT_SECRET), { algorithms: ['HS256'] });
  } catch {
    return null;
  }
  if (typeof claims !== 'object' || typeof claims.sub !== 'string' || typeof claims.sid !== 'string') return null; // tokens without a session are not accepted
  const agent = await agentOfSession(deps, claims.sid, claims.sub);
  return agent ? { agent, sessionId: claims.sid } : null;
}

/** The agent while the session is open and the agent active, else null (REST requests and every socket event). */
export async function agentOfSession(deps: SessionDeps, sessionId: string, agentId: string): Promise<AgentView | null> {
  if (!(await sessionStore(deps).isOpen(sessionId, agentId))) return null;
  return cachedActiveAgent(deps, agentId);
}

/** Forget a cached agent (after an admin change), so the next request of this process re-reads it. */
export function forgetAgent(deps: Pick<HubDeps, 'models'>, id: string): void {
  caches.get(deps.models)?.delete(id);
}
