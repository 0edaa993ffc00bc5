import type { Job } from 'bullmq';
import { inboundMessageSchema } from '../src/domain/messages';
import type { InboundJob } from '../src/queues';
import type { EventPublisher } from '../src/services/events';
import { ingest } from '../src/services/ingest';
import type { Models } from '../src/store';
import { UnrecoverableError } from 'bullmq';

export function inboundProcessor(m: Models, events: EventPublisher) {
  return async (job: Job<InboundJob>) => {
    const parsed = inboundMessageSchema.safeParse(job.data.message);
    // A malformed job can never succeed: fail it at once (kept in the failed set for inspection), no retries.
    if (!parsed.success) throw new UnrecoverableError(`invalid inbound message: ${parsed.error.issues[0]?.message}`);
    return ingest(m, events, parsed.data);
  };
}
