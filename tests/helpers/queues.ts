import type { Queue, QueueEvents } from 'bullmq';
import { waitUntil } from './process';

/**
 * Resolves once none of `queues` holds a job that is waiting, active, delayed (a retry's backoff) or prioritized:
 * every job added before the call has finished. What a "nothing else happened" assertion waits on instead of a
 * fixed sleep: a slow worker makes the test wait longer, never pass without looking. Pass only the queues the
 * assertion is about (the SLA queue holds delayed timers by design).
 */
export async function drained(queues: Queue[], ms = 20_000): Promise<void> {
  await waitUntil(async () => {
    for (const q of queues) {
      const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
      if (Object.values(counts).some((n) => n > 0)) return false;
    }
    return true;
  }, ms, `queues ${queues.map((q) => q.name).join(', ')} to drain`);
}

/**
 * Resolves once the job `jobId` has finished for good (completed, or failed with no retry left), with its return
 * value (undefined when it failed). `events` must be listening before the job can finish, or the job be done already.
 */
export async function finished(queue: Queue, events: QueueEvents, jobId: string, ms = 20_000): Promise<unknown> {
  const job = await queue.getJob(jobId);
  if (!job) throw new Error(`no job ${jobId} in ${queue.name}`);
  return job.waitUntilFinished(events, ms).catch((err: Error) => {
    if (/timed out/i.test(err.message)) throw err;
    return undefined; // failed: the caller asserts what that left behind
  });
}
