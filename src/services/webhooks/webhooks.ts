import { randomBytes } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Types } from 'mongoose';
import type { Logger } from 'pino';
import { AgentEvents } from '../../domain/events';
import { KanalError } from '../../domain/errors';
import { WEBHOOK_PAYLOAD_VERSION, type WebhookData, type WebhookEvent, type WebhookPayload } from '../../domain/webhooks';
import type { Config } from '../../config';
import type { QueueSet, WebhookJob } from '../../queues';
import type { Models, StoredWebhook, WebhookFields } from '../../store';
import type { AgentView } from '../agents/agents';
import type { EventPublisher } from '../events';
import { checkWebhookUrl } from './address-guard';
import { DeliveryLog, type DeliveryRecord } from './delivery-log';
import { postWebhook } from './post';
import { signatureHeader } from './sign';
import { audit, type AuditSubject } from '../audit';

export interface WebhookSettings {
  attempts: number;
  backoffMs: number;
  timeoutMs: number;
  disableAfter: number;
}

export interface WebhookDeps {
  models: Models;
  redis: Redis;
  prefix: string;
  queue: Queue<WebhookJob>;
  logger: Logger;
  settings: WebhookSettings;
  /** Admins are told when the hub turns a webhook off. */
  events?: EventPublisher | null;
}

/** The webhook deps of a process, from what every process holds (routes, workers, the publisher's observer). */
export function webhookDepsOf(d: {
  config: Pick<Config, 'QUEUE_PREFIX' | 'WEBHOOK_ATTEMPTS' | 'WEBHOOK_BACKOFF_MS' | 'WEBHOOK_TIMEOUT_MS' | 'WEBHOOK_DISABLE_AFTER'>;
  models: Models; redis: Redis; logger: Logger; queues: Pick<QueueSet, 'webhooks'>; events: EventPublisher | null;
}): WebhookDeps {
  const c = d.config;
  return {
    models: d.models, redis: d.redis, prefix: c.QUEUE_PREFIX, queue: d.queues.webhooks, logger: d.logger, events: d.events,
    settings: { attempts: c.WEBHOOK_ATTEMPTS, backoffMs: c.WEBHOOK_BACKOFF_MS, timeoutMs: c.WEBHOOK_TIMEOUT_MS, disableAfter: c.WEBHOOK_DISABLE_AFTER },
  };
}

export class WebhookError extends KanalError {
  constructor(code: 'not_found', message: string) {
    super(code, message);
  }
}

export interface WebhookView {
  id: string;
  url: string;
  description: string;
  events: WebhookEvent[];
  secret: string;
  enabled: boolean;
  disabledReason: string | null;
  allowPrivate: boolean;
  createdAt: string;
}

const toView = (w: StoredWebhook): WebhookView => ({
  id: String(w._id), url: w.url, description: w.description ?? '', events: w.events, secret: w.secret, enabled: Boolean(w.enabled),
  disabledReason: w.disabledReason ?? null, allowPrivate: Boolean(w.allowPrivate), createdAt: w.createdAt.toISOString(),
});

const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;
const oid = (id: string) => new Types.ObjectId(id);

// The enabled subscriptions, per process, for a few seconds: publishing costs no store read per event. A change made
// on this process applies at once (forget), on others within CACHE_MS.
const CACHE_MS = 5000;
const subscriptions = new WeakMap<object, { until: number; hooks: Promise<StoredWebhook[]> }>();
function enabledWebhooks(m: Models): Promise<StoredWebhook[]> {
  const hit = subscriptions.get(m);
  if (hit && hit.until > Date.now()) return hit.hooks;
  const hooks = m.webhooks.all().then((all) => all.filter((w) => w.enabled));
  subscriptions.set(m, { until: Date.now() + CACHE_MS, hooks });
  hooks.catch(() => subscriptions.delete(m));
  return hooks;
}
const forget = (m: Models) => subscriptions.delete(m);

/** Whether any enabled webhook wants one of these events (observers skip their own work otherwise). */
export async function anyWants(m: Models, events: readonly WebhookEvent[]): Promise<boolean> {
  return (await enabledWebhooks(m)).some((w) => w.events.some((e) => events.includes(e)));
}

const checkedUrl = async (url: string, allowPrivate: boolean): Promise<string> => (await checkWebhookUrl(url, allowPrivate)).toString();

const subjectOf = (w: { _id: Types.ObjectId; url: string }): AuditSubject => ({ type: 'webhook', id: w._id, name: w.url });

