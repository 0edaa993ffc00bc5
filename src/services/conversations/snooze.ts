import { Types } from 'mongoose';
import type { QueueSet, SlaJob } from '../../queues';
import { announce } from './inbox';
import { syncSla, type SlaContext } from '../sla/sla';

/**
 * The end of a snooze: one delayed job on the `sla` queue (the conversation timers) per conversation and wake-up
 * time. When it fires, a conversation still snoozed until exactly that time goes back to open; a snooze changed,
 * ended by a customer message or by an agent meanwhile makes the job a no-op. Nothing scans conversations.
 */
export const snoozeJobId = (conversationId: string, until: Date) => `snooze_${conversationId}_${until.getTime()}`;

export async function scheduleSnoozeEnd(queues: Pick<QueueSet, 'sla'>, conversationId: string, until: Date, now = new Date()): Promise<void> {
  const data: SlaJob = { conversationId, kind: 'snooze_end', dueAt: until.getTime() };
  // The same id for the same wake-up time: a retried request never adds a second job.
  await queues.sla.add('snooze_end', data, { jobId: snoozeJobId(conversationId, until), delay: Math.max(0, until.getTime() - now.getTime()) });
}

/** Wakes the conversation if it is still snoozed until the job's time; its SLA clocks resume. */
export async function endSnooze(ctx: SlaContext, job: SlaJob): Promise<'woken' | 'stale'> {
  if (!Types.ObjectId.isValid(job.conversationId)) return 'stale';
  const m = ctx.models;
  const woken = await m.conversations.updateById(job.conversationId, { $set: { status: 'open', snoozedUntil: null } }, { status: 'snoozed', snoozedUntil: new Date(job.dueAt) });
  if (!woken) return 'stale';
  await announce(m, ctx.events, woken, 'Snooze ended: back to open');
  await syncSla(ctx, job.conversationId);
  return 'woken';
}
