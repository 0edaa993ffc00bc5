import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { inboundMessageSchema, type InboundMessage } from '../src/domain/inbound-schema';
import type { InboundJob } from '../src/queues';
import type { EventPublisher } from '../src/services/events';
import { ingestBatchSettled, SenderCache, type IngestResult } from '../src/services/ingest/ingest';
import type { BlobStore, Models } from '../src/store';
import { releaseUnstoredAttachments } from '../src/services/ingest/attachments';
import { UnrecoverableError } from 'bullmq';

/** Largest micro-batch, and how many batches may be in the store at once. */
export const INBOUND_BATCH_MAX = 50;
const BATCHES_IN_FLIGHT = 2;

interface Pending {
  msg: InboundMessage;
  receivedAt: Date;
  resolve: (r: IngestResult) => void;
  reject: (err: Error) => void;
}

/**
 * Jobs stay individually locked and acknowledged, but their messages are ingested in micro-batches (group commit):
 * a message goes to the store at once when a batch slot is free, otherwise it joins the next batch, which leaves
 * when a running one completes. No timer: an idle worker adds no latency, a busy one batches by itself.
 */
export function inboundProcessor(
  m: Models, events: EventPublisher, senders = new SenderCache(),
  /** Work that belongs to the message's job, after it is stored (out-of-hours reply, SLA clocks: workers/sla.ts). */
  after?: (msg: InboundMessage, result: IngestResult) => Promise<void>,
  /** Where attachment files live: a duplicate's own copies are removed (releaseUnstoredAttachments). */
  blobs?: BlobStore,
  /** Failures that do not fail a job (a batch planned again message by message, a lastSeenAt write) are logged here. */
  logger?: Pick<Logger, 'warn'>,
  /**
   * Asked first: a message that answers something pending (a survey reply of 1-5 on SMS/WhatsApp) is handled there
   * and not ingested as a new message (src/services/csat/csat-replies.ts). Returns null for an ordinary message.
   */
  intercept?: (msg: InboundMessage) => Promise<object | null>,
) {
  let pending: Pending[] = [];
  let inFlight = 0;
  let lastAt = 0;

  const pump = () => {
    while (inFlight < BATCHES_IN_FLIGHT && pending.length > 0) {
      const batch = pending.slice(0, INBOUND_BATCH_MAX);
      pending = pending.slice(batch.length);
      inFlight++;
      void ingestBatchSettled(m, events, batch.map((p) => p.msg), batch.map((p) => p.receivedAt), senders, logger)
        .then(
          (results) => batch.forEach((p, i) => { const r = results[i]; if (r instanceof Error || !r) p.reject(r ?? new Error('no result')); else p.resolve(r); }),
          (err: unknown) => batch.forEach((p) => p.reject(err instanceof Error ? err : new Error(String(err)))),
        )
        .finally(() => {
          inFlight--;
          pump();
        });
    }
  };

  return async (job: Job<InboundJob>) => {
    // The schema every ingress fitted the message to before acknowledging it (src/domain/inbound-schema.ts).
    const parsed = inboundMessageSchema.safeParse(job.data.message);
    // A malformed job can never succeed: fail it at once (kept in the failed set for inspection), no retries.
    if (!parsed.success) throw new UnrecoverableError(`invalid inbound message: ${parsed.error.issues[0]?.message}`);
    const handled = intercept ? await intercept(parsed.data) : null;
    if (handled) return handled;
    // Distinct, increasing receive times keep a conversation's messages in arrival order within a batch.
    lastAt = Math.max(Date.now(), lastAt + 1);
    const receivedAt = new Date(lastAt);
    const result = await new Promise<IngestResult>((resolve, reject) => {
      pending.push({ msg: parsed.data, receivedAt, resolve, reject });
      pump();
    });
    // A redelivery stored its attachments again before it turned out to be a duplicate: those copies go.
    if (blobs && result.duplicate && parsed.data.attachments.length) await releaseUnstoredAttachments(m, blobs, parsed.data, logger);
    if (after) await after(parsed.data, result);
    return result;
  };
}
