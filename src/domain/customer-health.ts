import { z } from 'zod';

/**
 * Customer health (docs/metrics.md, "Customer health"): a state from a customer's own facts and rules an admin
 * tunes. Pure: the same facts, rules and instant always give the same state, reasons and next change.
 */
export const HEALTH_STATES = ['healthy', 'at_risk', 'churned'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];
export const HEALTH_REASONS = ['negative_csat', 'repeated_reopens', 'long_waits', 'contact_drop', 'no_contact'] as const;
export type HealthReasonCode = (typeof HEALTH_REASONS)[number];

const DAY_MS = 86_400_000;
/**
 * The way health facts are folded: health kept in Redis by an older version (or none, after an upgrade or a Redis
 * that lost it) is rebuilt from the stored facts when a worker starts (src/services/crm/health-rebuild.ts).
 */
export const HEALTH_BUILD_VERSION = 'h2'; // h2: segment counters (CSAT average, conversations in the last N days)
/** Facts older than this are dropped: no window reaches further back. */
export const HEALTH_HISTORY_DAYS = 366;
/** At most this many of each kind of fact are kept per customer (the newest). */
export const HEALTH_FACTS_KEPT = 50;

const days = z.number().int().min(1).max(HEALTH_HISTORY_DAYS);
const count = z.number().int().min(1).max(HEALTH_FACTS_KEPT);
export const healthRulesSchema = z.object({
  /** A CSAT answer at or below maxScore within the window: at risk. */
  negativeCsat: z.object({ enabled: z.boolean(), maxScore: z.number().int().min(1).max(4), withinDays: days }).strict(),
  /** At least `count` customer reopens of resolved conversations within the window: at risk. */
  reopens: z.object({ enabled: z.boolean(), count: count.min(2), withinDays: days }).strict(),
  /** At least `count` waits for a response of `hours` or more that ended within the window: at risk. */
  longWaits: z.object({ enabled: z.boolean(), hours: z.number().min(0.25).max(720), count, withinDays: days }).strict(),
  /**
   * A customer with at least `minContacts` conversations silent for more than `factor` times their own mean interval
   * between conversations (and at least `minDays`): at risk.
   */
  contactDrop: z.object({ enabled: z.boolean(), minContacts: count.min(3), factor: z.number().min(1.5).max(20), minDays: days }).strict(),
  /** A customer with at least `minContacts` conversations silent for more than `afterDays`: churned. */
  churn: z.object({ enabled: z.boolean(), minContacts: count.min(2), afterDays: z.number().int().min(7).max(HEALTH_HISTORY_DAYS) }).strict(),
}).strict();
export type HealthRules = z.infer<typeof healthRulesSchema>;

export const DEFAULT_HEALTH_RULES: HealthRules = {
  negativeCsat: { enabled: true, maxScore: 2, withinDays: 30 },
  reopens: { enabled: true, count: 3, withinDays: 30 },
  longWaits: { enabled: true, hours: 24, count: 2, withinDays: 30 },
  contactDrop: { enabled: true, minContacts: 4, factor: 3, minDays: 14 },
  churn: { enabled: true, minContacts: 3, afterDays: 180 },
};

/**
 * What health reads of one customer, as kept per customer (times in ms since the epoch). Each list holds at most
 * HEALTH_FACTS_KEPT of the newest entries, keyed so that the same fact seen twice is kept once.
 */
export interface HealthFacts {
  /** Conversations opened: [conversation id, openedAt]. */
  opens: [string, number][];
  /** The customer's last inbound message. */
  lastInboundAt: number | null;
  /** Customer messages that reopened a resolved conversation: [message id, at]. */
  reopens: [string, number][];
  /** Waits ended by a response: [response message id, at, wall ms waited, 1 if it was the first response]. */
  waits: [string, number, number, number][];
  /** The latest CSAT answer per conversation: [conversation id, answered at, score]. */
  csat: [string, number, number][];
}
export const emptyHealthFacts = (): HealthFacts => ({ opens: [], lastInboundAt: null, reopens: [], waits: [], csat: [] });

export interface HealthReason {
  code: HealthReasonCode;
  /** When the newest fact behind it happened (ISO). */
  at?: string;
  /** How many facts fired it (reopens, waits), the score (CSAT) or the days of silence (contact rules). */
  count?: number;
  score?: number;
  days?: number;
  /** contact_drop: the customer's own mean interval between conversations, in days. */
  baselineDays?: number;
}

export interface HealthEvaluation {
  state: HealthState;
  reasons: HealthReason[];
  /** The next instant a rule's outcome can change without a new fact (a window passes, silence grows); null: never. */
  reevaluateAt: number | null;
}

const iso = (ms: number) => new Date(ms).toISOString();
const roundDays = (ms: number) => Math.round((ms / DAY_MS) * 10) / 10;

/** The customer's mean interval between conversations (ms) over the kept ones, null with fewer than two. */
export function contactBaselineMs(f: HealthFacts): number | null {
  if (f.opens.length < 2) return null;
  const times = f.opens.map(([, at]) => at);
  return (Math.max(...times) - Math.min(...times)) / (times.length - 1);
}

/** The customer's last contact: their last message, or a conversation's opening if later (imports, rebuilds). */
export const lastContactMs = (f: HealthFacts): number | null => {
  const opened = f.opens.length ? Math.max(...f.opens.map(([, at]) => at)) : null;
  if (f.lastInboundAt === null) return opened;
  return opened === null ? f.lastInboundAt : Math.max(opened, f.lastInboundAt);
};

