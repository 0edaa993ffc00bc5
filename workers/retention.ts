import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { KanalError } from '../src/domain/errors';
import { QueueNames, type ErasureJob, type RetentionJob } from '../src/queues';
import type { ConversationEffects } from '../src/services/conversations/lifecycle';
import { eraseCustomer, type ErasureReach } from '../src/services/privacy/erase';
import { runRetention } from '../src/services/privacy/retention';
import type { BlobStore, Models } from '../src/store';

/** When the daily run starts (UTC): a quiet hour for most teams. */
export const RETENTION_SCHEDULE = '15 3 * * *';

/**
 * The `retention` worker: a BullMQ job scheduler adds one run a day (one schedule however many worker processes
 * run); an admin's "run now" adds one more. Concurrency 1: runs never overlap in a process, and a run repeated by
 * another process only finds the days the first one marked done. Confirmed customer erasures run here too (`erase`
 * jobs), in a process that has the conversation effects (`erasure`); a customer that is gone or merged fails the job
 * for good, anything else is retried (every step of an erasure is idempotent).
 */
export function startRetentionWorker(opts: {
  connection: Redis; prefix: string; models: Models; blobs: BlobStore; logger: Logger;
  erasure?: { fx: ConversationEffects; reach: ErasureReach };
}) {
  const queue = new Queue<RetentionJob>(QueueNames.retention, { connection: opts.connection, prefix: opts.prefix });
  const ready = queue
    .upsertJobScheduler('retention-daily', { pattern: RETENTION_SCHEDULE, tz: 'UTC' }, { name: 'run', opts: { removeOnComplete: { count: 30 }, removeOnFail: { count: 30 } } })
    .catch((err: unknown) => opts.logger.error({ err }, 'retention scheduler not set up'));
  const erase = async (job: ErasureJob) => {
    if (!opts.erasure) throw new Error('this process cannot erase customers (no conversation effects)');
    try {
      const report = await eraseCustomer(opts.erasure.fx, opts.blobs, job.actor, job.customerId, opts.erasure.reach);
      opts.logger.info({ customerId: job.customerId, messages: report.messages, conversations: report.conversationsClosed }, 'customer erased');
      return report;
    } catch (err) {
      if (err instanceof KanalError && !err.retryable) throw new UnrecoverableError(err.message);
      throw err;
    }
  };
  const worker = new Worker<RetentionJob>(QueueNames.retention, async (job: Job<RetentionJob>) => {
    if (job.data.kind === 'erase') return erase(job.data);
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
