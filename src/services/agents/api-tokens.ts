import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Types } from 'mongoose';
import type { Redis } from 'ioredis';
import { KanalError } from '../../domain/errors';
import { idForKey, type Models, type StoredApiToken, type TokenScope } from '../../store';
import type { Role } from '../../domain/views';
import { findActiveAgent, toAgentView, type AgentView } from './agents';
import { audit } from '../audit';

/**
 * API tokens (personal and bot): `kanal_<kind>_<43 characters>`, shown once at creation; only their SHA-256 is kept.
 * A token acts as its owner agent, narrowed to its scopes: `read` allows GET, `write` every other method, and
 * `admin` is needed on top for supervisor and admin routes (whatever the owner's role, never more than it).
 */
export const TOKEN_PREFIX = 'kanal_';
const LAST_USED_EVERY_S = 60;

export class TokenError extends KanalError {
  constructor(code: 'forbidden' | 'not_found', message: string) {
    super(code, message);
  }
}

export interface TokenView {
  id: string;
  name: string;
  kind: 'personal' | 'bot';
  ownerId: string;
  /** The first characters of the token, to tell tokens apart in a list. */
  prefix: string;
  scopes: TokenScope[];
  createdAt: string;
  createdBy?: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
export const toTokenView = (t: StoredApiToken): TokenView => ({
  id: String(t._id),
  name: t.name,
  kind: t.kind,
  ownerId: String(t.ownerId),
  prefix: t.prefix,
  scopes: t.scopes,
  createdAt: t.createdAt.toISOString(),
  ...(t.createdBy?.name ? { createdBy: t.createdBy.name } : {}),
  expiresAt: iso(t.expiresAt),
  lastUsedAt: iso(t.lastUsedAt),
  revokedAt: iso(t.revokedAt),
});

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');
const idOfHash = (hash: string) => idForKey('api-token', hash);
export const isApiToken = (token: string) => token.startsWith(TOKEN_PREFIX);

export interface NewTokenInput {
  name: string;
  scopes: TokenScope[];
  /** Days until it stops working; none: until revoked. */
  expiresInDays?: number;
}

/** A new token for `owner`: the stored record and the secret, which is never shown again. */
async function issue(m: Models, owner: { id: string }, kind: 'personal' | 'bot', input: NewTokenInput, actor: AgentView) {
  const secret = `${TOKEN_PREFIX}${kind === 'bot' ? 'bot' : 'pat'}_${randomBytes(32).toString('base64url')}`;
  const hash = sha256(secret);
  const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null;
  const stored = await m.apiTokens.create(idOfHash(hash), {
    hash, prefix: secret.slice(0, 14), name: input.name, kind, ownerId: new Types.ObjectId(owner.id),
    scopes: [...new Set(input.scopes)], createdBy: { id: actor.id, name: actor.name }, expiresAt,
  });
  const view = toTokenView(stored);
  await audit(m, actor, 'api_token.created', { type: 'api_token', id: stored._id, name: input.name }, {}, view);
  return { token: secret, view };
}

/** An agent's own token; an agent cannot give a token the admin scope unless they are an admin or supervisor. */
export async function createPersonalToken(m: Models, agent: AgentView, input: NewTokenInput) {
  if (agent.bot) throw new TokenError('forbidden', 'a bot cannot create tokens');
  if (input.scopes.includes('admin') && agent.role === 'agent') throw new TokenError('forbidden', 'the admin scope needs a supervisor or admin');
  return issue(m, agent, 'personal', input, agent);
}

/** A bot (an agent that acts through tokens only) and its first token; admins only (the route checks). */
export async function createBot(m: Models, admin: AgentView, input: NewTokenInput & { botName: string; role: Role }) {
  const id = new Types.ObjectId();
  // No password hash: argon2 cannot verify against it, so the bot can never sign in (verifyPassword).
  const bot = await m.agents.create({
    email: `bot-${String(id)}@bots.kanal.invalid`, name: input.botName, passwordHash: 'bot: no password', role: input.role,
    teamIds: [], languages: [], capacity: 0, bot: true,
  });
  await audit(m, admin, 'bot.created', { type: 'agent', id: bot._id, name: input.botName }, {}, toAgentView(bot));
  const issued = await issue(m, { id: String(bot._id) }, 'bot', input, admin);
  return { ...issued, bot: toAgentView(bot) };
}

export async function listOwnTokens(m: Models, agentId: string): Promise<TokenView[]> {
  return (await m.apiTokens.ofOwner(new Types.ObjectId(agentId))).map(toTokenView);
}

export async function listAllTokens(m: Models): Promise<TokenView[]> {
  return (await m.apiTokens.all()).map(toTokenView);
}

/** Revokes a token: the owner may revoke their own, an admin any (`asAdmin`). Takes effect on the next request. */
export async function revokeToken(m: Models, actor: AgentView, id: string, asAdmin: boolean): Promise<TokenView> {
  const tokenId = new Types.ObjectId(id);
  const token = await m.apiTokens.byId(tokenId);
  if (!token || (!asAdmin && String(token.ownerId) !== actor.id)) throw new TokenError('not_found', 'token not found');
  const revoked = (await m.apiTokens.revoke(tokenId)) ?? token;
  const view = toTokenView(revoked);
  await audit(m, actor, 'api_token.revoked', { type: 'api_token', id: tokenId, name: token.name }, toTokenView(token), view);
  return view;
}

export interface TokenIdentity {
  agent: AgentView;
  tokenId: string;
  scopes: TokenScope[];
}

/**
 * The owner and scopes of a presented token; null when it is unknown, revoked, expired, or its owner is disabled.
 * One `_id` read per request (no cache: a revocation applies to the very next request).
 */
export async function authenticateToken(m: Models, token: string): Promise<TokenIdentity | null> {
  if (!isApiToken(token) || token.length > 200) return null;
  const hash = sha256(token);
  const stored = await m.apiTokens.byId(idOfHash(hash));
  if (!stored || stored.revokedAt || (stored.expiresAt && stored.expiresAt.getTime() <= Date.now())) return null;
  if (!timingSafeEqual(Buffer.from(stored.hash), Buffer.from(hash))) return null;
  const agent = await findActiveAgent(m, String(stored.ownerId));
  return agent ? { agent, tokenId: String(stored._id), scopes: stored.scopes } : null;
}

/** Whether the scopes allow this request: `read` for GET/HEAD, `write` for the rest, plus `admin` on staff routes. */
export function scopesAllow(scopes: readonly TokenScope[], method: string, staffRoute: boolean): boolean {
  const needed: TokenScope = method === 'GET' || method === 'HEAD' ? 'read' : 'write';
  return scopes.includes(needed) && (!staffRoute || scopes.includes('admin'));
}

// When this process last asked Redis about a token's last use: a busy token costs no Redis call per request.
const notedAt = new Map<string, number>();

/**
 * Records when a token was last used, at most once a minute per token: this process asks Redis at most once a minute
 * per token, and a Redis key makes one process of all write the store.
 */
export async function noteTokenUse(m: Models, redis: Redis, prefix: string, tokenId: string): Promise<void> {
  const now = Date.now();
  if ((notedAt.get(tokenId) ?? 0) > now - LAST_USED_EVERY_S * 1000) return;
  if (notedAt.size > 10_000) notedAt.clear();
  notedAt.set(tokenId, now);
  const first = await redis.set(`${prefix}:token-used:${tokenId}`, '1', 'EX', LAST_USED_EVERY_S, 'NX');
  if (first) await m.apiTokens.touch(new Types.ObjectId(tokenId), new Date());
}
