import { Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import { QueueNames, type InboundJob, type OutboundJob, type QueueSet, type RoutingJob, type SlaJob } from '../src/queues';
import type { InboundMessage } from '../src/domain/messages';
import type { AdapterRegistry } from '../src/services/delivery/delivery';
import type { EventPublisher } from '../src/services/events';
import { SenderCache, type IngestResult } from '../src/services/ingest/ingest';
import { listenForSenderInvalidation } from '../src/services/ingest/sender-invalidation';
import type { Models } from '../src/store';
import { INBOUND_BATCH_MAX, inboundProcessor } from './inbound';
import { outboundProcessor } from './outbound';
import { startMetricsWorker } from './metrics';
import { afterInbound, slaProcessor } from './sla';
import { enqueueRouting, reconcile, type RoutingDeps } from '../src/services/routing/routing';
import { routingProcessor } from './routing';

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
  queues?: Pick<QueueSet, 'sla' | 'outbound'>;
  /** Routing (docs/routing.md); absent: this process runs no routing worker. */
  routing?: RoutingDeps;
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
  // After a message is stored: SLA clocks and out-of-hours reply; routing when it opened or reopened a conversation.
  const afterIngest = afterSla || routing
    ? async (msg: InboundMessage, r: IngestResult) => {
        if (afterSla) await afterSla(msg, r);
        if (routing && r.opened) await enqueueRouting(routing.queue, r.conversationId, r.messageId);
      }
    : undefined;
  const workers: Worker[] = [
    // Inbound jobs are ingested in micro-batches: a worker holds enough jobs at once to fill one batch.
    new Worker<InboundJob>(QueueNames.inbound, inboundProcessor(opts.models, opts.events, senders, afterIngest), {
      ...common,
      concurrency: Math.max(opts.concurrency, INBOUND_BATCH_MAX),
    }),
    new Worker<OutboundJob>(QueueNames.outbound, outboundProcessor(opts.models, opts.events, opts.adapters), common),
  ];
  const metrics = startMetricsWorker({ connection: opts.connection, prefix: opts.prefix, models: opts.models, logger: opts.logger });
  if (sla) workers.push(new Worker<SlaJob>(QueueNames.sla, slaProcessor(sla, opts.routing), common));
  if (opts.routing) {
    // Few at once: route jobs of one team serialize on its drain lock anyway.
    workers.push(new Worker<RoutingJob>(QueueNames.routing, routingProcessor(opts.routing), { ...common, concurrency: Math.min(opts.concurrency, 4) }));
    // Counters drift only through crashes between a store write and its Redis update: heal them at start.
    reconcile(opts.routing).catch((err: unknown) => opts.logger.error({ err }, 'routing reconcile failed'));
  }
  for (const w of workers) {
    w.on('failed', (job, err) =>
      opts.logger.warn({ queue: w.name, jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, 'job failed'),
    );
    w.on('error', (err) => opts.logger.error({ queue: w.name, err: err.message }, 'worker error'));
  }
  return {
    // Worker.close() waits for the jobs in progress to finish: that is the graceful part of shutdown.
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await metrics.close();
      await stopListening();
    },
  };
}
