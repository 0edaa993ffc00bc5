import {
  contactBaselineMs, DEFAULT_HEALTH_RULES, HEALTH_BUILD_VERSION, evaluateHealth, segmentCounters, healthRulesSchema, keepFact, lastContactMs,
  type HealthEvaluation, type HealthFacts, type HealthReason, type HealthRules, type HealthState,
} from '../../domain/customer-health';
import type { AuditActor, Models } from '../../store';
import { audit } from '../audit';
import type { MetricEvent } from '../metrics/metrics';
import { CrmError } from './errors';
import { lifetimeValueAttribute, lifetimeValueOf } from './lifetime-value';
import type { Money } from '../../domain/attributes';

/**
 * Customer health (docs/metrics.md, "Customer health"): the metrics flusher hands every fact it folds to
 * `foldHealthFacts` and then calls `reevaluateDueHealth`, both under its lock (one writer of health facts); rules are
 * an admin setting. The evaluation itself is pure (src/domain/customer-health.ts).
 */
const SETTING = 'customerHealthRules';
const CACHE_MS = 5000;
/** Customers re-evaluated per flusher pass because time passed (a window ended, silence grew). */
const DUE_PER_PASS = 500;
const rulesCache = new WeakMap<Models, { rules: HealthRules; until: number }>();

/** The rules in effect: the stored setting over the defaults (a rule the setting lacks keeps its default). */
export async function healthRules(m: Models, opts: { fresh?: boolean } = {}): Promise<HealthRules> {
  const hit = rulesCache.get(m);
  if (!opts.fresh && hit && hit.until > Date.now()) return hit.rules;
  const stored = await m.settings.get(SETTING);
  const merged = healthRulesSchema.safeParse({ ...DEFAULT_HEALTH_RULES, ...(stored && typeof stored === 'object' ? stored : {}) });
  const rules = merged.success ? merged.data : DEFAULT_HEALTH_RULES;
  rulesCache.set(m, { rules, until: Date.now() + CACHE_MS });
  return rules;
}

/** An admin changes the rules (audited): every customer is evaluated again by the next flusher passes. */
export async function setHealthRules(m: Models, actor: AuditActor, rules: HealthRules): Promise<HealthRules> {
  const before = await healthRules(m, { fresh: true });
  await m.settings.set(SETTING, rules);
  rulesCache.set(m, { rules, until: Date.now() + CACHE_MS });
  await audit(m, actor, 'settings.customer_health_changed', { type: 'settings', id: null, name: 'customer health' }, { rules: before }, { rules });
  await m.health.allDue();
  return rules;
}

const ms = (at: Date | string) => new Date(at).getTime();

/** One fact into a customer's health facts (the same fact twice changes nothing). */
function foldOne(f: HealthFacts, e: MetricEvent, now: number): HealthFacts {
  switch (e.type) {
    case 'opened': return { ...f, opens: keepFact(f.opens, [String(e.conversationId), ms(e.at)], now) };
    case 'inbound': return { ...f, lastInboundAt: Math.max(f.lastInboundAt ?? 0, ms(e.at)) };
    case 'reopened': return e.reopenedFrom === 'resolved' ? { ...f, reopens: keepFact(f.reopens, [String(e.messageId ?? e._id), ms(e.at)], now) } : f;
    case 'response': return typeof e.wallMs === 'number' ? { ...f, waits: keepFact(f.waits, [String(e.messageId ?? e._id), ms(e.at), e.wallMs, e.first ? 1 : 0], now) } : f;
    // A changed answer replaces the earlier one of its conversation (same key).
    case 'csat_answered': return typeof e.score === 'number' ? { ...f, csat: keepFact(f.csat, [String(e.conversationId), ms(e.at), e.score], now) } : f;
    default: return f;
  }
}
const RELEVANT = new Set<MetricEvent['type']>(['opened', 'inbound', 'reopened', 'response', 'csat_answered']);

/** Folds facts into their customers' health facts and evaluates those customers again. */
export async function foldHealthFacts(m: Models, events: MetricEvent[], now = Date.now()): Promise<number> {
  const byCustomer = new Map<string, MetricEvent[]>();
  const activeByMonth = new Map<string, string[]>();
  for (const e of events) {
    if (e.type === 'inbound' && e.customerId) {
      const month = new Date(e.at).toISOString().slice(0, 7);
      activeByMonth.set(month, [...(activeByMonth.get(month) ?? []), String(e.customerId)]);
    }
    if (!e.customerId || !RELEVANT.has(e.type)) continue;
    const id = String(e.customerId);
    byCustomer.set(id, [...(byCustomer.get(id) ?? []), e]);
  }
  await m.health.markActive(activeByMonth);
  if (!byCustomer.size) return 0;
  const ids = [...byCustomer.keys()];
  const current = await m.health.facts(ids);
  const next = new Map(ids.map((id, i) => [id, byCustomer.get(id)!.reduce((f, e) => foldOne(f, e, now), current[i]!)]));
  await m.health.saveFacts(next);
  const rules = await healthRules(m);
  await m.health.saveStates(new Map([...next].map(([id, f]) => [id, evaluate(f, rules, now)])), now);
  return ids.length;
}

