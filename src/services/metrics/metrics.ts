import type { Redis } from 'ioredis';
import { Types } from 'mongoose';
import { fallbackChannel } from '../../domain/channels';
import { ALWAYS_OPEN, businessMsBetween, type BusinessCalendar } from '../../domain/business-hours';
import type { MetricEventType } from '../../store/metric-events';
import type { Models, StoredConversation } from '../../store';

/**
 * Per-message metric facts (docs/metrics.md). Services call the small `*Facts` recorders below at the moment
 * something happens; each stores append-only events in `metric_events` (idempotent by key) and hands them to the
 * metrics feed (a Redis list), which the metrics worker folds into hourly buckets (src/services/metrics/metrics-buckets.ts).
 */

/** Business time of a team: its calendar (no calendar = 24/7). The sla work provides the calendar-backed one. */
export interface TeamClock {
  businessMs(teamId: string | null, from: Date, to: Date): Promise<number> | number;
}
export const ALWAYS_OPEN_CLOCK: TeamClock = { businessMs: (_team, from, to) => Math.max(0, to.getTime() - from.getTime()) };

/** Business time from each team's calendar (null team: the default one); `calendarOf` gives null for none (24/7). */
export function calendarClock(calendarOf: (teamId: string | null) => Promise<BusinessCalendar | null> | BusinessCalendar | null): TeamClock {
  return {
    async businessMs(teamId, from, to) {
      const cal = await calendarOf(teamId);
      return businessMsBetween(cal ?? ALWAYS_OPEN, from, to);
    },
  };
}

export interface MetricEvent {
  _id: string;
  type: MetricEventType;
  at: Date;
  conversationId: Types.ObjectId;
  customerId?: Types.ObjectId | null;
  teamId: Types.ObjectId | null;
  agentId: Types.ObjectId | null;
  channel: string;
  messageId?: Types.ObjectId | null;
  first?: boolean;
  wallMs?: number;
  businessMs?: number;
  frtWallMs?: number;
  frtBusinessMs?: number;
  target?: 'firstResponse' | 'nextResponse' | 'resolution';
  outcome?: 'hit' | 'breached';
  dueAt?: Date;
  score?: number;
  prevScore?: number | null;
  /** reopened: what the conversation was (customer health counts reopens of resolved ones). */
  reopenedFrom?: 'pending' | 'snoozed' | 'resolved';
  /**
   * The segments the customer was in when the fact was recorded (only the facts reports split by segment:
   * SEGMENT_SPLIT_TYPES). Kept on the fact so the segment buckets can be rebuilt from the facts alone.
   */
  segments?: string[];
}

/** Facts whose numbers the reports split by segment (FRT, resolution, CSAT, new conversations). */
export const SEGMENT_SPLIT_TYPES: ReadonlySet<MetricEvent['type']> = new Set(['opened', 'response', 'resolved', 'csat_asked', 'csat_answered']);
/** Which segments (ids) a customer is in now: wired by the process (src/hub.ts) from the segments service. */
export type FactSegments = (customerId: string) => Promise<string[]>;

interface MetricsWiring {
  redis: Redis | null;
  prefix: string;
  clock: TeamClock;
  segmentsOf?: FactSegments;
}
// One wiring per store connection's models (a hub process, or a test's hub): services receive only `Models`,
// and metrics must not widen every service signature.
const wirings = new WeakMap<Models, MetricsWiring>();

/** Called once per process (src/hub.ts): where facts are fed to, and which clock is business time. */
export function wireMetrics(m: Models, wiring: { redis: Redis | null; prefix: string; clock?: TeamClock; segmentsOf?: FactSegments }): void {
  const before = wirings.get(m);
  wirings.set(m, { ...wiring, clock: wiring.clock ?? before?.clock ?? ALWAYS_OPEN_CLOCK, segmentsOf: wiring.segmentsOf ?? before?.segmentsOf });
}
export const metricsClock = (m: Models): TeamClock => wirings.get(m)?.clock ?? ALWAYS_OPEN_CLOCK;
export const metricsFeedKey = (prefix: string) => `${prefix}:metrics:feed`;

/**
 * Stores facts (a fact already stored is kept as it was) and feeds them to the bucket worker. Feeding a fact
 * twice is harmless (the worker applies each key once), so a retried job that re-records everything is safe.
 */
export async function recordMetricEvents(m: Models, events: MetricEvent[]): Promise<void> {
  if (!events.length) return;
  await stampSegments(wirings.get(m)?.segmentsOf, events);
  await m.metricEvents.insertNew(events);
  const w = wirings.get(m);
  if (w?.redis) await w.redis.rpush(metricsFeedKey(w.prefix), ...events.map((e) => JSON.stringify(e)));
}