export async function listWebhooks(m: Models): Promise<WebhookView[]> {
  return (await m.webhooks.all()).map(toView);
}

export async function createWebhook(m: Models, actor: AgentView, input: WebhookFields): Promise<WebhookView> {
  const url = await checkedUrl(input.url, input.allowPrivate);
  const created = await m.webhooks.create({ ...input, url, secret: newSecret(), createdBy: { id: actor.id, name: actor.name } });
  await audit(m, actor, 'webhook.created', subjectOf(created), {}, toView(created));
  forget(m);
  return toView(created);
}

/** Changes what an admin edits; turning it on again clears the hub's reason for turning it off. */
export async function updateWebhook(m: Models, actor: AgentView, id: string, input: Partial<WebhookFields>, opts: { rotateSecret?: boolean } = {}): Promise<WebhookView> {
  const before = await m.webhooks.byId(oid(id));
  if (!before) throw new WebhookError('not_found', 'webhook not found');
  const allowPrivate = input.allowPrivate ?? Boolean(before.allowPrivate);
  const set: Parameters<Models['webhooks']['update']>[1] = { ...input };
  if (input.url !== undefined || input.allowPrivate === false) set.url = await checkedUrl(input.url ?? before.url, allowPrivate);
  if (input.enabled) set.disabledReason = null;
  if (opts.rotateSecret) set.secret = newSecret();
  const after = await m.webhooks.update(before._id, set);
  if (!after) throw new WebhookError('not_found', 'webhook not found');
  // The secret is masked by audit(); a rotation shows as a changed (masked) secret.
  await audit(m, actor, opts.rotateSecret ? 'webhook.secret_rotated' : 'webhook.updated', subjectOf(after), toView(before), toView(after));
  forget(m);
  return toView(after);
}

export async function deleteWebhook(m: Models, actor: AgentView, id: string): Promise<void> {
  const before = await m.webhooks.byId(oid(id));
  if (!before || !(await m.webhooks.remove(before._id))) throw new WebhookError('not_found', 'webhook not found');
  await audit(m, actor, 'webhook.deleted', subjectOf(before), toView(before), {});
  forget(m);
}

/** Queues one delivery of an event to one webhook (its body fixed now, the same on every retry). */
async function enqueue<E extends keyof WebhookData>(d: WebhookDeps, webhookId: string, event: E, data: WebhookData[E]): Promise<DeliveryRecord> {
  const id = new Types.ObjectId().toHexString();
  const payload: WebhookPayload<E> = { id, event, version: WEBHOOK_PAYLOAD_VERSION, createdAt: new Date().toISOString(), data };
  const record: DeliveryRecord = { id, webhookId, event, body: JSON.stringify(payload), status: 'pending', attempts: 0, createdAt: payload.createdAt };
  await new DeliveryLog(d.redis, d.prefix).add(record);
  await addJob(d, record, id);
  return record;
}

const addJob = (d: WebhookDeps, record: DeliveryRecord, jobId: string) =>
  d.queue.add('deliver', { webhookId: record.webhookId, deliveryId: record.id }, {
    jobId, attempts: d.settings.attempts, backoff: { type: 'exponential', delay: d.settings.backoffMs },
  });

/** Sends the event to every enabled webhook that subscribed to it (a delivery each, through the queue). */
export async function publishWebhookEvent<E extends WebhookEvent>(d: WebhookDeps, event: E, data: WebhookData[E]): Promise<number> {
  const targets = (await enabledWebhooks(d.models)).filter((w) => w.events.includes(event));
  await Promise.all(targets.map((w) => enqueue(d, String(w._id), event, data)));
  return targets.length;
}

/** One delivery to one named webhook (an automation rule's `send_webhook`), while it is enabled; whatever it subscribed to. */
export async function deliverTo<E extends keyof WebhookData>(d: WebhookDeps, webhookId: string, event: E, data: WebhookData[E]): Promise<DeliveryRecord> {
  const hook = Types.ObjectId.isValid(webhookId) ? await d.models.webhooks.byId(oid(webhookId)) : null;
  if (!hook) throw new WebhookError('not_found', 'webhook not found');
  if (!hook.enabled) throw new KanalError('unprocessable', 'the webhook is turned off');
  return enqueue(d, webhookId, event, data);
}

