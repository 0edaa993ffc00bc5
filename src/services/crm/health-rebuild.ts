import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { HEALTH_BUILD_VERSION, HEALTH_HISTORY_DAYS } from '../../domain/customer-health';
import type { Models } from '../../store';
import type { MetricEvent } from '../metrics/metrics';
import { underFlusherLock } from '../metrics/metrics-buckets';
import { foldHealthFacts } from './health';

/**
 * Rebuilding customer health from `metric_events` when it is missing or stale (docs/metrics.md, "Customer health"):
 * after an upgrade from a version without it (or with an older way of folding facts: bump HEALTH_BUILD_VERSION), or
 * a Redis that lost it. A worker starts it in the background at start-up (`ensureHealthBuilt`): start-up does not
 * wait, and the live flusher keeps folding new facts meanwhile.
 * - Idempotent: folding a fact twice keeps it once (facts are keyed), so a month folded again after a crash changes
 *   nothing, and live facts folded before the rebuild reached their month are simply folded again.
 * - Resumable: progress (the next UTC month to fold) is saved after each month; a restarted worker continues there
 *   instead of starting over. The store is cleared only when a rebuild starts, never when it resumes.
 * - One at a time: a lease in Redis renewed while it works; each batch is folded under the metrics flusher lock (the
 *   one writer of health facts).
 */
const BATCH = 1000;
const LEASE_MS = 120_000;
const DAY_MS = 86_400_000;

const monthStart = (ym: string) => Date.parse(`${ym}-01T00:00:00Z`);
const nextMonthOf = (ym: string) => {
  const d = new Date(monthStart(ym));
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toISOString().slice(0, 7);
};

/** `stopped`: the process is closing (`signal`); the months folded so far are kept and the next start resumes. */
export type HealthBuildOutcome = 'current' | 'busy' | 'empty' | 'stopped' | { months: number; facts: number; resumedFrom: string | null };

/**
 * Makes health current if it is not: nothing when its build marker is of this version; otherwise folds the facts of
 * the last year month by month (resuming a rebuild in course). `onMonth` is told after each month (logs, tests).
 */
export async function ensureHealthBuilt(m: Models, redis: Redis, prefix: string, opts: { now?: () => number; onMonth?: (month: string, facts: number) => void; signal?: AbortSignal } = {}): Promise<HealthBuildOutcome> {
  const now = opts.now ?? Date.now;
  const state = await m.health.buildState();
  if (state.built?.startsWith(`${HEALTH_BUILD_VERSION}|`)) return 'current';
  const token = randomUUID();
  if (!(await m.health.leaseRebuild(token, LEASE_MS))) return 'busy';
  try {
    let progress = state.progress?.version === HEALTH_BUILD_VERSION ? state.progress : null;
    const resumedFrom = progress?.nextMonth ?? null;
    if (!progress) {
      if (!(await m.metricEvents.hasAny())) {
        await m.health.markBuilt(HEALTH_BUILD_VERSION); // a fresh install: nothing to fold, live facts build it
        return 'empty';
      }
      await underFlusherLock(redis, prefix, () => m.health.clear());
      progress = { version: HEALTH_BUILD_VERSION, nextMonth: new Date(now() - HEALTH_HISTORY_DAYS * DAY_MS).toISOString().slice(0, 7), startedAt: new Date(now()).toISOString() };
      await m.health.saveProgress(progress);
    }
    const current = new Date(now()).toISOString().slice(0, 7);
    let months = 0;
    let total = 0;
    for (let month = progress.nextMonth; month <= current; month = nextMonthOf(month)) {
      const facts = await foldMonth(m, redis, prefix, month, now, opts.signal);
      if (opts.signal?.aborted) return 'stopped';
      total += facts;
      months++;
      // The month is folded: a restart continues with the next one (the current month is folded again, harmlessly).
      await m.health.saveProgress({ ...progress, nextMonth: nextMonthOf(month) });
      if (!(await m.health.leaseRebuild(token, LEASE_MS))) throw new Error('the health rebuild lease was lost');
      opts.onMonth?.(month, facts);
    }
    await m.health.markBuilt(HEALTH_BUILD_VERSION);
    return { months, facts: total, resumedFrom };
  } finally {
    await m.health.releaseRebuild(token);
  }
}

/** Folds one UTC month of facts, a batch at a time, each under the flusher lock (reading happens outside it). */
async function foldMonth(m: Models, redis: Redis, prefix: string, month: string, now: () => number, signal?: AbortSignal): Promise<number> {
  let batch: MetricEvent[] = [];
  let n = 0;
  const fold = async () => {
    const events = batch;
    batch = [];
    await underFlusherLock(redis, prefix, () => foldHealthFacts(m, events, now()));
  };
  for await (const e of m.metricEvents.eachInTimeRange(new Date(monthStart(month)), new Date(monthStart(nextMonthOf(month))))) {
    batch.push(e as unknown as MetricEvent);
    n++;
    if (batch.length >= BATCH) await fold();
    if (signal?.aborted) return n; // the month is not marked done: folded again (harmlessly) on the next start
  }
  if (batch.length) await fold();
  return n;
}
