import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Types } from 'mongoose';
import type { Logger } from 'pino';
import { jobIdFor, type AutomationJob, type ErasureJob, type InboundJob, type RetentionJob } from '../../queues';
import { eventJobId } from '../automation/observer';
import { RecentEvents } from '../automation/recent-events';
import { inParallel, type Models } from '../../store';
import type { AgentRef } from '../conversations/replies';
import { publishSenderInvalidation } from '../ingest/sender-invalidation';
import { eraseCustomerFromDeliveries } from '../webhooks/webhooks';
import { confirmErasure, type ErasureReach, type ErasureReport } from './erase';

/**
 * A confirmed erasure runs as a job on the retention queue (workers/retention.ts), not in the admin's request: it is
 * linear in the customer's history (minutes for a customer with thousands of messages, docs/privacy.md) and every
 * step is idempotent, so a job that fails part way is retried and completes what the first try left.
 * One job per customer at a time (its id is the customer's); a finished job leaves nothing behind, so the erasure
 * can be requested again (it changes nothing then), and a failed one is replaced by a new request.
 */
export const erasureJobId = (customerId: string) => `erase_${customerId}`;

export type ErasureState = 'queued' | 'running' | 'failed';

export async function requestErasure(m: Models, queue: Queue<RetentionJob>, actor: AgentRef, idRaw: string, confirm: string): Promise<{ customerId: string; state: ErasureState }> {
  await confirmErasure(m, idRaw, confirm);
  const customerId = String(new Types.ObjectId(idRaw));
  const jobId = erasureJobId(customerId);
  const earlier = await queue.getJob(jobId);
  if (earlier && (await earlier.isFailed())) await earlier.remove();
  const job: ErasureJob = { kind: 'erase', customerId, actor: { id: actor.id, name: actor.name } };
  await queue.add('erase', job, {
    jobId, attempts: 5, backoff: { type: 'exponential', delay: 5_000 }, removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 },
  });
  return { customerId, state: (await erasureState(queue, customerId)) ?? 'queued' };
}

/** Where the customer's erasure job is, or null when none is waiting, running or failed. */
export async function erasureState(queue: Queue<RetentionJob>, customerId: string): Promise<ErasureState | null> {
  const job = await queue.getJob(erasureJobId(customerId));
  if (!job) return null;
  const state = await job.getState();
  if (state === 'active') return 'running';
  if (state === 'failed') return 'failed';
  if (state === 'completed' || state === 'unknown') return null;
  return 'queued';
}

/** The counts of the customer's last erasure, from its audit record (none of the erased data is in there). */
export async function lastErasure(m: Models, customerId: string): Promise<(Omit<ErasureReport, 'customerId'> & { at: string }) | null> {
  const entry = (await m.audit.ofSubject(new Types.ObjectId(customerId))).find((e) => e.action === 'customer.erased');
  if (!entry) return null;
  const counts = entry.after as Partial<Record<'conversationsClosed' | 'messages' | 'attachmentsRemoved' | 'identitiesRemoved' | 'mergedCustomers', number>>;
  return {
    conversationsClosed: counts.conversationsClosed ?? 0, messages: counts.messages ?? 0, attachmentsRemoved: counts.attachmentsRemoved ?? 0,
    identitiesRemoved: counts.identitiesRemoved ?? 0, mergedCustomers: counts.mergedCustomers ?? 0, auditId: String(entry._id), at: entry.at.toISOString(),
  };
}

/** What an erasure reaches outside the store, in a worker process: sender caches, finished jobs, the webhook log, automation's events. */
export function erasureReach(models: Models, redis: Redis, prefix: string, queues: { inbound: Queue<InboundJob>; automation: Queue<AutomationJob> }, logger: Logger): ErasureReach {
  const { inbound } = queues;
  return {
    forgetAutomationEvents: async (customerId, messageIds) => {
      await inParallel(messageIds, (id) => queues.automation.remove(eventJobId(`msg:${id}`)).catch((err: unknown) => logger.warn({ err }, 'automation job of an erased message not removed')));
      await new RecentEvents(redis, prefix).forgetText(customerId);
    },
    forgetWebhookDeliveries: async (customerId) => {
      await eraseCustomerFromDeliveries({ models, redis, prefix }, customerId);
    },
    invalidate: publishSenderInvalidation(redis, prefix),
    // A job still running cannot be removed (BullMQ refuses locked jobs): it finishes and expires with the queue's age limit.
    forgetInboundJobs: async (keys: string[]) => {
      await inParallel(keys, (k) => inbound.remove(jobIdFor(k)).catch((err: unknown) => logger.warn({ err }, 'inbound job of an erased message not removed')));
    },
  };
}
