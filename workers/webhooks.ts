import type { Job } from 'bullmq';
import type { WebhookJob } from '../src/queues';
import { attemptDelivery, type WebhookDeps } from '../src/services/webhooks/webhooks';

/** Queue `webhooks`: one attempt of one delivery; a thrown error is retried with exponential backoff. */
export function webhookProcessor(d: WebhookDeps) {
  return (job: Job<WebhookJob>) => attemptDelivery(d, job.data, job.attemptsMade + 1, job.attemptsMade + 1 >= (job.opts.attempts ?? 1));
}
