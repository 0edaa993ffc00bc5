import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { InboundMessage } from '../domain/messages';

/** Queue names: part of the data in Redis. Never rename one. */
export const QueueNames = {
  inbound: 'inbound',
  outbound: 'outbound',
  metrics: 'metrics',
  routing: 'routing',
  sla: 'sla',
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
/**
 * A conversation timer (epoch ms); the job fires then and re-checks the conversation: an SLA clock's due time
 * (src/services/sla/sla.ts) or the end of a snooze (src/services/conversations/snooze.ts).
 */
export interface SlaJob {
  conversationId: string;
  kind: 'first_response' | 'next_response' | 'resolution' | 'snooze_end';
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
  // Every queue keeps completed jobs an hour (job ids dedupe redeliveries meanwhile) and failed ones a week.
  const queue = <T>(name: string, attempts: number, backoffMs: number, extra: JobsOptions = {}) =>
    new Queue<T>(name, {
      connection,
      prefix,
      defaultJobOptions: {
        attempts,
        backoff: { type: 'exponential', delay: backoffMs },
        removeOnComplete: { age: 3600, count: 10_000 },
        removeOnFail: { age: 7 * 24 * 3600 },
        ...extra,
      },
    });
  const inbound = queue<InboundJob>(QueueNames.inbound, 10, 500);
  const outbound = queue<OutboundJob>(QueueNames.outbound, 8, 2000, outboundDefaults);
  const routing = queue<RoutingJob>(QueueNames.routing, 5, 200);
  const sla = queue<SlaJob>(QueueNames.sla, 5, 1000);
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
