import { Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import { QueueNames, type InboundJob, type OutboundJob, type QueueSet, type RoutingJob, type SlaJob } from '../src/queues';
import type { AdapterRegistry } from '../src/services/delivery';
import type { EventPublisher } from '../src/services/events';
import { SenderCache } from '../src/services/ingest-batch';
import { listenForSenderInvalidation } from '../src/services/sender-invalidation';
import type { Models } from '../src/store';
import { INBOUND_BATCH_MAX, inboundProcessor } from './inbound';
import { outboundProcessor } from './outbound';
import { enqueueRouting, reconcile, type RoutingDeps } from '../src/services/routing';
import { routingProcessor } from './routing';
import { afterInbound, slaProcessor } from './sla';
import { startMetricsWorker } from './metrics';

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
  /** Routing (docs/routing.md); absent: this process runs no routing worker. */
  routing?: RoutingDeps;
  /** For the SLA worker and the inbound hooks (out-of-hours reply, SLA clocks); without it neither runs. */
  queues?: Pick<QueueSet, 'sla' | 'outbound'>;
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
  const slaAfter = sla && afterInbound(sla);
  const workers: Worker[] = [
    // Inbound jobs are ingested in micro-batches: a worker holds enough jobs at once to fill one batch.
    // After a message is stored: route a newly (re)opened conversation, then the SLA/out-of-hours hooks.
    new Worker<InboundJob>(QueueNames.inbound, inboundProcessor(opts.models, opts.events, senders, async (msg, r) => {
      if (r.opened && opts.routing) await enqueueRouting(opts.routing.queue, r.conversationId, r.messageId);
      if (slaAfter) await slaAfter(msg, r);
    }), {
      ...common,
      concurrency: Math.max(opts.concurrency, INBOUND_BATCH_MAX),
    }),
    new Worker<OutboundJob>(QueueNames.outbound, outboundProcessor(opts.models, opts.events, opts.adapters), common),
  ];
  if (opts.routing) {
    // Few at once: route jobs of one team serialize on its drain lock anyway.
    workers.push(new Worker<RoutingJob>(QueueNames.routing, routingProcessor(opts.routing), { ...common, concurrency: Math.min(opts.concurrency, 4) }) as never);
    // Counters drift only through crashes between a store write and its Redis update: heal them at start.
    reconcile(opts.routing).catch((err: unknown) => opts.logger.error({ err }, 'routing reconcile failed'));
  }
  if (sla) workers.push(new Worker<SlaJob>(QueueNames.sla, slaProcessor(sla), common));
  const metrics = startMetricsWorker({ connection: opts.connection, prefix: opts.prefix, models: opts.models, logger: opts.logger });
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
