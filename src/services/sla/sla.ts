import { Types } from 'mongoose';
import { AgentEvents } from '../../domain/events';
import {
  DUE_FIELD, SLA_KINDS, planClocks, sameClocks, type AtRiskItem, type SlaClocks, type SlaKind,
} from '../../domain/sla';
import type { QueueSet, SlaJob } from '../../queues';
import type { ConversationSla, Models, StoredConversation } from '../../store';
import { customerDisplayNames } from '../conversations/customer-names';
import type { EventPublisher } from '../events';
import { recordMetricEvents, slaOutcomes } from '../metrics/metrics';
import { recordEvent } from '../conversations/replies';
import { anySettings, effectiveSettings } from './sla-settings';
import { segmentSlaPolicy } from '../crm/segments';
import { toConversationView, toMessageView } from '../conversations/views';

/**
 * SLA clocks on conversations: due times are stored on the conversation and each running clock has one delayed
 * BullMQ job (queue `sla`) that fires at its due time. Nothing scans conversations; a job whose due time no longer
 * matches the conversation (stopped, paused, rescheduled) does nothing when it fires.
 */
export interface SlaContext {
  models: Models;
  events: EventPublisher | null;
  queues: Pick<QueueSet, 'sla' | 'outbound'>;
  /** The clock; injectable so tests can put "now" on a Friday evening. Delays are computed from it. */
  now?: () => Date;
}

const nowOf = (ctx: SlaContext) => (ctx.now ?? (() => new Date()))();

/** One job per conversation, clock and due time: a new due time is a new job; the old one is removed. */
export const slaJobId = (conversationId: string, kind: SlaKind, dueAt: Date) => `sla_${conversationId}_${kind}_${dueAt.getTime()}`;

const isClock = (kind: SlaJob['kind']): kind is SlaKind => (SLA_KINDS as readonly string[]).includes(kind);


function clocksOf(c: Pick<StoredConversation, 'sla'>): SlaClocks {
  const s: ConversationSla = c.sla ?? {};
  return {
    firstResponseDueAt: s.firstResponseDueAt ?? null,
    nextResponseDueAt: s.nextResponseDueAt ?? null,
    nextResponseFor: s.nextResponseFor ?? null,
    resolutionDueAt: s.resolutionDueAt ?? null,
    resolutionStarted: Boolean(s.resolutionStarted),
    paused: s.paused ? { since: new Date(s.paused.since), remainingMs: { ...s.paused.remainingMs } } : null,
  };
}

async function withName(m: Models, c: StoredConversation) {
  return toConversationView(c, await m.customers.nameOf(c.customerId));
}

async function ensureJobs(ctx: SlaContext, conversationId: string, clocks: SlaClocks, now: Date) {
  await Promise.all(SLA_KINDS.map(async (kind) => {
    const due = clocks[DUE_FIELD[kind]];
    if (!due) return;
    const data: SlaJob = { conversationId, kind, dueAt: due.getTime() };
    // Adding an existing job id is a no-op, so calling this again (a retried hook) never doubles a timer.
    await ctx.queues.sla.add('due', data, { jobId: slaJobId(conversationId, kind, due), delay: Math.max(0, due.getTime() - now.getTime()) });
  }));
}

async function removeJobs(ctx: SlaContext, conversationId: string, before: SlaClocks, after: SlaClocks) {
  await Promise.all(SLA_KINDS.map(async (kind) => {
    const old = before[DUE_FIELD[kind]];
    if (!old || old.getTime() === after[DUE_FIELD[kind]]?.getTime()) return;
    // Best effort: a job that cannot be removed (running) finds its due time gone and does nothing.
    await ctx.queues.sla.remove(slaJobId(conversationId, kind, old)).catch(() => 0);
  }));
}

/**
 * Brings a conversation's SLA clocks in line with its state (after an inbound message, an agent reply, a status
 * or team change). Idempotent: running it twice changes nothing the second time and re-adds no timer. The write
 * is a compare-and-set on `sla.rev`, retried from a fresh read when another process updated the clocks first.
 */
