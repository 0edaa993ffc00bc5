import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../../config';
import type { AutomationJob, QueueSet } from '../../queues';
import type { Models } from '../../store';
import type { ConversationEffects } from '../conversations/lifecycle';
import type { WebhookDeps } from '../webhooks/webhooks';

/** What the observer, the routes and the worker share: the store, Redis and the `automation` queue. */
export interface AutomationDeps {
  models: Models;
  redis: Redis;
  prefix: string;
  queue: Queue<AutomationJob>;
  logger: Logger;
}

/** The worker's: besides, the effects its actions go through and the webhook sender of `send_webhook`. */
export interface RunnerDeps extends AutomationDeps {
  fx: ConversationEffects;
  webhooks: WebhookDeps | null;
  /** The hub's config, for the channels' reply rules (canned replies). */
  settings?: Readonly<Record<string, unknown>>;
}

export function automationDepsOf(d: { config: Pick<Config, 'QUEUE_PREFIX'>; models: Models; redis: Redis; logger: Logger; queues: Pick<QueueSet, 'automation'> }): AutomationDeps {
  return { models: d.models, redis: d.redis, prefix: d.config.QUEUE_PREFIX, queue: d.queues.automation, logger: d.logger };
}
