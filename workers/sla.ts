import type { Job } from 'bullmq';
import type { InboundMessage } from '../src/domain/messages';
import type { SlaJob } from '../src/queues';
import { maybeAutoReply } from '../src/services/auto-reply';
import type { IngestResult } from '../src/services/ingest';
import { fireSlaJob, syncSla, type SlaContext } from '../src/services/sla';
import { anySettings } from '../src/services/sla-settings';

/** Queue `sla`: a clock's due time was reached; the service re-checks the conversation (stale jobs do nothing). */
export function slaProcessor(ctx: SlaContext) {
  return async (job: Job<SlaJob>) => fireSlaJob(ctx, job.data);
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
