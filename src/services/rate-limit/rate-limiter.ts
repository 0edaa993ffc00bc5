import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RateDecision } from '../../domain/rate-limit';

/** One budget a request draws on: at most `limit` per `windowMs` under `key` (limit 0: no limit). */
export interface RateRule {
  key: string;
  limit: number;
  windowMs: number;
}

/**
 * GCRA (a token bucket kept as one timestamp per key) over several keys in one Lua call, on Redis' clock, so every
 * hub node draws on the same budgets. A key allows `limit` at once, then one per `windowMs / limit`. A request is
 * allowed only if every key has room, and only then counts on all of them: a visitor over their own limit does not
 * use up the budget of others behind the same address. Times are in microseconds (exact in a double up to 2^53).
 * KEYS: the budgets; ARGV: per key, its interval and its window (µs). Returns {0} or {wait ms, index of the key}.
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local wait, worst, tats = 0, 0, {}
for i, key in ipairs(KEYS) do
  local interval, window = tonumber(ARGV[2 * i - 1]), tonumber(ARGV[2 * i])
  local tat = math.max(tonumber(redis.call('GET', key) or '0'), now) + interval
  if tat - now > window and tat - now - window > wait then wait, worst = tat - now - window, i end
  tats[i] = tat
end
if wait > 0 then return {math.ceil(wait / 1000), worst} end
for i, key in ipairs(KEYS) do
  redis.call('SET', key, string.format('%d', tats[i]), 'PX', math.ceil((tats[i] - now) / 1000))
end
return {0}`;
const TAKE_SHA = createHash('sha1').update(TAKE).digest('hex');

/** Keys remembered as "over the limit until": at most this many (a flood of distinct keys cannot grow memory). */
const BLOCKED_MAX = 10_000;
const ERROR_LOG_EVERY_MS = 10_000;

export class RateLimiter {
  /**
   * Keys Redis refused, until when (this process' clock). While a key is refused, further requests are refused here
   * without a Redis call, so a flood costs this node memory lookups only. Safe: a key's bucket only moves later
   * (other nodes' requests), never earlier, so a request refused here would be refused by Redis too.
   */
  private readonly blocked = new Map<string, number>();
  /**
   * The same buckets counting only this node's requests (allowed, or still being asked about), on this node's clock.
   * A request this node alone has no room for would be refused by Redis too (the shared bucket holds at least these),
   * so it is refused here without a Redis call: a flood costs each node at most one Redis call per budget unit.
   */
  private readonly local = new Map<string, number>();
  private lastErrorLog = 0;
  /** What this node decided and how (read by tests and benchmarks: how many refusals cost a Redis call). */
  readonly stats = { redisCalls: 0, refusedLocally: 0, refusedByRedis: 0, allowed: 0 };

  constructor(
    private readonly redis: Redis,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /**
   * How long this node already knows a request on these budgets would be refused (0: it does not know, ask `take`),
   * without a Redis call and without counting the request anywhere. Never 0 for a request Redis would allow: it only
   * looks at what this node itself has seen.
   */
  refusedFor(rules: RateRule[], now = Date.now()): number {
    let wait = 0;
    for (const r of rules) {
      if (r.limit <= 0) continue;
      wait = Math.max(wait, (this.blocked.get(r.key) ?? 0) - now);
      wait = Math.max(wait, Math.max(this.local.get(r.key) ?? 0, now) + r.windowMs / r.limit - now - r.windowMs);
    }
    return wait > 0 ? Math.ceil(wait) : 0;
  }

  async take(rules: RateRule[]): Promise<RateDecision> {
    const active = rules.filter((r) => r.limit > 0);
    if (!active.length) return { allowed: true };
    const now = Date.now();
    const wait = this.refusedFor(active, now);
    if (wait > 0) {
      this.stats.refusedLocally++;
      return { allowed: false, retryAfterMs: wait };
    }
    this.count(active, now, 1);
    this.stats.redisCalls++;
    let reply: [number, number?];
    try {
      const args = active.flatMap((r) => [Math.floor((r.windowMs * 1000) / r.limit), r.windowMs * 1000]);
      const keys = active.map((r) => r.key);
      // By its hash: the script's text is sent only once per Redis (after a restart or SCRIPT FLUSH, again once).
      reply = (await this.redis.evalsha(TAKE_SHA, active.length, ...keys, ...args).catch((err: Error) => {
        if (!err.message.includes('NOSCRIPT')) throw err;
        return this.redis.eval(TAKE, active.length, ...keys, ...args);
      })) as [number, number?];
    } catch (err) {
      // Redis unavailable: let the request through (queues and realtime are down too; refusing adds nothing).
      if (now - this.lastErrorLog > ERROR_LOG_EVERY_MS) {
        this.lastErrorLog = now;
        this.onError(err);
      }
      return { allowed: true };
    }
    const [retryAfterMs, worst] = reply;
    if (!retryAfterMs) {
      this.stats.allowed++;
      return { allowed: true };
    }
    this.stats.refusedByRedis++;
    this.count(active, now, -1); // refused: it does not count here either
    this.block(active[(worst ?? 1) - 1]!.key, Date.now() + retryAfterMs);
    return { allowed: false, retryAfterMs };
  }

  /** Adds (or, for a refused request, takes back) one request to this node's buckets. */
  private count(rules: RateRule[], now: number, sign: 1 | -1): void {
    if (this.local.size >= BLOCKED_MAX) for (const [k, tat] of this.local) if (tat <= now) this.local.delete(k);
    for (const r of rules) this.local.set(r.key, Math.max(this.local.get(r.key) ?? 0, sign > 0 ? now : 0) + (sign * r.windowMs) / r.limit);
  }

  private block(key: string, until: number): void {
    if (this.blocked.size >= BLOCKED_MAX) {
      const now = Date.now();
      for (const [k, t] of this.blocked) if (t <= now) this.blocked.delete(k);
      if (this.blocked.size >= BLOCKED_MAX) this.blocked.delete(this.blocked.keys().next().value!);
    }
    this.blocked.delete(key); // re-inserted last: the eviction above drops the oldest first
    this.blocked.set(key, until);
  }
}
