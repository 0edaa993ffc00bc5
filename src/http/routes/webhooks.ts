import { z } from 'zod';
import { WEBHOOK_EVENTS } from '../../domain/webhooks';
import {
  createWebhook, deleteWebhook, listDeliveries, listWebhooks, redeliver, sendTestDelivery, updateWebhook, webhookDepsOf,
} from '../../services/webhooks/webhooks';
import { idParams, objectId, route } from '../route';
import { err } from '../schemas';

const webhookView = z.object({
  id: z.string(), url: z.string(), description: z.string(), events: z.array(z.enum(WEBHOOK_EVENTS)), secret: z.string(),
  enabled: z.boolean(), disabledReason: z.string().nullable(), allowPrivate: z.boolean(), createdAt: z.string(),
});
const deliveryView = z.object({
  id: z.string(), webhookId: z.string(), event: z.string(), body: z.string(),
  status: z.enum(['pending', 'retrying', 'delivered', 'failed']), attempts: z.number(),
  responseStatus: z.number().optional(), response: z.string().optional(), ms: z.number().optional(),
  createdAt: z.string(), lastAttemptAt: z.string().optional(),
});
// A change names only what it changes (no defaults: a PATCH of the URL must not turn a webhook back on).
const changes = z.object({
  url: z.string().trim().min(1).max(2048),
  description: z.string().trim().max(200),
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1),
  enabled: z.boolean(),
  allowPrivate: z.boolean().describe('allow a loopback or private-network URL (an on-premises receiver)'),
}).partial();
const fields = changes.required({ url: true, events: true }).extend({
  description: changes.shape.description.default(''),
  enabled: changes.shape.enabled.default(true),
  allowPrivate: changes.shape.allowPrivate.default(false),
});
const deliveryParams = z.object({ id: objectId, deliveryId: objectId });

/** Outgoing webhooks (admins): docs/webhooks.md; payloads are in the OpenAPI document's `webhooks` section. */
export const webhookRoutes = [
  route({
    method: 'get', path: '/admin/webhooks', tag: 'webhooks', access: 'admin', resource: 'none',
    summary: 'Registered webhooks with their signing secrets',
    responses: { 200: { description: 'oldest first', schema: z.array(webhookView) } },
    async handler({ deps }) {
      return { status: 200, body: await listWebhooks(deps.models) };
    },
  }),
  route({
    method: 'post', path: '/admin/webhooks', tag: 'webhooks', access: 'admin', resource: 'none',
    summary: 'Register a webhook: its URL gets the chosen events, signed with a new secret',
    body: fields,
    responses: { 201: { description: 'registered', schema: webhookView }, 400: err('not an http(s) URL, or a private address that is not allowed') },
    async handler({ agent, body, deps }) {
      return { status: 201, body: await createWebhook(deps.models, agent, body) };
    },
  }),
  route({
    method: 'patch', path: '/admin/webhooks/:id', tag: 'webhooks', access: 'admin', resource: 'none',
    summary: 'Change a webhook (turning it on again clears the reason the hub turned it off)',
    params: idParams, body: changes.extend({ rotateSecret: z.boolean().optional() }),
    responses: { 200: { description: 'changed', schema: webhookView }, 400: err('bad URL'), 404: err('webhook not found') },
    async handler({ agent, params, body: { rotateSecret, ...changes }, deps }) {
      return { status: 200, body: await updateWebhook(deps.models, agent, params.id, changes, { rotateSecret }) };
    },
  }),
  route({
    method: 'post', path: '/admin/webhooks/:id/delete', tag: 'webhooks', access: 'admin', resource: 'none',
    summary: 'Delete a webhook (queued deliveries to it are dropped)',
    params: idParams,
    responses: { 204: { description: 'deleted' }, 404: err('webhook not found') },
    async handler({ agent, params, deps }) {
      await deleteWebhook(deps.models, agent, params.id);
      return { status: 204 };
    },
  }),
  route({
    method: 'post', path: '/admin/webhooks/:id/test', tag: 'webhooks', access: 'admin', resource: 'none',
    summary: 'Send a `ping` delivery now (also to a webhook that is turned off)',
    params: idParams,
    responses: { 202: { description: 'queued', schema: deliveryView }, 404: err('webhook not found') },
    async handler({ params, deps }) {
      return { status: 202, body: await sendTestDelivery(webhookDepsOf(deps), params.id) };
    },
  }),
  route({
    method: 'get', path: '/admin/webhooks/:id/deliveries', tag: 'webhooks', access: 'admin', resource: 'none',
    summary: 'The delivery log: the last 200 deliveries of 7 days, newest first, with the last answer of each',
    params: idParams, query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
    responses: { 200: { description: 'deliveries', schema: z.array(deliveryView) }, 404: err('webhook not found') },
    async handler({ params, query, deps }) {
      return { status: 200, body: await listDeliveries({ models: deps.models, redis: deps.redis, prefix: deps.config.QUEUE_PREFIX }, params.id, query.limit) };
    },
  }),
  route({
    method: 'post', path: '/admin/webhooks/:id/deliveries/:deliveryId/redeliver', tag: 'webhooks', access: 'admin', resource: 'none',
    summary: 'Send a logged delivery again: the same body and delivery id (receivers dedupe on it)',
    params: deliveryParams,
    responses: { 202: { description: 'queued', schema: deliveryView }, 404: err('delivery not found') },
    async handler({ params, deps }) {
      return { status: 202, body: await redeliver(webhookDepsOf(deps), params.id, params.deliveryId) };
    },
  }),
];