/**
 * Writes the customer's segments on the facts reports split by segment, once per customer of the batch (one Redis
 * pipeline each, src/services/crm/segments.ts `segmentIdsOf`): membership at the moment of the fact, as the reports
 * want it ("FRT of VIP customers"), never recomputed by scanning customers. A fact already carrying segments (a
 * retry re-recording it) keeps them. Inbound messages pay nothing: they are not split.
 */
async function stampSegments(segmentsOf: FactSegments | undefined, events: MetricEvent[]): Promise<void> {
  if (!segmentsOf) return;
  const wanted = events.filter((e) => SEGMENT_SPLIT_TYPES.has(e.type) && e.customerId && !e.segments);
  const customers = [...new Set(wanted.map((e) => String(e.customerId)))];
  if (!customers.length) return;
  const of = new Map(await Promise.all(customers.map(async (c) => [c, await segmentsOf(c)] as const)));
  for (const e of wanted) {
    const ids = of.get(String(e.customerId));
    if (ids?.length) e.segments = ids;
  }
}

/** One fact; the entry point for other modules (SLA outcomes, routing's queued/dequeued). */
export const recordMetricEvent = (m: Models, event: MetricEvent) => recordMetricEvents(m, [event]);

/**
 * What the fact recorders read of a conversation. `queuedAt` (the start of a queue episode, docs/metrics.md) is read
 * when present; nothing stores it yet, so the wait in queue runs from openedAt.
 */
type Conv = Pick<StoredConversation, '_id' | 'customerId' | 'teamId' | 'assigneeId' | 'openedAt' | 'lastInboundChannel'> & { queuedAt?: Date | null };
const idOrNull = (v: unknown): Types.ObjectId | null =>
  v instanceof Types.ObjectId ? v : v && Types.ObjectId.isValid(String(v)) ? new Types.ObjectId(String(v)) : null;
const ms = (from: Date, to: Date) => Math.max(0, to.getTime() - from.getTime());
async function durations(m: Models, teamId: unknown, from: Date, to: Date) {
  const team = teamId ? String(teamId) : null;
  return { wallMs: ms(from, to), businessMs: Math.round(await metricsClock(m).businessMs(team, from, to)) };
}

/** The message that opened its conversation (same instant): true again when a retry re-records its facts. */
export const opensConversation = (c: Conv, msg: { createdAt: Date | string }) =>
  Boolean(c.openedAt) && new Date(c.openedAt).getTime() === new Date(msg.createdAt).getTime();

/** An inbound customer message (and the conversation it opened, if it opened one). */
export function inboundFacts(c: Conv, msg: { _id: unknown; channel: string; createdAt: Date | string }, opened: boolean): MetricEvent[] {
  const base = { conversationId: c._id, customerId: idOrNull(c.customerId), teamId: idOrNull(c.teamId), agentId: idOrNull(c.assigneeId), channel: msg.channel };
  const out: MetricEvent[] = [{ ...base, _id: `inbound:${String(msg._id)}`, type: 'inbound', at: new Date(msg.createdAt), messageId: idOrNull(msg._id) }];
  if (opened) out.push({ ...base, _id: `opened:${String(c._id)}`, type: 'opened', at: new Date(c.openedAt) });
  return out;
}

/** A customer message that took its conversation out of pending, snoozed or resolved: one fact per such message. */
export function reopenedFacts(c: Conv, msg: { _id: unknown; channel: string; createdAt: Date | string }, from?: MetricEvent['reopenedFrom']): MetricEvent[] {
  return [{ ...(from ? { reopenedFrom: from } : {}),
    _id: `reopened:${String(msg._id)}`, type: 'reopened', at: new Date(msg.createdAt), conversationId: c._id, customerId: idOrNull(c.customerId),
    teamId: idOrNull(c.teamId), agentId: idOrNull(c.assigneeId), channel: msg.channel, messageId: idOrNull(msg._id),
  }];
}

/**
 * An agent's response: an outbound message by an agent (never a note, an event, or a bot/auto reply). It closes
 * the wait that started at `waitingSince` (the earliest unanswered customer message); with no one waiting it is
 * not a response. The conversation's first response also carries its FRT (from openedAt).
 */
