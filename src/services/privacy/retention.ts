import { z } from 'zod';
import { dayOf, type AuditActor, type BlobStore, type Models, type StoredConversation } from '../../store';
import { audit } from '../audit';
import { eraseMessages } from './message-content';

/**
 * Retention (GDPR art. 5(1)(e), storage limitation): an admin setting, off by default, "remove the content of
 * conversations resolved more than N months ago". A BullMQ job scheduler runs it daily (workers/retention.ts);
 * admins can run it at once. It never scans conversations: resolves register their UTC day (`resolved_days`), the run
 * reads the days it has not finished that lie wholly before the cutoff, and each day's conversations by
 * `resolvedDay` (one equality each). A day is marked done once handled, so later runs skip it.
 * - `anonymize`: each message keeps its envelope (time, channel, direction, agent, delivery) with its content removed;
 * - `delete`: the messages are deleted.
 * Either way files go (unless another conversation's message carries them), search postings go, the conversation
 * loses its preview and custom attributes and its survey its comment; the conversation, its CSAT score and every
 * metric fact stay, so reports do not change. The customer record is left alone (erasure is a separate request).
 */
export const retentionSettingsSchema = z.object({
  enabled: z.boolean(),
  months: z.number().int().min(1).max(120),
  mode: z.enum(['anonymize', 'delete']),
});
export type RetentionSettings = z.infer<typeof retentionSettingsSchema>;

export interface RetentionRun {
  at: string;
  cutoff: string;
  conversations: number;
  messages: number;
  attachmentsRemoved: number;
  days: number;
}

const SETTINGS = 'privacy.retention';
const LAST_RUN = 'privacy.retention.lastRun';
/** Set once resolved conversations from before day registration have their day (one cursor pass, first run only). */
const BACKFILLED = 'privacy.retention.backfilled';
export const RETENTION_DEFAULTS: RetentionSettings = { enabled: false, months: 24, mode: 'anonymize' };
export const RETENTION_ACTOR: AuditActor = { id: 'retention', name: 'Retention' };

export async function retentionSettings(m: Models): Promise<RetentionSettings> {
  const parsed = retentionSettingsSchema.safeParse(await m.settings.get(SETTINGS));
  return parsed.success ? parsed.data : RETENTION_DEFAULTS;
}

export async function lastRetentionRun(m: Models): Promise<RetentionRun | null> {
  return ((await m.settings.get(LAST_RUN)) as RetentionRun | undefined) ?? null;
}

/** Saves the setting (validated by the route) and records the change. */
export async function setRetentionSettings(m: Models, actor: AuditActor, next: RetentionSettings): Promise<RetentionSettings> {
  const before = await retentionSettings(m);
  await m.settings.set(SETTINGS, next);
  await audit(m, actor, 'settings.retention', { type: 'settings', id: null, name: 'retention' }, before, next);
  return next;
}

/** The cutoff: `months` calendar months before `now` (the 31st falls back to the month's last day). */
export function retentionCutoff(now: Date, months: number): Date {
  const d = new Date(now);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}

async function retainConversation(m: Models, blobs: BlobStore, c: StoredConversation, mode: RetentionSettings['mode'], at: Date) {
  const messages = await m.messages.ofConversation(c._id);
  const done = await eraseMessages(m, blobs, messages, { mode, at, owner: (msg) => msg.conversationId.equals(c._id) });
  await m.csat.scrub(c._id);
  await m.conversations.scrub(c._id, at);
  return done;
}

/**
 * One run: null when retention is off. Conversations resolved before the cutoff and not yet handled lose their
 * content; the run is recorded (last run setting; an audit entry when it changed anything).
 */
export async function runRetention(m: Models, blobs: BlobStore, now = new Date()): Promise<RetentionRun | null> {
  const settings = await retentionSettings(m);
  if (!settings.enabled) return null;
  if (!(await m.settings.get(BACKFILLED))) {
    await m.resolvedDays.registerAll(await m.conversations.backfillResolvedDays());
    await m.settings.set(BACKFILLED, now.toISOString());
  }
  const cutoff = retentionCutoff(now, settings.months);
  const cutoffDay = dayOf(cutoff);
  const run: RetentionRun = { at: now.toISOString(), cutoff: cutoff.toISOString(), conversations: 0, messages: 0, attachmentsRemoved: 0, days: 0 };
  for (const day of (await m.resolvedDays.pending()).filter((d) => d < cutoffDay)) {
    // A conversation retained before, reopened by hand and resolved again is here again: its new messages go too
    // (messages already emptied are skipped).
    const due = (await m.conversations.resolvedOn(day)).filter((c) => c.status === 'resolved' && c.resolvedAt && c.resolvedAt < cutoff);
    for (const c of due) {
      const done = await retainConversation(m, blobs, c, settings.mode, now);
      run.conversations++;
      run.messages += done.messages;
      run.attachmentsRemoved += done.attachmentsRemoved;
    }
    await m.resolvedDays.markDone(day);
    run.days++;
  }
  await m.settings.set(LAST_RUN, run);
  if (run.conversations) {
    await audit(m, RETENTION_ACTOR, 'retention.run', { type: 'settings', id: null, name: 'retention' }, {}, { ...run, months: settings.months, mode: settings.mode });
  }
  return run;
}