/**
 * A window rule: the facts inside [now - window, now]; it fires with at least `need` of them, and its outcome
 * can next change when the oldest of those leaves the window.
 */
function inWindow(times: number[], windowMs: number, now: number, need: number) {
  const inside = times.filter((t) => t > now - windowMs && t <= now).sort((a, b) => a - b);
  return { fired: inside.length >= need, inside, changesAt: inside.length ? inside[0]! + windowMs : null };
}

/** Evaluates every enabled rule; churned wins over at risk, and every rule that fired is a reason. */
export function evaluateHealth(f: HealthFacts, rules: HealthRules, now: number): HealthEvaluation {
  const reasons: HealthReason[] = [];
  const changes: number[] = [];
  let churned = false;
  const track = (at: number | null) => {
    if (at !== null && at > now) changes.push(at);
  };

  if (rules.negativeCsat.enabled) {
    const negative = f.csat.filter(([, , score]) => score <= rules.negativeCsat.maxScore);
    const w = inWindow(negative.map(([, at]) => at), rules.negativeCsat.withinDays * DAY_MS, now, 1);
    if (w.fired) {
      const newest = negative.filter(([, at]) => at === w.inside.at(-1)).at(0)!;
      reasons.push({ code: 'negative_csat', at: iso(newest[1]), score: newest[2] });
      // It stays while any negative answer is inside the window: until the newest one leaves.
      track(w.inside.at(-1)! + rules.negativeCsat.withinDays * DAY_MS);
    }
  }
  if (rules.reopens.enabled) {
    const w = inWindow(f.reopens.map(([, at]) => at), rules.reopens.withinDays * DAY_MS, now, rules.reopens.count);
    if (w.fired) reasons.push({ code: 'repeated_reopens', at: iso(w.inside.at(-1)!), count: w.inside.length });
    if (w.fired) track(w.changesAt);
  }
  if (rules.longWaits.enabled) {
    const long = f.waits.filter(([, , ms]) => ms >= rules.longWaits.hours * 3_600_000).map(([, at]) => at);
    const w = inWindow(long, rules.longWaits.withinDays * DAY_MS, now, rules.longWaits.count);
    if (w.fired) reasons.push({ code: 'long_waits', at: iso(w.inside.at(-1)!), count: w.inside.length });
    if (w.fired) track(w.changesAt);
  }

  const last = lastContactMs(f);
  if (last !== null) {
    const silentMs = now - last;
    if (rules.churn.enabled && f.opens.length >= rules.churn.minContacts) {
      const after = rules.churn.afterDays * DAY_MS;
      if (silentMs > after) {
        churned = true;
        reasons.push({ code: 'no_contact', at: iso(last), days: roundDays(silentMs) });
      } else track(last + after + 1);
    }
    const baseline = contactBaselineMs(f);
    if (!churned && rules.contactDrop.enabled && baseline !== null && f.opens.length >= rules.contactDrop.minContacts) {
      const limit = Math.max(rules.contactDrop.factor * baseline, rules.contactDrop.minDays * DAY_MS);
      if (silentMs > limit) reasons.push({ code: 'contact_drop', at: iso(last), days: roundDays(silentMs), baselineDays: roundDays(baseline) });
      else track(last + limit + 1);
    }
  }
  const state: HealthState = churned ? 'churned' : reasons.length ? 'at_risk' : 'healthy';
  return { state, reasons, reevaluateAt: changes.length ? Math.min(...changes) : null };
}

/** The facts with one more kept (same key: replaced), the oldest dropped past HEALTH_FACTS_KEPT or the history. */
export function keepFact<T extends [string, number, ...number[]]>(list: T[], fact: T, now: number): T[] {
  const horizon = now - HEALTH_HISTORY_DAYS * DAY_MS;
  return [...list.filter(([key]) => key !== fact[0]), fact]
    .filter(([, at]) => at > horizon)
    .sort((a, b) => a[1] - b[1])
    .slice(-HEALTH_FACTS_KEPT);
}

/** Rank for sorting by health (worst last in ascending order). */
export const HEALTH_RANK: Record<HealthState, number> = { healthy: 0, at_risk: 1, churned: 2 };

/**
 * Windows (days) of the segment condition "conversations in the last N days" (docs/segments.md): a fixed few, so
 * each is one sorted set kept per customer, not a scan at query time.
 */
export const RECENT_WINDOWS = [7, 30, 90, 365] as const;
export type RecentWindow = (typeof RECENT_WINDOWS)[number];

/** Per-customer values segment conditions filter on, derived from the same kept facts as health. */
export interface SegmentCounters {
  /** Mean CSAT score (1-5) of the customer's kept answers (the latest per conversation, last 366 days); null: none. */
  csatAvg: number | null;
  /** Conversations opened in each window before `now` (at most HEALTH_FACTS_KEPT are kept, so counts stop at 50). */
  recent: Record<RecentWindow, number>;
  /** When a kept conversation next leaves a window (the counts change with time alone); null: never. */
  nextChange: number | null;
}

export function segmentCounters(f: HealthFacts, now: number): SegmentCounters {
  const scores = f.csat.map(([, , score]) => score);
  const recent = {} as Record<RecentWindow, number>;
  const leaves: number[] = [];
  for (const n of RECENT_WINDOWS) {
    const inWindow = f.opens.map(([, at]) => at).filter((at) => at > now - n * DAY_MS && at <= now);
    recent[n] = inWindow.length;
    if (inWindow.length) leaves.push(Math.min(...inWindow) + n * DAY_MS);
  }
  return { csatAvg: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null, recent, nextChange: leaves.length ? Math.min(...leaves) : null };
}
