import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { QueueNames } from '../src/queues';
import { flushMetrics, type FactObserver } from '../src/services/metrics/metrics-buckets';
import { foldHealthFacts, reevaluateDueHealth } from '../src/services/crm/health';
import type { Models } from '../src/store';

/** How often facts are folded into buckets: reports lag live traffic by about this much. */
export const METRICS_FLUSH_EVERY_MS = 2000;

/**
 * The `metrics` worker: a BullMQ job scheduler fires one `flush` job every few seconds (one schedule, however
 * many worker processes run), and flushMetrics takes a Redis lock, so bucket documents have a single writer.
 */
export function startMetricsWorker(opts: { connection: Redis; prefix: string; models: Models; logger: Logger }) {
  const queue = new Queue(QueueNames.metrics, { connection: opts.connection, prefix: opts.prefix });
  const ready = queue
    .upsertJobScheduler('metrics-flush', { every: METRICS_FLUSH_EVERY_MS }, { name: 'flush', opts: { removeOnComplete: true, removeOnFail: { count: 100 } } })
    .catch((err: unknown) => opts.logger.error({ err }, 'metrics scheduler not set up'));
  // Customer health derives from the same facts, under the same lock (docs/metrics.md, "Customer health").
  const health: FactObserver = { facts: (events) => foldHealthFacts(opts.models, events), passed: (now) => reevaluateDueHealth(opts.models, now) };
  const worker = new Worker(QueueNames.metrics, () => flushMetrics(opts.models, opts.connection, opts.prefix, Date.now(), health), {
    connection: opts.connection, prefix: opts.prefix, concurrency: 1,
  });
  worker.on('failed', (job, err) => opts.logger.warn({ queue: QueueNames.metrics, jobId: job?.id, err }, 'metrics flush failed'));
  worker.on('error', (err) => opts.logger.error({ queue: QueueNames.metrics, err }, 'worker error'));
  return {
    async close() {
      await ready;
      await worker.close();
      await queue.close();
    },
  };
}
