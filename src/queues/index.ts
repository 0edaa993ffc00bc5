import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { InboundMessage } from '../domain/messages';

/** Queue names: part of the data in Redis. Never rename one. */
export const QueueNames = {
  inbound: 'inbound',
  outbound: 'outbound',
  routing: 'routing',
  sla: 'sla',
  metrics: 'metrics',
} as const;

export interface InboundJob {
  message: InboundMessage;
}
export interface OutboundJob {
  messageId: string;
}
/** Routing jobs (workers/routing.ts): route one conversation, drain a team's queue, or re-queue an offline agent's work. */
export type RoutingJob =
  | { kind: 'route'; conversationId: string; messageId?: string }
  | { kind: 'drain'; teamId: string }
  | { kind: 'offline'; agentId: string; since: number };
/** An SLA clock's due time (epoch ms); the job fires then and re-checks the conversation (src/services/sla.ts). */
export interface SlaJob {
  conversationId: string;
  kind: 'first_response' | 'next_response' | 'resolution';
  dueAt: number;
}

/** A Redis connection as BullMQ wants it for workers (blocking commands must not time out). */
export function redisConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
}

/** BullMQ job ids may not contain ':' in some versions' key layout checks; encode the dedupe key safely. */
export function jobIdFor(dedupeKey: string): string {
  return `k_${Buffer.from(dedupeKey).toString('base64url')}`;
}

export interface QueueSet {
  inbound: Queue<InboundJob>;
  outbound: Queue<OutboundJob>;
  routing: Queue<RoutingJob>;
  sla: Queue<SlaJob>;
  close(): Promise<void>;
}

export function createQueues(connection: ConnectionOptions, prefix: string, outboundDefaults: JobsOptions = {}): QueueSet {
  const inbound = new Queue<InboundJob>(QueueNames.inbound, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: 10,
      backoff: { type: 'exponential', delay: 500 },
      removeOnComplete: { age: 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  });
  const outbound = new Queue<OutboundJob>(QueueNames.outbound, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: 8,
      backoff: { type: 'exponential', delay: 2000 },
      removeOnComplete: { age: 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
      ...outboundDefaults,
    },
  });
  const routing = new Queue<RoutingJob>(QueueNames.routing, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: 5,
      backoff: { type: 'exponential', delay: 200 },
      removeOnComplete: { age: 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  });
  const sla = new Queue<SlaJob>(QueueNames.sla, {
    connection,
    prefix,
    defaultJobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: { age: 3600, count: 10_000 }, removeOnFail: { age: 7 * 24 * 3600 } },
  });
  return {
    inbound,
    outbound,
    routing,
    sla,
    async close() {
      await Promise.all([inbound.close(), outbound.close(), routing.close(), sla.close()]);
    },
  };
}

/**
 * Ingress calls this and acknowledges the provider only after it resolves: the job is then in Redis.
 * The job id is derived from the dedupe key, so a redelivery while the first copy is still queued is a no-op.
 */
export async function enqueueInbound(queues: QueueSet, message: InboundMessage): Promise<void> {
  await queues.inbound.add('ingest', { message }, { jobId: jobIdFor(message.dedupeKey) });
}
