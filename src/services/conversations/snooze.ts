import { snoozePresets } from '../../domain/snooze-presets';
import type { QueueSet, SlaJob } from '../../queues';
import type { Models } from '../../store';
import { effectiveSettings } from '../sla/sla-settings';
import { InboxError, oid } from './inbox';

/**
 * The end of a snooze: one delayed job on the `sla` queue (the conversation timers) per conversation and wake-up
 * time. When it fires (endSnooze in ./lifecycle.ts), a conversation still snoozed until exactly that time goes back
 * to open; a snooze changed, ended by a customer message or by an agent meanwhile makes the job a no-op. Nothing
 * scans conversations.
 */
export const snoozeJobId = (conversationId: string, until: Date) => `snooze_${conversationId}_${until.getTime()}`;

export async function scheduleSnoozeEnd(queues: Pick<QueueSet, 'sla'>, conversationId: string, until: Date, now = new Date()): Promise<void> {
  const data: SlaJob = { conversationId, kind: 'snooze_end', dueAt: until.getTime() };
  // The same id for the same wake-up time: a retried request never adds a second job.
  await queues.sla.add('snooze_end', data, { jobId: snoozeJobId(conversationId, until), delay: Math.max(0, until.getTime() - now.getTime()) });
}

/**
 * The snooze presets of a conversation in its team's business hours (or the default team's; without a calendar, in
 * the agent's `zone`), and the zone they were computed in. Reads the conversation and its settings (cached 5 s).
 */
export async function snoozePresetsOf(m: Models, conversationId: string, zone: string, now = new Date()) {
  const c = await m.conversations.byId(oid(conversationId));
  if (!c) throw new InboxError('conversation not found', 'not_found');
  const settings = await effectiveSettings(m, c.teamId);
  const calendar = settings.hasCalendar ? settings.calendar : null;
  return {
    timezone: calendar?.timezone ?? zone,
    businessHours: Boolean(calendar),
    presets: snoozePresets(calendar, now, zone).map((p) => ({ key: p.key, at: p.at.toISOString() })),
  };
}
