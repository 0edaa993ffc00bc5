import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { deleteByPattern } from './customer-directory';
import { emptyHealthFacts, HEALTH_RANK, HEALTH_STATES, RECENT_WINDOWS, type HealthEvaluation, type HealthFacts, type HealthState, type SegmentCounters } from '../domain/customer-health';

/**
 * Customer health in Redis, beside the customer directory (docs/metrics.md, "Customer health"):
 * - `<prefix>:health:facts` hash: customer id -> its HealthFacts as JSON (a few kB at most: lists are capped);
 * - `<prefix>:health:state` hash: customer id -> { state, reasons, at } as last evaluated;
 * - `<prefix>:health:due` sorted set: customer id -> when its state can next change without a new fact;
 * - `<prefix>:health:active:<YYYY-MM>` sets: customers who wrote in that UTC month (retention and attrition);
 * - directory keys `<prefix>:cdir:hs|<state>` (sets, the directory's health filter) and `<prefix>:cdir:hz|rank`
 *   (sorted set, the sort by health), named outside the directory's `s|`/`z|` keys so its rebuild keeps them.
 * One writer: the metrics flusher (under its lock) folds facts and re-evaluates, so read-modify-write of a customer's
 * facts is safe. Everything is rebuildable from `metric_events` (`src/services/crm/health.ts`, `rebuildHealth`).
 */
export const healthDirectoryKeys = {
  state: (s: HealthState) => `hs|${s}`,
  rank: 'hz|rank',
  /** Segment conditions kept from the same facts: CSAT average, conversations opened in the last N days. */
  csatAvg: 'hz|csat',
  recent: (days: number) => `hz|recent:${days}`,
};

export interface StoredHealth extends Omit<HealthEvaluation, 'reevaluateAt'> {
  /** When it was evaluated (ISO). */
  at: string;
}

/** A health rebuild in course: for which build version, and the first UTC month (`YYYY-MM`) still to fold. */
export interface RebuildProgress { version: string; nextMonth: string; startedAt: string }

