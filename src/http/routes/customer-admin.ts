import { z } from 'zod';
import { getCustomer } from '../../services/conversations/inbox';
import { customerAudit, customerConversations, mergeCustomers, renameCustomer, undoMerge } from '../../services/identity/merge';
import { publishSenderInvalidation } from '../../services/ingest/sender-invalidation';
import { toConversationView } from '../../services/conversations/views';
import { conversationEffects } from '../../services/conversations/lifecycle';
import { checkCustomer, visibleConversationsOf } from '../../services/access';
import { idParams, objectId, route } from '../route';
import { conversationViewSchema, customerViewSchema, err } from '../schemas';

const auditEntry = z.object({
  id: z.string(), action: z.string(), actor: z.object({ id: z.string(), name: z.string() }).partial(), at: z.string(), undoneAt: z.string().nullable(),
});
const mergeResult = z.object({ auditId: z.string().optional(), targetId: z.string(), sourceId: z.string() });
const notFound = err('customer not found');

export const customerAdminRoutes = [
  route({
    method: 'get', path: '/customers/:id/conversations', tag: 'customers', access: 'agent', resource: 'customer',
    summary: 'The customer\'s conversations, newest first (up to 50)', params: idParams,
    responses: { 200: { description: 'conversations', schema: z.array(conversationViewSchema) } },
    async handler({ params, agent, deps }) {
      const visible = await visibleConversationsOf(deps.models, agent, params.id);
      const conversations = (await customerConversations(deps.models, params.id)).filter((c) => !visible || visible.has(String(c._id)));
      return { status: 200, body: conversations.map((c) => toConversationView(c)) };
    },
  }),
  route({
    method: 'get', path: '/customers/:id/audit', tag: 'customers', access: 'agent', resource: 'customer',
    summary: 'The customer\'s audit trail (merges, renames), newest first', params: idParams,
    responses: { 200: { description: 'entries', schema: z.array(auditEntry) } },
    async handler({ params, deps }) {
      return { status: 200, body: await customerAudit(deps.models, params.id) };
    },
  }),
  route({
    method: 'post', path: '/customers/:id/name', tag: 'customers', access: 'agent', resource: 'customer',
    summary: 'Rename the customer (recorded in the audit trail)', params: idParams,
    body: z.object({ name: z.string().trim().min(1).max(200) }),
    responses: { 200: { description: 'the customer', schema: customerViewSchema }, 404: notFound },
    async handler({ params, body, agent, deps }) {
      await renameCustomer(deps.models, { id: agent.id, name: agent.name }, params.id, body.name);
      return { status: 200, body: await getCustomer(deps.models, params.id) };
    },
  }),
  route({
    method: 'post', path: '/customers/:id/merge', tag: 'customers', access: 'agent', resource: 'customer',
    summary: 'Merge another customer (sourceId) into this one: identities, conversations and messages move; undoable',
    params: idParams, body: z.object({ sourceId: objectId }),
    responses: {
      200: { description: 'merged; auditId undoes it', schema: mergeResult },
      400: err('same customer'), 404: notFound, 409: err('a customer was already merged'),
    },
    async handler({ params, body, agent, deps }) {
      await checkCustomer(deps.models, agent, body.sourceId); // both customers must be the agent's to merge
      const invalidate = publishSenderInvalidation(deps.redis, deps.config.QUEUE_PREFIX);
      return { status: 200, body: await mergeCustomers(conversationEffects(deps), { id: agent.id, name: agent.name }, params.id, body.sourceId, invalidate) };
    },
  }),
  route({
    method: 'post', path: '/audit/:id/undo', tag: 'customers', access: 'agent', resource: 'audit',
    summary: 'Undo a customer merge (once)', params: idParams,
    responses: { 200: { description: 'undone', schema: mergeResult }, 404: err('audit entry not found'), 409: err('already undone') },
    async handler({ params, agent, deps }) {
      const invalidate = publishSenderInvalidation(deps.redis, deps.config.QUEUE_PREFIX);
      return { status: 200, body: await undoMerge(conversationEffects(deps), { id: agent.id, name: agent.name }, params.id, invalidate) };
    },
  }),
];
