import { Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import { QueueNames, type AutomationJob, type InboundJob, type OutboundJob, type QueueSet, type RoutingJob, type SlaJob, type WebhookJob } from '../src/queues';
import type { InboundMessage } from '../src/domain/messages';
import type { AdapterRegistry } from '../src/services/delivery/delivery';
import type { EventPublisher } from '../src/services/events';
import { SenderCache, type IngestResult } from '../src/services/ingest/ingest';
import { listenForSenderInvalidation } from '../src/services/ingest/sender-invalidation';
import { startHeartbeat } from '../src/services/health/worker-heartbeats';
import type { BlobStore, Models } from '../src/store';
import { releaseUnstoredAttachments } from '../src/services/ingest/attachments';
import { INBOUND_BATCH_MAX, inboundProcessor } from './inbound';
import { outboundProcessor } from './outbound';
import { steeringRetries } from './retries';
import { startMetricsWorker } from './metrics';
import { startRetentionWorker } from './retention';
import { erasureReach } from '../src/services/privacy/erasure-requests';
import { afterInbound, slaProcessor } from './sla';
import { enqueueRouting, reconcile, type RoutingDeps } from '../src/services/routing/routing';
import { routingProcessor } from './routing';
import { announceOpeningRule } from '../src/services/crm/segment-stamps';
import { webhookProcessor } from './webhooks';
import { automationProcessor } from './automation';
import type { RunnerDeps } from '../src/services/automation';
import type { WebhookDeps } from '../src/services/webhooks/webhooks';
import { startSendSweeper } from '../src/services/delivery/outbound-queue';
import { answerFromReply } from '../src/services/csat/csat-replies';

export interface WorkerSet {
  close(): Promise<void>;
}

export function startWorkers(opts: {
  connection: Redis;
  prefix: string;
  models: Models;
  events: EventPublisher;
  adapters: AdapterRegistry;
  concurrency: number;
  lockMs: number;
  logger: Logger;
  /** For the SLA worker and the inbound hooks (out-of-hours reply, SLA clocks); without it neither runs. */
  queues?: Pick<QueueSet, 'sla' | 'outbound' | 'inbound' | 'automation'>;
  /** Routing (docs/routing.md); absent: this process runs no routing worker. */
  routing?: RoutingDeps;
  /** The process' role (`worker` or `all`) and how often it writes its heartbeat (src/services/health/worker-heartbeats.ts). */
  role?: string;
  heartbeatMs?: number;
  /** Attachment files: those of inbound messages that are never stored are removed (absent: left alone). */
  blobs?: BlobStore;
  /** Outgoing webhook deliveries (src/services/webhooks); absent: this process delivers none. */
  webhooks?: WebhookDeps;
  /** Automation rules (src/services/automation); absent: this process runs none. */
  automation?: RunnerDeps;
}): WorkerSet {
  const common = {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: opts.concurrency,
    lockDuration: opts.lockMs,
    stalledInterval: Math.max(250, Math.floor(opts.lockMs / 2)),
  };
  const senders = new SenderCache();
  const stopListening = listenForSenderInvalidation(opts.connection, opts.prefix, senders, opts.logger);
  const sla = opts.queues ? { models: opts.models, events: opts.events, queues: opts.queues } : undefined;
  const afterSla = sla && afterInbound(sla);
  const routing = opts.routing;
  // After a message is stored: segments, SLA clocks and out-of-hours reply; routing when it opened or reopened a conversation.
  // The segment rule that shaped the opening is told first (in the thread), then the clocks, then routing.
  const afterIngest = async (msg: InboundMessage, r: IngestResult) => {
    if (r.opened) await announceOpeningRule(opts.models, opts.events, r);
    if (afterSla) await afterSla(msg, r);
    if (routing && r.opened) await enqueueRouting(routing.queue, r.conversationId, r.messageId);
  };
  // A survey reply (1-5 on SMS/WhatsApp) answers the survey instead of reopening the conversation.
  const csatReply = (msg: InboundMessage) => answerFromReply({ models: opts.models, events: opts.events }, msg);
  const inbound = new Worker<InboundJob>(QueueNames.inbound, steeringRetries(inboundProcessor(opts.models, opts.events, senders, afterIngest, opts.blobs, opts.logger, csatReply)), {
    // Inbound jobs are ingested in micro-batches: a worker holds enough jobs at once to fill one batch.
    ...common,
    concurrency: Math.max(opts.concurrency, INBOUND_BATCH_MAX),
  });
  const blobs = opts.blobs;
  if (blobs) {
    // A job that failed for good (no retry left, or unrecoverable: finishedOn is set) leaves no attachment files.
    inbound.on('failed', (job) => {
      if (!job?.finishedOn) return;
      releaseUnstoredAttachments(opts.models, blobs, job.data.message, opts.logger)
        .catch((err: unknown) => opts.logger.warn({ jobId: job.id, err }, 'attachments of a failed inbound job not removed'));
    });
  }
  const workers: Worker[] = [
    inbound,
    new Worker<OutboundJob>(QueueNames.outbound, outboundProcessor(opts.models, opts.events, opts.adapters), common),
  ];
  // Replies whose job was lost (the enqueue failed after the store write, Redis lost it) get one again.
  const stopSweeper = opts.queues ? startSendSweeper(opts.models, opts.queues, opts.logger) : () => {};
  const metrics = startMetricsWorker({ connection: opts.connection, prefix: opts.prefix, models: opts.models, logger: opts.logger });
  // Retention removes files too: only a process that has the attachment store runs it.
  // Erasures resolve open conversations like any resolve (routing load, SLA clocks) and forget the inbound jobs of the
  // customer's messages: only a process with the queues does them.
  const erasure = opts.queues ? {
    fx: { models: opts.models, events: opts.events, queues: opts.queues, routing: opts.routing ?? null },
    reach: erasureReach(opts.models, opts.connection, opts.prefix, opts.queues, opts.logger),
  } : undefined;
  const retention = blobs ? startRetentionWorker({ connection: opts.connection, prefix: opts.prefix, models: opts.models, blobs, logger: opts.logger, erasure }) : null;
  if (sla) workers.push(new Worker<SlaJob>(QueueNames.sla, steeringRetries(slaProcessor({ ...sla, routing: opts.routing ?? null })), common));
  if (opts.webhooks) workers.push(new Worker<WebhookJob>(QueueNames.webhooks, webhookProcessor(opts.webhooks), common));
  if (opts.automation) workers.push(new Worker<AutomationJob>(QueueNames.automation, steeringRetries(automationProcessor(opts.automation)), common));
  if (opts.routing) {
    // Few at once: route jobs of one team serialize on its drain lock anyway.
    workers.push(new Worker<RoutingJob>(QueueNames.routing, steeringRetries(routingProcessor(opts.routing)), { ...common, concurrency: Math.min(opts.concurrency, 4) }));
    // Counters drift only through crashes between a store write and its Redis update: heal them at start.
    reconcile(opts.routing).catch((err: unknown) => opts.logger.error({ err }, 'routing reconcile failed'));
  }
  for (const w of workers) {
    w.on('failed', (job, err) =>
      opts.logger.warn({ queue: w.name, jobId: job?.id, attempts: job?.attemptsMade, err }, 'job failed'),
    );
    w.on('error', (err) => opts.logger.error({ queue: w.name, err }, 'worker error'));
  }
  const heartbeat = startHeartbeat(opts.connection, opts.prefix, { role: opts.role ?? 'worker', queues: [...workers.map((w) => w.name), QueueNames.metrics, ...(retention ? [QueueNames.retention] : [])] }, opts.heartbeatMs ?? 5000, opts.logger);
  return {
    // Worker.close() waits for the jobs in progress to finish: that is the graceful part of shutdown. The heartbeat
    // goes first: from then on this process takes no new job.
    async close() {
      stopSweeper();
      await heartbeat.stop().catch((err: unknown) => opts.logger.warn({ err }, 'worker heartbeat not removed'));
      await Promise.all(workers.map((w) => w.close()));
      await metrics.close();
      await retention?.close();
      await stopListening();
    },
  };
}
