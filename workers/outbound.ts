import { UnrecoverableError, type Job } from 'bullmq';
import { isRetryable } from '../src/domain/errors';
import type { OutboundJob } from '../src/queues';
import { deliver, markFailed, type AdapterRegistry } from '../src/services/delivery/delivery';
import type { EventPublisher } from '../src/services/events';
import type { Models } from '../src/store';

export function outboundProcessor(m: Models, events: EventPublisher, adapters: AdapterRegistry) {
  return async (job: Job<OutboundJob>) => {
    try {
      return await deliver(m, events, adapters, job.data.messageId, job.attemptsMade + 1);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      // PermanentSendError and every other error that says retrying cannot help: failed at once.
      if (!isRetryable(err) || last) {
        await markFailed(m, events, job.data.messageId, reason);
        throw Object.assign(new UnrecoverableError(reason), { cause: err });
      }
      throw err; // retried with exponential backoff
    }
  };
}
