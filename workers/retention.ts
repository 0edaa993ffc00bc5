import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { QueueNames, type RetentionJob } from '../src/queues';
import { runRetention } from '../src/services/privacy/retention';
import type { BlobStore, Models } from '../src/store';

/** When the daily run starts (UTC): a quiet hour for most teams. */
export const RETENTION_SCHEDULE = '15 3 * * *';

/**
 * The `retention` worker: a BullMQ job scheduler adds one run a day (one schedule however many worker processes
 * run); an admin's "run now" adds one more. Concurrency 1: runs never overlap in a process, and a run repeated by
 * another process only finds the days the first one marked done.
 */
export function startRetentionWorker(opts: { connection: Redis; prefix: string; models: Models; blobs: BlobStore; logger: Logger }) {
  const queue = new Queue<RetentionJob>(QueueNames.retention, { connection: opts.connection, prefix: opts.prefix });
  const ready = queue
    .upsertJobScheduler('retention-daily', { pattern: RETENTION_SCHEDULE, tz: 'UTC' }, { name: 'run', opts: { removeOnComplete: { count: 30 }, removeOnFail: { count: 30 } } })
    .catch((err: unknown) => opts.logger.error({ err }, 'retention scheduler not set up'));
  const worker = new Worker<RetentionJob>(QueueNames.retention, async () => {
    const run = await runRetention(opts.models, opts.blobs);
    if (run?.conversations) opts.logger.info({ conversations: run.conversations, messages: run.messages, cutoff: run.cutoff }, 'retention run');
    return run;
  }, { connection: opts.connection, prefix: opts.prefix, concurrency: 1 });
  worker.on('failed', (job, err) => opts.logger.warn({ queue: QueueNames.retention, jobId: job?.id, err }, 'retention run failed'));
  worker.on('error', (err) => opts.logger.error({ queue: QueueNames.retention, err }, 'worker error'));
  return {
    async close() {
      await ready;
      await worker.close();
      await queue.close();
    },
  };
}
