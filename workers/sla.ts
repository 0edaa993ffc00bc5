import type { Job } from 'bullmq';
import type { InboundMessage } from '../src/domain/messages';
import type { SlaJob } from '../src/queues';
import { maybeAutoReply } from '../src/services/delivery/auto-reply';
import type { IngestResult } from '../src/services/ingest/ingest';
import { fireSlaJob, syncSla, type SlaContext } from '../src/services/sla/sla';
import { anySettings } from '../src/services/sla/sla-settings';
import { endSnooze, type ConversationEffects } from '../src/services/conversations/lifecycle';
import { fireCsatJob } from '../src/services/csat/csat';

/**
 * Queue `sla`, the conversation timers: a clock's due time, a snooze's end, or a survey's send or reminder time was
 * reached; the services re-check the conversation (stale jobs do nothing). A woken conversation goes back to its
 * queue when it has no assignee.
 */
export function slaProcessor(fx: ConversationEffects) {
  return async (job: Job<SlaJob>) => {
    if (job.data.kind === 'csat_ask' || job.data.kind === 'csat_reminder') return fireCsatJob(fx, job.data);
    return job.data.kind === 'snooze_end' ? endSnooze(fx, job.data) : fireSlaJob(fx, job.data);
  };
}

/**
 * Runs after each ingested message, before its job completes (a failure retries the job): the out-of-hours reply
 * for a new message, then the SLA clocks. A redelivered duplicate only re-syncs the clocks (idempotent), so an old
 * message arriving again never triggers a reply now.
 */
export function afterInbound(ctx: SlaContext) {
  return async (msg: InboundMessage, result: IngestResult) => {
    if (!(await anySettings(ctx.models))) return; // nothing configured: no reply, no clocks (one cached count)
    if (!result.duplicate) await maybeAutoReply(ctx, msg, result.conversationId);
    await syncSla(ctx, result.conversationId);
  };
}
