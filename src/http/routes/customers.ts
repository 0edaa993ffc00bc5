import { z } from 'zod';
import { customerThread, getCustomer } from '../../services/conversations/inbox';
import { visibleConversationsOf } from '../../services/access';
import { idParams, route } from '../route';
import { customerViewSchema, err, messageViewSchema } from '../schemas';

export const threadQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.string().max(200).optional(),
});
export const threadResponse = z.object({ items: z.array(messageViewSchema), nextBefore: z.string().nullable() });

export const customerRoutes = [
  route({
    method: 'get', path: '/customers/:id', tag: 'customers', access: 'agent', resource: 'customer',
    summary: 'A customer with all their identities', params: idParams,
    responses: { 200: { description: 'the customer', schema: customerViewSchema }, 404: err('customer not found') },
    async handler({ params, deps }) {
      return { status: 200, body: await getCustomer(deps.models, params.id) };
    },
  }),
  route({
    method: 'get', path: '/customers/:id/thread', tag: 'customers', access: 'agent', resource: 'customer',
    summary: 'The unified thread: all messages, notes and events of the customer across conversations and channels',
    params: idParams, query: threadQuery,
    responses: {
      200: { description: 'the newest page (items oldest first); pass nextBefore as before for older ones', schema: threadResponse },
      404: err('customer not found'),
    },
    async handler({ params, query, agent, deps }) {
      const conversations = await visibleConversationsOf(deps.models, agent, params.id); // a restricted agent's part of it
      return { status: 200, body: await customerThread(deps.models, params.id, { ...query, conversations: conversations ?? undefined }) };
    },
  }),
];