export function customerHealthStore(redis: Redis, prefix: string) {
  const facts = `${prefix}:health:facts`;
  const states = `${prefix}:health:state`;
  const due = `${prefix}:health:due`;
  const active = (month: string) => `${prefix}:health:active:${month}`;
  const dir = (name: string) => `${prefix}:cdir:${name}`;
  const parse = <T>(raw: string | null | undefined): T | null => (raw ? (JSON.parse(raw) as T) : null);
  return {
    /** The facts of these customers (empty for one with none), in order. */
    async facts(ids: string[]): Promise<HealthFacts[]> {
      if (!ids.length) return [];
      const raw = await redis.hmget(facts, ...ids);
      return raw.map((r) => ({ ...emptyHealthFacts(), ...parse<HealthFacts>(r) }));
    },
    async saveFacts(byId: Map<string, HealthFacts>): Promise<void> {
      if (byId.size) await redis.hset(facts, Object.fromEntries([...byId].map(([id, f]) => [id, JSON.stringify(f)])));
    },
    /** Stores evaluations: state, its directory set and rank, and when to look again. */
    async saveStates(evals: Map<string, HealthEvaluation & { counters?: SegmentCounters }>, now: number): Promise<void> {
      if (!evals.size) return;
      const tx = redis.multi();
      for (const [id, e] of evals) {
        if (e.counters) {
          if (e.counters.csatAvg === null) tx.zrem(dir(healthDirectoryKeys.csatAvg), id);
          else tx.zadd(dir(healthDirectoryKeys.csatAvg), e.counters.csatAvg, id);
          for (const n of RECENT_WINDOWS) tx.zadd(dir(healthDirectoryKeys.recent(n)), e.counters.recent[n], id);
        }
        const stored: StoredHealth = { state: e.state, reasons: e.reasons, at: new Date(now).toISOString() };
        tx.hset(states, id, JSON.stringify(stored));
        for (const s of HEALTH_STATES) if (s !== e.state) tx.srem(dir(healthDirectoryKeys.state(s)), id);
        tx.sadd(dir(healthDirectoryKeys.state(e.state)), id);
        tx.zadd(dir(healthDirectoryKeys.rank), HEALTH_RANK[e.state], id);
        if (e.reevaluateAt === null) tx.zrem(due, id);
        else tx.zadd(due, e.reevaluateAt, id);
      }
      await tx.exec();
    },
    /** Customers whose state may have changed by `now` (at most `limit`). */
    dueBy: (now: number, limit: number): Promise<string[]> => redis.zrangebyscore(due, '-inf', String(now), 'LIMIT', 0, limit),
    /** Every evaluated customer becomes due now (the rules changed). */
    async allDue(): Promise<void> {
      await redis.zunionstore(due, 2, due, dir(healthDirectoryKeys.rank), 'WEIGHTS', 1, 0, 'AGGREGATE', 'MIN');
    },
    /** The stored evaluation of each customer (null: none yet), one round trip. */
    async states(ids: string[]): Promise<(StoredHealth | null)[]> {
      if (!ids.length) return [];
      return (await redis.hmget(states, ...ids)).map((r) => parse<StoredHealth>(r));
    },
    /** How many customers are in each state. */
    async counts(): Promise<Record<HealthState, number>> {
      const res = await redis.pipeline(HEALTH_STATES.map((s) => ['scard', dir(healthDirectoryKeys.state(s))])).exec();
      return Object.fromEntries(HEALTH_STATES.map((s, i) => [s, Number(res?.[i]?.[1] ?? 0)])) as Record<HealthState, number>;
    },
    /** Records customers who wrote in a UTC month (`YYYY-MM` -> customer ids); a set per month, so twice is once. */
    async markActive(byMonth: Map<string, string[]>): Promise<void> {
      if (!byMonth.size) return;
      const tx = redis.pipeline();
      for (const [month, ids] of byMonth) tx.sadd(active(month), ...ids);
      await tx.exec();
    },
    /**
     * Customers who wrote in any of `before`, and how many of them wrote again in any of `during`; and how many wrote
     * in `during` in all. Two temporary unions (one per period), one intersection count: bounded by the active sets.
     */
    async retention(before: string[], during: string[]): Promise<{ before: number; during: number; retained: number }> {
      const tmp = `${prefix}:health:tmp:${randomUUID()}`;
      const [b, d] = [`${tmp}:b`, `${tmp}:d`];
      const res = await redis.multi()
        .sunionstore(b, ...before.map(active)).sunionstore(d, ...during.map(active))
        .sintercard(2, b, d).del(b, d).exec();
      return { before: Number(res?.[0]?.[1] ?? 0), during: Number(res?.[1]?.[1] ?? 0), retained: Number(res?.[2]?.[1] ?? 0) };
    },
    /**
     * What the health keys were built by (`<version>|<ISO time>`; null: never, e.g. an upgrade from before health, or
     * a Redis that lost them), and the progress of a rebuild in course (resumable after a crash or restart).
     */
    async buildState(): Promise<{ built: string | null; progress: RebuildProgress | null }> {
      const [built, progress] = await redis.mget(`${prefix}:health:built`, `${prefix}:health:rebuild`);
      return { built: built ?? null, progress: parse<RebuildProgress>(progress) };
    },
    async saveProgress(p: RebuildProgress): Promise<void> {
      await redis.set(`${prefix}:health:rebuild`, JSON.stringify(p));
    },
    /** The rebuild is complete: its marker set and its progress gone. */
    async markBuilt(version: string): Promise<void> {
      await redis.multi().set(`${prefix}:health:built`, `${version}|${new Date().toISOString()}`).del(`${prefix}:health:rebuild`).exec();
    },
    /** One process rebuilds at a time: a lease it renews while it works (false: another holds it). */
    async leaseRebuild(token: string, ms: number): Promise<boolean> {
      const key = `${prefix}:health:rebuild:lease`;
      const renewed = await redis.eval("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0", 1, key, token, String(ms));
      return Number(renewed) === 1 || (await redis.set(key, token, 'PX', ms, 'NX')) === 'OK';
    },
    async releaseRebuild(token: string): Promise<void> {
      await redis.eval("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0", 1, `${prefix}:health:rebuild:lease`, token);
    },
    /** Forgets everything (before a rebuild from the facts' source). */
    async clear(): Promise<void> {
      await redis.del(facts, states, due, dir(healthDirectoryKeys.rank), dir(healthDirectoryKeys.csatAvg), ...RECENT_WINDOWS.map((n) => dir(healthDirectoryKeys.recent(n))),
        ...HEALTH_STATES.map((s) => dir(healthDirectoryKeys.state(s))));
      await deleteByPattern(redis, active('*'));
    },
  };
}
export type CustomerHealthStore = ReturnType<typeof customerHealthStore>;
