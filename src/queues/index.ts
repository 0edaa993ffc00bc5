import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { AutomationEvent } from '../domain/automation';
import type { InboundMessage } from '../domain/messages';

/** Queue names: part of the data in Redis. Never rename one. */
export const QueueNames = {
  inbound: 'inbound',
  outbound: 'outbound',
  metrics: 'metrics',
  routing: 'routing',
  sla: 'sla',
  webhooks: 'webhooks',
  retention: 'retention',
  automation: 'automation',
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
 * (src/services/sla/sla.ts), the end of a snooze (src/services/conversations/snooze.ts), or a satisfaction survey
 * and its reminder (src/services/csat/csat.ts).
 */
export interface SlaJob {
  conversationId: string;
  kind: 'first_response' | 'next_response' | 'resolution' | 'snooze_end' | 'csat_ask' | 'csat_reminder';
  dueAt: number;
}

/** A Redis connection as BullMQ wants it for workers (blocking commands must not time out). */
export function redisConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
}

/**
 * The same connection for fire-and-forget publishers (the Socket.IO emitter and adapter call `publish` without
 * awaiting it): a publish that fails (Redis gone, or closing at shutdown) is reported to `onError` instead of becoming
 * an unhandled rejection. Every other command goes to the connection itself.
 */
export function publishingClient(redis: Redis, onError: (err: unknown) => void): Redis {
  return new Proxy(redis, {
    get(target, prop) {
      if (prop === 'publish') {
        const publish = target.publish.bind(target) as (channel: string, message: string | Buffer) => Promise<number>;
        return (channel: string, message: string | Buffer) => publish(channel, message).catch((err: unknown) => { onError(err); return 0; });
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** One delivery of an outgoing webhook (src/services/webhooks): the body is in the delivery log. */
export interface WebhookJob {
  webhookId: string;
  deliveryId: string;
}

/**
 * On the retention queue: a retention run (src/services/privacy/retention.ts), scheduled daily or requested by an
 * admin, or one customer's confirmed erasure (src/services/privacy/erasure-requests.ts).
 */
export type RetentionJob = { kind?: 'run'; requestedBy?: string } | ErasureJob;
export interface ErasureJob {
  kind: 'erase';
  customerId: string;
  actor: { id: string; name: string };
}

/**
 * Automation (src/services/automation): one event to run the rules on (job id = the event id), or a time rule's
 * timer (job id from rule, conversation and the state it waits on), checked again when it fires.
 */
export type AutomationJob =
  | { kind: 'event'; event: AutomationEvent }
  | { kind: 'timer'; ruleId: string; trigger: string; conversationId: string; since: string; chain: string[] };

/** BullMQ job ids may not contain ':' in some versions' key layout checks; encode the dedupe key safely. */
export function jobIdFor(dedupeKey: string): string {
  return `k_${Buffer.from(dedupeKey).toString('base64url')}`;
}

export interface QueueSet {
  inbound: Queue<InboundJob>;
  outbound: Queue<OutboundJob>;
  routing: Queue<RoutingJob>;
  sla: Queue<SlaJob>;
  webhooks: Queue<WebhookJob>;
  retention: Queue<RetentionJob>;
  automation: Queue<AutomationJob>;
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
  // Receivers may be down for a while: attempts and backoff are set per job from the config (WEBHOOK_*).
  const webhooks = queue<WebhookJob>(QueueNames.webhooks, 10, 5000);
  const retention = queue<RetentionJob>(QueueNames.retention, 3, 60_000);
  // A failed rule run is retried a few times; what it already did is in its run record (docs/automation.md).
  const automation = queue<AutomationJob>(QueueNames.automation, 4, 500);
  return {
    inbound,
    outbound,
    routing,
    sla,
    webhooks,
    retention,
    automation,
    async close() {
      await Promise.all([inbound.close(), outbound.close(), routing.close(), sla.close(), webhooks.close(), retention.close(), automation.close()]);
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
