import { fitInbound, inboundMessageSchema, type Attachment, type InboundMessageInput } from '../../domain/inbound-schema';
import { jobIdFor, type QueueSet } from '../../queues';
import type { Logger } from 'pino';
import type { BlobStore } from '../../store';
import { discardAttachments, storeAttachment } from './attachments';

export interface InboundIntakeDeps {
  blobs: BlobStore;
  queues: Pick<QueueSet, 'inbound'>;
  maxAttachmentBytes: number;
  /** Attachment files that could not be removed are logged here. */
  logger?: Pick<Logger, 'warn'>;
}

/**
 * Every channel's way into the inbound queue (IngressContext.enqueueInbound): the message is made to fit the one
 * schema the worker parses with (`fitInbound`: InvalidInboundError refuses it before any acknowledgement), the
 * whole text of anything cut is kept as an attachment (`original-body.txt`, ...), and it is queued. Resolves once
 * the job is in Redis; only then may the channel acknowledge.
 *
 * From the call on, the message's stored attachment files are this function's: if the message is not queued
 * (refused, Redis down) or the queue already holds that message (a redelivery while the first copy is queued or
 * just done), they are removed, so no file outlives the message it came with.
 */
export async function acceptInbound(deps: InboundIntakeDeps, input: InboundMessageInput): Promise<void> {
  let fitted: ReturnType<typeof fitInbound>;
  try {
    fitted = fitInbound(input);
  } catch (err) {
    await discardAttachments(deps.blobs, input.attachments ?? [], deps.logger);
    throw err;
  }
  const { message, overflow, dropped } = fitted;
  await discardAttachments(deps.blobs, dropped, deps.logger);
  const originals: Attachment[] = [];
  try {
    for (const o of overflow) {
      const data = Buffer.from(o.original, 'utf8');
      // The original is the sender's own text, already bounded by the transport: kept whatever the attachment limit.
      originals.push(await storeAttachment(deps.blobs, { name: o.file, contentType: 'text/plain', data }, Math.max(deps.maxAttachmentBytes, data.length)));
    }
    const full = inboundMessageSchema.parse({ ...message, attachments: [...message.attachments, ...originals] });
    const jobId = jobIdFor(full.dedupeKey);
    await deps.queues.inbound.add('ingest', { message: full }, { jobId });
    // The same job id already queued (or done within the hour): that copy is the one that will be stored.
    if (full.attachments.length) {
      const queued = await deps.queues.inbound.getJob(jobId);
      const queuedKeys = new Set((queued?.data.message.attachments ?? []).map((a) => a.storageKey));
      const ours = full.attachments.filter((a) => a.storageKey && !queuedKeys.has(a.storageKey));
      if (queued && ours.length) await discardAttachments(deps.blobs, ours, deps.logger);
    }
  } catch (err) {
    await discardAttachments(deps.blobs, [...message.attachments, ...originals], deps.logger);
    throw err;
  }
}