/** "Send a test": a `ping` delivery to this webhook, whatever it subscribed to. */
export async function sendTestDelivery(d: WebhookDeps, id: string): Promise<DeliveryRecord> {
  if (!(await d.models.webhooks.byId(oid(id)))) throw new WebhookError('not_found', 'webhook not found');
  return enqueue(d, id, 'ping', { webhookId: id });
}

/**
 * A customer's erasure (src/services/privacy/erase.ts) reaches the delivery log: every logged delivery that names the
 * customer keeps its envelope (id, event, version, time) with its data replaced by `{ customerId, erased: true }`,
 * and loses the receiver's answer. A delivery still waiting to be sent goes out like that. Returns how many changed.
 */
export async function eraseCustomerFromDeliveries(d: Pick<WebhookDeps, 'models' | 'redis' | 'prefix'>, customerId: string): Promise<number> {
  const log = new DeliveryLog(d.redis, d.prefix);
  let changed = 0;
  for (const hook of await d.models.webhooks.all()) {
    changed += await log.rewrite(String(hook._id), (r) => {
      if (!r.body.includes(customerId)) return null;
      const { id, event, version, createdAt } = JSON.parse(r.body) as WebhookPayload<WebhookEvent>;
      const { response: _gone, ...rest } = r;
      return { ...rest, body: JSON.stringify({ id, event, version, createdAt, data: { customerId, erased: true } }) };
    });
  }
  return changed;
}

export async function listDeliveries(d: Pick<WebhookDeps, 'models' | 'redis' | 'prefix'>, id: string, limit?: number): Promise<DeliveryRecord[]> {
  if (!(await d.models.webhooks.byId(oid(id)))) throw new WebhookError('not_found', 'webhook not found');
  return new DeliveryLog(d.redis, d.prefix).list(id, limit);
}

/** Sends a logged delivery again, with the same body and id (receivers dedupe on it). */
export async function redeliver(d: WebhookDeps, id: string, deliveryId: string): Promise<DeliveryRecord> {
  const log = new DeliveryLog(d.redis, d.prefix);
  const record = await log.get(deliveryId);
  if (!record || record.webhookId !== id) throw new WebhookError('not_found', 'delivery not found (the log keeps 7 days)');
  const again: DeliveryRecord = { ...record, status: 'pending' };
  await log.update(again);
  await addJob(d, again, `${deliveryId}-${Date.now()}`);
  return again;
}

/**
 * One attempt of a delivery (the webhooks worker). A 2xx answer delivers it; anything else throws so BullMQ retries
 * with backoff; the last failed attempt counts against the webhook, which is turned off after
 * `disableAfter` deliveries in a row failed (admins get an event). A webhook deleted or turned off meanwhile: dropped.
 */
export async function attemptDelivery(d: WebhookDeps, job: WebhookJob, attempt: number, lastAttempt: boolean): Promise<'delivered' | 'dropped'> {
  const log = new DeliveryLog(d.redis, d.prefix);
  const [hook, record] = await Promise.all([d.models.webhooks.byId(oid(job.webhookId)), log.get(job.deliveryId)]);
  if (!hook || !record || (!hook.enabled && record.event !== 'ping')) return 'dropped';
  const result = await postWebhook(new URL(hook.url), record.body, {
    'kanal-signature': signatureHeader(hook.secret, record.body),
    'kanal-event': record.event,
    'kanal-delivery': record.id,
  }, { timeoutMs: d.settings.timeoutMs, allowPrivate: Boolean(hook.allowPrivate) });
  const ok = result.status >= 200 && result.status < 300;
  await log.update({
    ...record, attempts: attempt, responseStatus: result.status, response: result.body, ms: result.ms, lastAttemptAt: new Date().toISOString(),
    status: ok ? 'delivered' : lastAttempt ? 'failed' : 'retrying',
  });
  if (ok) {
    await log.succeeded(hook._id.toHexString());
    return 'delivered';
  }
  if (lastAttempt && (await log.failedInARow(hook._id.toHexString())) >= d.settings.disableAfter) {
    const reason = `turned off after ${d.settings.disableAfter} deliveries in a row failed (last answer: ${result.status || result.body})`;
    if (await d.models.webhooks.disable(hook._id, reason)) {
      forget(d.models);
      d.logger.warn({ webhookId: String(hook._id), url: hook.url }, 'webhook turned off after repeated failures');
      d.events?.toAdmins(AgentEvents.webhookDisabled, { webhookId: String(hook._id), url: hook.url, reason });
    }
  }
  throw new Error(`webhook answered ${result.status || 'nothing'}: ${result.body.slice(0, 200)}`);
}
