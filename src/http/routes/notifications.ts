import { z } from 'zod';
import { listNotifications, markNotificationsRead } from '../../services/notifications/notifications';
import { route } from '../route';

const notification = z.object({
  id: z.string(), kind: z.enum(['mention', 'assigned']), conversationId: z.string(), messageId: z.string().nullable(),
  from: z.object({ id: z.string(), name: z.string() }).nullable().describe('null: the hub itself (routing)'),
  customerName: z.string().nullable(), preview: z.string(), at: z.string(), read: z.boolean(),
});
const week = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a week cursor (the `next` of the previous page)');
const objectId = z.string().regex(/^[0-9a-fA-F]{24}$/, 'must be a 24-character hex id');

/** The signed-in agent's own notifications (the console's bell): each agent reads and marks only their own. */
export const notificationRoutes = [
  route({
    method: 'get', path: '/me/notifications', tag: 'console', access: 'agent', resource: 'none',
    summary: 'The signed-in agent\'s notifications (mentions, assignments), newest first, with the unread count; `next` pages back',
    query: z.object({ before: week.optional(), limit: z.coerce.number().int().min(1).max(100).default(30) }),
    responses: { 200: { description: 'notifications', schema: z.object({ notifications: z.array(notification), unread: z.number(), next: z.string().nullable() }) } },
    async handler({ agent, query, deps }) {
      return { status: 200, body: await listNotifications(deps.models, agent.id, query) };
    },
  }),
  route({
    method: 'post', path: '/me/notifications/read', tag: 'console', access: 'agent', resource: 'none',
    summary: 'Mark some of the signed-in agent\'s notifications read, or all of them',
    body: z.union([z.object({ ids: z.array(objectId).min(1).max(100) }).strict(), z.object({ all: z.literal(true) }).strict()]),
    responses: { 200: { description: 'the unread count after', schema: z.object({ unread: z.number() }) } },
    async handler({ agent, body, deps }) {
      return { status: 200, body: await markNotificationsRead(deps.models, deps.events, agent.id, body) };
    },
  }),
];
