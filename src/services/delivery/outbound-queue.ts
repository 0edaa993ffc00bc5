import type { Logger } from 'pino';
import type { QueueSet } from '../../queues';
import type { Models } from '../../store';

/**
 * Where a stored outbound message meets its job. Each message has one job id, so enqueueing is idempotent: while its
 * job waits, runs or backs off, enqueueing again changes nothing; once that job has finished (completed or failed for
 * good) and the message is still queued, a new job replaces it. `deliver` sends only a queued message without a
 * provider id, so a replaced job never sends twice.
 */
export type OutboundQueue = Pick<QueueSet, 'outbound'>;

export const outboundJobId = (messageId: string) => `out_${messageId}`;

/** Makes sure the outbound message has a live job; returns whether one was added. */
export async function enqueueOutbound(queues: OutboundQueue, messageId: string): Promise<boolean> {
  const jobId = outboundJobId(messageId);
  const job = await queues.outbound.getJob(jobId);
  if (job) {
    const state = await job.getState();
    if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return false; // alive: it will run
    await job.remove().catch(() => {}); // another sweeper may have removed it first
  }
  await queues.outbound.add('send', { messageId }, { jobId });
  return true;
}

/** A message queued this long without being sent or failed has lost its job (its enqueue failed, Redis lost it). */
export const STUCK_AFTER_MS = 10 * 60_000;

/**
 * Gives every outbound message stuck in `queued` (older than `stuckAfterMs`, index `sendPending`) a live job again.
 * Longer than the outbound retries' whole backoff, so a message still being retried is left alone (its job is alive
 * anyway). Returns how many were enqueued again.
 */
export async function sweepStuckSends(m: Models, queues: OutboundQueue, opts: { now?: Date; stuckAfterMs?: number } = {}): Promise<number> {
  const before = (opts.now ?? new Date()).getTime() - (opts.stuckAfterMs ?? STUCK_AFTER_MS);
  let enqueued = 0;
  for (const msg of await m.messages.pendingSends()) {
    if (msg.delivery.at && new Date(msg.delivery.at).getTime() > before) continue; // no time: old
    if (await enqueueOutbound(queues, String(msg._id))) enqueued += 1;
  }
  return enqueued;
}

/** Runs the sweep every `everyMs` in a worker process; returns the stop. */
export function startSendSweeper(m: Models, queues: OutboundQueue, logger: Logger, everyMs = 60_000): () => void {
  const timer = setInterval(() => {
    sweepStuckSends(m, queues)
      .then((n) => n && logger.warn({ requeued: n }, 'outbound messages stuck in queued were enqueued again'))
      .catch((err: unknown) => logger.error({ err }, 'outbound sweep failed'));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