export async function responseFacts(
  m: Models,
  before: { _id: unknown; customerId?: unknown; teamId?: unknown; openedAt: Date; waitingSince?: Date | null },
  reply: { messageId: unknown; agentId: unknown; channel: string; at: Date; first: boolean },
): Promise<MetricEvent[]> {
  if (!before.waitingSince && !reply.first) return [];
  const rt = await durations(m, before.teamId, new Date(before.waitingSince ?? before.openedAt), reply.at);
  const frt = reply.first ? await durations(m, before.teamId, new Date(before.openedAt), reply.at) : undefined;
  return [{
    _id: `response:${String(reply.messageId)}`, type: 'response', at: reply.at,
    conversationId: idOrNull(before._id)!, customerId: idOrNull(before.customerId), teamId: idOrNull(before.teamId),
    agentId: idOrNull(reply.agentId), channel: reply.channel, messageId: idOrNull(reply.messageId),
    first: reply.first, ...rt, ...(frt ? { frtWallMs: frt.wallMs, frtBusinessMs: frt.businessMs } : {}),
  }];
}

/** A resolution: time from openedAt to this resolve (a reopened conversation resolved again counts again). */
export async function resolvedFacts(m: Models, c: Conv, at: Date): Promise<MetricEvent[]> {
  const d = await durations(m, c.teamId, new Date(c.openedAt), at);
  return [{
    _id: `resolved:${String(c._id)}:${at.getTime()}`, type: 'resolved', at,
    conversationId: c._id, customerId: idOrNull(c.customerId), teamId: idOrNull(c.teamId), agentId: idOrNull(c.assigneeId),
    channel: c.lastInboundChannel ?? fallbackChannel(), ...d,
  }];
}

/**
 * An assignment. Taking a conversation out of the unassigned queue also ends its wait in the queue, which began
 * at `queuedSince` (routing sets it when it queues; otherwise the conversation waited since it opened).
 */
export async function assignedFacts(m: Models, before: Conv, agentId: unknown, at: Date): Promise<MetricEvent[]> {
  const base = {
    conversationId: before._id, customerId: idOrNull(before.customerId), teamId: idOrNull(before.teamId),
    agentId: idOrNull(agentId), channel: before.lastInboundChannel ?? fallbackChannel(),
  };
  const out: MetricEvent[] = [{ ...base, _id: `assigned:${String(before._id)}:${at.getTime()}`, type: 'assigned', at }];
  if (!before.assigneeId) {
    const since = new Date(before.queuedAt ?? before.openedAt);
    out.push({ ...base, _id: `dequeued:${String(before._id)}:${since.getTime()}`, type: 'dequeued', at, ...(await durations(m, before.teamId, since, at)) });
  }
  return out;
}

/** An SLA target's outcome: recorded when the target is met (hit) or by the breach job (breached). */
export function slaFact(c: Conv, target: MetricEvent['target'] & string, outcome: 'hit' | 'breached', dueAt: Date, at: Date): MetricEvent {
  return {
    _id: `sla:${String(c._id)}:${target}:${dueAt.getTime()}`, type: 'sla', at, target, outcome, dueAt,
    conversationId: c._id, customerId: idOrNull(c.customerId), teamId: idOrNull(c.teamId), agentId: idOrNull(c.assigneeId),
    channel: c.lastInboundChannel ?? fallbackChannel(),
  };
}

const TARGET = { first_response: 'firstResponse', next_response: 'nextResponse', resolution: 'resolution' } as const;
type SlaKindName = keyof typeof TARGET;
type Clocks = { firstResponseDueAt: Date | null; nextResponseDueAt: Date | null; resolutionDueAt: Date | null; paused: { remainingMs: Partial<Record<SlaKindName, number>> } | null };
const DUE = { first_response: 'firstResponseDueAt', next_response: 'nextResponseDueAt', resolution: 'resolutionDueAt' } as const;

/** SLA outcomes from the sla service: a clock stopped by what it measures before its due time is a hit. */
export const slaOutcomes = {
  breached: (c: Conv, kind: SlaKindName, dueAt: Date, at: Date) => slaFact(c, TARGET[kind], 'breached', dueAt, at),
  /**
   * Clocks running before and gone after (not paused): a hit when stopped at or before the due time, else a
   * breach (the same fact the breach job records, so whichever comes first counts it, once).
   */
  stopped(c: Conv, before: Clocks, after: Clocks, now: Date): MetricEvent[] {
    return (Object.keys(TARGET) as SlaKindName[]).flatMap((kind) => {
      const due = before[DUE[kind]];
      if (!due || after[DUE[kind]] || after.paused?.remainingMs[kind] !== undefined) return [];
      return [slaFact(c, TARGET[kind], now.getTime() > due.getTime() ? 'breached' : 'hit', due, now)];
    });
  },
};
