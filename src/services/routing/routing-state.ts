import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Routing's shared state in Redis (never in the store: FerretDB's concurrent $inc can lose updates, and the queue
 * order and capacity checks must be atomic across worker processes).
 *
 * Load is a set of conversation ids per agent plus an owner hash (conversation -> agent), so every change is
 * idempotent: a retried job or a repeated sync adds nothing twice. Load = SCARD.
 */

// Claims a conversation for an agent only while the agent is below capacity; moves it from a previous owner.
// The previous owner's key is built inside the script (single Redis, not cluster-safe by design).
const CLAIM = `
local cur = redis.call('HGET', KEYS[2], ARGV[1])
if cur == ARGV[2] then return 1 end
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
if cur then redis.call('SREM', ARGV[4] .. cur, ARGV[1]) end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1`;

// Makes Redis agree with the store: the conversation counts for ARGV[2] ('' = nobody). Returns the previous owner.
const SYNC = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur and cur ~= ARGV[2] then redis.call('SREM', ARGV[3] .. cur, ARGV[1]) end
if ARGV[2] == '' then redis.call('HDEL', KEYS[1], ARGV[1])
else redis.call('SADD', ARGV[3] .. ARGV[2], ARGV[1]); redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return cur or ''`;

// Releases a lock only if we still hold it.
const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** Queue order: higher priority first, then longest waiting. Priorities are clamped so the score stays exact. */
export function queueScore(priority: number, waitingSinceMs: number): number {
  const p = Math.max(-40, Math.min(40, Math.round(priority || 0)));
  return -p * 1e14 + waitingSinceMs;
}

type Scripted = Redis & {
  kanalRoutingClaim(loadKey: string, ownerKey: string, conv: string, agent: string, cap: number, loadPrefix: string): Promise<number>;
  kanalRoutingSync(ownerKey: string, conv: string, agent: string, loadPrefix: string): Promise<string>;
  kanalRoutingUnlock(key: string, token: string): Promise<number>;
};

function scripted(redis: Redis): Scripted {
  const r = redis as Scripted;
  if (typeof r.kanalRoutingClaim !== 'function') {
    redis.defineCommand('kanalRoutingClaim', { numberOfKeys: 2, lua: CLAIM });
    redis.defineCommand('kanalRoutingSync', { numberOfKeys: 1, lua: SYNC });
    redis.defineCommand('kanalRoutingUnlock', { numberOfKeys: 1, lua: UNLOCK });
  }
  return r;
}

export class RoutingState {
  private readonly r: Scripted;
  private readonly p: string;

  constructor(redis: Redis, queuePrefix: string) {
    this.r = scripted(redis);
    this.p = `${queuePrefix}:routing`;
  }

  private get loadPrefix() {
    return `${this.p}:load:`;
  }
  private get ownerKey() {
    return `${this.p}:owner`;
  }

  /** 1 if the agent now holds the conversation (it was below capacity, or already held it). */
  async claim(agentId: string, conversationId: string, capacity: number): Promise<boolean> {
    return (await this.r.kanalRoutingClaim(this.loadPrefix + agentId, this.ownerKey, conversationId, agentId, capacity, this.loadPrefix)) === 1;
  }

  /** Sets who the conversation counts for (null: nobody); returns the previous owner, if any. */
  async sync(conversationId: string, agentId: string | null): Promise<string | null> {
    const prev = await this.r.kanalRoutingSync(this.ownerKey, conversationId, agentId ?? '', this.loadPrefix);
    return prev || null;
  }

  async loads(agentIds: string[]): Promise<Map<string, number>> {
    if (!agentIds.length) return new Map();
    const pipe = this.r.pipeline();
    for (const id of agentIds) pipe.scard(this.loadPrefix + id);
    const res = (await pipe.exec()) ?? [];
    return new Map(agentIds.map((id, i) => [id, Number(res[i]?.[1] ?? 0)]));
  }

  /** Every conversation id Redis counts, with its owner (for reconciliation with the store). */
  async owners(): Promise<Map<string, string>> {
    return new Map(Object.entries(await this.r.hgetall(this.ownerKey)));
  }

  // --- per-team routing queue: priority, then wait (the wallboard counts waiting customers from the inbox index) ---

  /** Adds to the team's queue; false if it was already there (its place is kept). */
  async enqueue(teamId: string, conversationId: string, priority: number, waitingSinceMs: number): Promise<boolean> {
    return (await this.r.zadd(`${this.p}:q:${teamId}`, 'NX', queueScore(priority, waitingSinceMs), conversationId)) === 1;
  }

  async dequeue(teamId: string, conversationId: string): Promise<void> {
    await this.r
      .multi()
      .zrem(`${this.p}:q:${teamId}`, conversationId)
      .srem(`${this.p}:noted:${teamId}`, conversationId)
      .exec();
  }

  /** Of these queued conversations, the ones whose "queued" event is not written yet (now marked as written). */
  async firstNotes(teamId: string, conversationIds: string[]): Promise<string[]> {
    if (!conversationIds.length) return [];
    const pipe = this.r.pipeline();
    for (const id of conversationIds) pipe.sadd(`${this.p}:noted:${teamId}`, id);
    const res = (await pipe.exec()) ?? [];
    return conversationIds.filter((_, i) => Number(res[i]?.[1] ?? 0) === 1);
  }

  /** Queued conversation ids in routing order. */
  async queued(teamId: string, offset: number, count: number): Promise<string[]> {
    return this.r.zrange(`${this.p}:q:${teamId}`, offset, offset + count - 1);
  }

  // --- round-robin pointer: the last agent given a conversation in this team ---

  async lastAssigned(teamId: string): Promise<string | null> {
    return this.r.get(`${this.p}:rr:${teamId}`);
  }
  async setLastAssigned(teamId: string, agentId: string): Promise<void> {
    await this.r.set(`${this.p}:rr:${teamId}`, agentId);
  }

  // --- per-team drain lock with a "dirty" flag, so a signal that arrives while someone else drains is not lost ---

  async markDirty(teamId: string): Promise<void> {
    await this.r.set(`${this.p}:dirty:${teamId}`, '1');
  }
  async takeDirty(teamId: string): Promise<boolean> {
    return (await this.r.getdel(`${this.p}:dirty:${teamId}`)) !== null;
  }
  async isDirty(teamId: string): Promise<boolean> {
    return (await this.r.exists(`${this.p}:dirty:${teamId}`)) === 1;
  }

  /** A lock token, or null if another process holds the lock. The TTL frees it if its holder dies. */
  async tryLock(name: string, ttlMs = 15_000): Promise<string | null> {
    const token = randomUUID();
    return (await this.r.set(`${this.p}:lock:${name}`, token, 'PX', ttlMs, 'NX')) === 'OK' ? token : null;
  }
  async unlock(name: string, token: string): Promise<void> {
    await this.r.kanalRoutingUnlock(`${this.p}:lock:${name}`, token);
  }

  // --- who is viewing which conversation: one zset of "conversation|agent" scored by expiry ---

  async view(conversationId: string, agentId: string, ttlMs: number): Promise<void> {
    await this.r.zadd(`${this.p}:viewers`, Date.now() + ttlMs, `${conversationId}|${agentId}`);
  }
  async unview(conversationId: string, agentId: string): Promise<void> {
    await this.r.zrem(`${this.p}:viewers`, `${conversationId}|${agentId}`);
  }
  async viewers(now = Date.now()): Promise<{ conversationId: string; agentIds: string[] }[]> {
    const key = `${this.p}:viewers`;
    await this.r.zremrangebyscore(key, '-inf', now);
    const byConv = new Map<string, string[]>();
    for (const member of await this.r.zrange(key, 0, -1)) {
      const [conversationId, agentId] = member.split('|') as [string, string];
      byConv.set(conversationId, [...(byConv.get(conversationId) ?? []), agentId]);
    }
    return [...byConv].map(([conversationId, agentIds]) => ({ conversationId, agentIds: agentIds.sort() }));
  }
}