export async function syncSla(ctx: SlaContext, conversationId: string): Promise<void> {
  const m = ctx.models;
  if (!(await anySettings(m))) return; // nothing configured anywhere: no clock can run (a cached check, no I/O)
  for (let attempt = 0; attempt < 5; attempt++) {
    const c = await m.conversations.byId(conversationId);
    if (!c) return;
    const now = nowOf(ctx);
    const { sla: teamPolicy, calendar } = await effectiveSettings(m, c.teamId);
    // A segment rule's SLA policy (applied when it opened) replaces the team's; the team's calendar still counts.
    const policy = (await segmentSlaPolicy(m, c.ruleSegmentId)) ?? teamPolicy;
    const before = clocksOf(c);
    const after = planClocks(before, {
      status: c.status, priority: c.priority ?? 0, openedAt: c.openedAt, firstResponseAt: c.firstResponseAt ?? null, waitingSince: c.waitingSince ?? null,
    }, policy, calendar, now);
    if (sameClocks(before, after)) {
      await ensureJobs(ctx, conversationId, after, now);
      return;
    }
    const rev: number | undefined = c.sla?.rev;
    const set: Record<string, unknown> = { 'sla.rev': (rev ?? 0) + 1 };
    for (const [k, v] of Object.entries(after)) set[`sla.${k}`] = v;
    const written = await m.conversations.updateById(c._id, { $set: set }, { 'sla.rev': rev ?? { $exists: false } });
    if (!written) continue; // someone else changed the clocks meanwhile: plan again from their state
    await recordMetricEvents(m, slaOutcomes.stopped(written, before, after, now)); // clocks stopped in time: hits
    await removeJobs(ctx, conversationId, before, after);
    await ensureJobs(ctx, conversationId, after, now);
    ctx.events?.conversation(await withName(m, written));
    return;
  }
  throw new Error(`SLA clocks of conversation ${conversationId} kept changing; giving up this round`);
}

/**
 * A due time was reached. Records the breach once (the breach key guards a retried job), with an event in the
 * thread, and tells supervisors and the assignee. A stale job (due time changed, clock stopped or paused) is a no-op.
 */
export async function fireSlaJob(ctx: SlaContext, job: SlaJob): Promise<'breached' | 'stale'> {
  const m = ctx.models;
  if (!Types.ObjectId.isValid(job.conversationId) || !isClock(job.kind)) return 'stale';
  // Re-plan from the conversation as it is now: a reply or status change whose own sync was lost (a crash between
  // its write and the sync) stops or pauses the clock here, and the due time below no longer matches.
  await syncSla(ctx, job.conversationId);
  const field = `sla.${DUE_FIELD[job.kind]}`;
  const dueAt = new Date(job.dueAt);
  const key = `${job.kind}:${job.dueAt}`;
  const updated = await m.conversations.updateById(
    job.conversationId,
    { $push: { 'sla.breaches': { key, kind: job.kind, dueAt, at: nowOf(ctx) } } },
    { status: { $ne: 'resolved' }, [field]: dueAt, 'sla.breaches.key': { $ne: key } },
  );
  if (!updated) return 'stale';
  await recordMetricEvents(m, [slaOutcomes.breached(updated, job.kind, dueAt, nowOf(ctx))]);
  const event = await recordEvent(m, updated, { type: 'sla_breached', clock: job.kind, dueAt: dueAt.toISOString() });
  if (ctx.events) {
    const view = await withName(m, updated);
    ctx.events.conversation(view);
    ctx.events.message(toMessageView(event), view);
    ctx.events.toSupervisors(AgentEvents.slaBreached, { conversationId: job.conversationId, kind: job.kind, dueAt: dueAt.toISOString() }, view.assigneeId);
  }
  return 'breached';
}

/** Running clocks due within `withinMinutes` (breached ones included), soonest first, at most `limit`. */
export async function listAtRisk(m: Models, withinMinutes: number, now = new Date(), limit = 500): Promise<AtRiskItem[]> {
  const horizon = new Date(now.getTime() + withinMinutes * 60_000);
  // Clocks run only on unresolved conversations, which are few at any time: one status equality each, then the
  // due times are compared here (a range or sort in the store would read every conversation on FerretDB).
  const unresolved = (await Promise.all((['open', 'pending', 'snoozed'] as const).map((s) => m.conversations.inStatus(s)))).flat();
  const rows = SLA_KINDS.flatMap((kind) => unresolved.flatMap((c) => {
    const at = c.sla?.[DUE_FIELD[kind]] as Date | null | undefined;
    return at && at.getTime() <= horizon.getTime() ? [{ c, kind, at }] : [];
  }));
  const names = await customerDisplayNames(m, rows.map(({ c }) => c.customerId));
  const items: AtRiskItem[] = rows.map(({ c, kind, at }) => ({
    conversationId: String(c._id), customerName: names.get(String(c.customerId))?.name,
    ...(names.get(String(c.customerId))?.visitorName ? { customerVisitorName: names.get(String(c.customerId))!.visitorName } : {}),
    teamId: c.teamId ? String(c.teamId) : null, assigneeId: c.assigneeId ? String(c.assigneeId) : null,
    kind, dueAt: at.toISOString(), breached: at.getTime() <= now.getTime(),
  }));
  return items.sort((a, b) => a.dueAt.localeCompare(b.dueAt)).slice(0, limit);
}