/**
 * A customer's health and segment counters (CSAT average, conversations in the last N days) from the same facts,
 * and the next instant either can change with time alone (a window passes): the customer is due again then, so
 * neither health nor a time-window segment condition needs a scan of everyone.
 */
function evaluate(f: HealthFacts, rules: HealthRules, now: number) {
  const e = evaluateHealth(f, rules, now);
  const counters = segmentCounters(f, now);
  const times = [e.reevaluateAt, counters.nextChange].filter((t): t is number => t !== null);
  return { ...e, counters, reevaluateAt: times.length ? Math.min(...times) : null };
}

/** Evaluates again the customers whose state may have changed by `now` without a new fact. */
export async function reevaluateDueHealth(m: Models, now = Date.now()): Promise<number> {
  const ids = await m.health.dueBy(now, DUE_PER_PASS);
  if (!ids.length) return 0;
  const [facts, rules] = await Promise.all([m.health.facts(ids), healthRules(m)]);
  await m.health.saveStates(new Map(ids.map((id, i) => [id, evaluate(facts[i]!, rules, now)])), now);
  return ids.length;
}

/** Makes every customer's health again from the facts of the last year (after losing Redis, or on upgrade). */
export async function rebuildHealth(m: Models, now = Date.now()): Promise<number> {
  await m.health.clear();
  let batch: MetricEvent[] = [];
  let n = 0;
  for await (const e of m.metricEvents.eachInTimeRange(new Date(now - 366 * 86_400_000), new Date(now + 1))) {
    batch.push(e as unknown as MetricEvent);
    if (batch.length >= 1000) {
      n += await foldHealthFacts(m, batch, now);
      batch = [];
    }
  }
  if (batch.length) n += await foldHealthFacts(m, batch, now);
  await m.health.markBuilt(HEALTH_BUILD_VERSION);
  return n;
}

/** What the profile shows: the state evaluated now, its reasons, and the facts behind the contact rules. */
export interface CustomerHealthView {
  state: HealthState | null;
  reasons: HealthReason[];
  contacts: number;
  lastContactAt: string | null;
  baselineDays: number | null;
  /** Median wall-clock first response time this customer experienced (nearest rank), over the kept responses. */
  medianFirstResponseMs: number | null;
  /** From the currency attribute an admin chose (./lifetime-value.ts); null when none is chosen or the customer has none. */
  lifetimeValue: Money | null;
}

export async function customerHealth(m: Models, customerId: string, now = Date.now()): Promise<CustomerHealthView> {
  const customer = await m.customers.byId(customerId, ['attributes']).catch(() => null);
  if (!customer) throw new CrmError('customer not found', 404);
  const [[f], rules, valueAttr] = await Promise.all([m.health.facts([customerId]), healthRules(m), lifetimeValueAttribute(m)]);
  const last = lastContactMs(f!);
  const known = f!.opens.length > 0 || last !== null;
  const e: HealthEvaluation | null = known ? evaluateHealth(f!, rules, now) : null;
  const baseline = contactBaselineMs(f!);
  const firsts = f!.waits.filter((w) => w[3] === 1).map((w) => w[2]).sort((a, b) => a - b);
  return {
    state: e?.state ?? null,
    reasons: e?.reasons ?? [],
    contacts: f!.opens.length,
    lastContactAt: last === null ? null : new Date(last).toISOString(),
    baselineDays: baseline === null ? null : Math.round((baseline / 86_400_000) * 10) / 10,
    medianFirstResponseMs: firsts.length ? firsts[Math.ceil(firsts.length / 2) - 1]! : null,
    lifetimeValue: lifetimeValueOf(customer.attributes as Record<string, unknown> | null | undefined, valueAttr),
  };
}

/** `YYYY-MM` months from `from` to `to` inclusive, and as many before `from`. */
function periods(from: string, to: string): { before: string[]; during: string[] } {
  const index = (ym: string) => Number(ym.slice(0, 4)) * 12 + Number(ym.slice(5, 7)) - 1;
  const name = (i: number) => `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
  const [a, b] = [index(from), index(to)];
  const n = b - a + 1;
  return { before: Array.from({ length: n }, (_, i) => name(a - n + i)), during: Array.from({ length: n }, (_, i) => name(a + i)) };
}

export const RETENTION_MAX_MONTHS = 12;

/**
 * Retention and attrition over whole UTC months (docs/metrics.md, "Retention and attrition"): of the customers who
 * wrote in the period just before (as many months), the share who wrote again in the period, and the rest.
 */
export async function retentionReport(m: Models, from: string, to: string) {
  if (to < from) throw new CrmError('to must not be before from');
  const p = periods(from, to);
  if (p.during.length > RETENTION_MAX_MONTHS) throw new CrmError(`at most ${RETENTION_MAX_MONTHS} months`);
  const r = await m.health.retention(p.before, p.during);
  const retention = r.before ? r.retained / r.before : null;
  return {
    period: { from: p.during[0]!, to: p.during.at(-1)! }, previous: { from: p.before[0]!, to: p.before.at(-1)! },
    previousActive: r.before, active: r.during, retained: r.retained, lost: r.before - r.retained, returningOrNew: r.during - r.retained,
    retention, attrition: r.before ? (r.before - r.retained) / r.before : null,
  };
}
