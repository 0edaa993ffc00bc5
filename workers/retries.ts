import { UnrecoverableError } from 'bullmq';
import { isRetryable } from '../src/domain/errors';

/**
 * BullMQ retries every failed job (with the queue's attempts and backoff) except one that fails with an
 * UnrecoverableError. Our errors say whether retrying can help (`retryable`, src/domain/errors.ts): one that cannot
 * becomes an UnrecoverableError here, with the original kept as its cause for the log.
 */
export function forBullMQ(err: unknown): unknown {
  if (err instanceof UnrecoverableError || isRetryable(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  return Object.assign(new UnrecoverableError(message), { cause: err });
}

/** A processor whose non-retryable failures end the job at once instead of using up its attempts. */
export function steeringRetries<J, R>(processor: (job: J) => Promise<R>): (job: J) => Promise<R> {
  return async (job) => {
    try {
      return await processor(job);
    } catch (err) {
      throw forBullMQ(err);
    }
  };
}
