import { z } from 'zod';
import { CHANNELS } from '../../domain/channels';
import { CONVERSATION_STATUSES, type ConversationStatus } from '../../domain/views';
import { assignConversation, changeStatus, getConversationView, listConversations } from '../../services/conversations/inbox';
import { attachmentUrl } from '../../services/ingest/attachments';
import { createNote, createReply } from '../../services/conversations/replies';
import { syncSla } from '../../services/sla/sla';
import { scheduleSnoozeEnd } from '../../services/conversations/snooze';
import { HttpError } from '../errors';
import { toMessageView } from '../../services/conversations/views';
import { idParams, objectId, route } from '../route';
import { afterConversationChange, routingDeps } from '../../services/routing/routing';
import { conversationViewSchema, err, messageViewSchema } from '../schemas';

const statusEnum = z.enum(CONVERSATION_STATUSES as [ConversationStatus, ...ConversationStatus[]]);

export const listQuery = z.object({
  status: statusEnum.optional(),
  assignee: z.union([z.enum(['me', 'unassigned']), objectId]).optional(),
  channel: z.enum(CHANNELS).optional(),
  team: objectId.optional(),
  label: z.string().trim().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(200).optional(),
});
export const listResponse = z.object({ items: z.array(conversationViewSchema), nextCursor: z.string().nullable() });

export const replyBody = z
  .object({
    text: z.string().trim().max(20_000).default(''),
    channel: z.enum(CHANNELS).optional(),
    /** Makes a double-clicked send idempotent. */
    clientId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8-64 letters, digits, _ or -').optional(),
    /** Keys returned by POST /api/attachments. */
    attachments: z.array(objectId).max(10).default([]),
  })
  .refine((v) => v.text.length > 0 || v.attachments.length > 0, { path: ['text'], message: 'a reply needs text or an attachment' });
export const noteBody = z.object({ text: z.string().trim().min(1).max(20_000) });
export const assignBody = z.object({ assigneeId: objectId.nullable(), teamId: objectId.nullable().optional() });
export const statusBody = z
  .object({ status: statusEnum, snoozedUntil: z.iso.datetime({ offset: true }).optional() })
  .superRefine((v, ctx) => {
    if (v.status !== 'snoozed') return;
    if (!v.snoozedUntil) ctx.addIssue({ code: 'custom', path: ['snoozedUntil'], message: 'required when snoozing' });
    else if (new Date(v.snoozedUntil).getTime() <= Date.now()) ctx.addIssue({ code: 'custom', path: ['snoozedUntil'], message: 'must be in the future' });
  });

const notFound = err('conversation not found');

export const conversationRoutes = [
  route({
    method: 'get', path: '/conversations', tag: 'conversations', access: 'agent',
    summary: 'The inbox: newest activity first, cursor-paginated',
    query: listQuery,
    responses: { 200: { description: 'a page of conversations', schema: listResponse }, 400: err('bad filter or cursor') },
    async handler({ query, agent, deps }) {
      return { status: 200, body: await listConversations(deps.models, agent.id, query) };
    },
  }),
  route({
    method: 'get', path: '/conversations/:id', tag: 'conversations', access: 'agent',
    summary: 'One conversation', params: idParams,
    responses: { 200: { description: 'the conversation', schema: conversationViewSchema }, 404: notFound },
    async handler({ params, deps }) {
      return { status: 200, body: await getConversationView(deps.models, params.id) };
    },
  }),
  route({
    method: 'post', path: '/conversations/:id/reply', tag: 'conversations', access: 'agent',
    summary: 'Reply to the customer (stored as queued, sent by the outbound worker)',
    params: idParams, body: replyBody,
    responses: {
      202: { description: 'accepted; delivery follows', schema: messageViewSchema },
      404: notFound, 409: err('client id used elsewhere'), 422: err('no channel or no address on that channel'),
    },
    async handler({ params, body, agent, deps }) {
      const attachments = await Promise.all(body.attachments.map(async (key) => {
        const file = await deps.blobs.describe(key);
        if (!file) throw new HttpError(422, `attachment ${key} not found`);
        return { ...file, storageKey: key, url: attachmentUrl(key) };
      }));
      const { message, duplicate } = await createReply(deps.models, deps.events, {
        conversationId: params.id, agent: { id: agent.id, name: agent.name }, text: body.text, channel: body.channel, clientId: body.clientId, attachments, whatsappRoute: deps.config.WHATSAPP_ROUTE,
      });
      const messageId = String(message!._id);
      if (!duplicate) await deps.queues.outbound.add('send', { messageId }, { jobId: `out_${messageId}` });
      await syncSla(deps, params.id); // an agent reply stops the first/next response clock
      return { status: 202, body: toMessageView(message) };
    },
  }),
  route({
    method: 'post', path: '/conversations/:id/notes', tag: 'conversations', access: 'agent',
    summary: 'Add a private note (agents only, never sent)', params: idParams, body: noteBody,
    responses: { 201: { description: 'the note', schema: messageViewSchema }, 404: notFound },
    async handler({ params, body, agent, deps }) {
      const note = await createNote(deps.models, deps.events, { conversationId: params.id, agent: { id: agent.id, name: agent.name }, text: body.text });
      return { status: 201, body: toMessageView(note) };
    },
  }),
  route({
    method: 'post', path: '/conversations/:id/assign', tag: 'conversations', access: 'agent',
    summary: 'Assign or unassign (agents: only themselves; supervisors and admins: anyone)',
    params: idParams, body: assignBody,
    responses: {
      200: { description: 'the conversation', schema: conversationViewSchema },
      400: err('unknown or disabled assignee, unknown team'), 403: err('not allowed for this role'), 404: notFound,
    },
    async handler({ params, body, agent, deps }) {
      const view = await assignConversation(deps.models, deps.events, agent, params.id, body);
      await afterConversationChange(routingDeps(deps), params.id); // load counters and queues follow the store
      if (body.teamId !== undefined) await syncSla(deps, params.id); // another team may have another policy
      return { status: 200, body: view };
    },
  }),
  route({
    method: 'post', path: '/conversations/:id/status', tag: 'conversations', access: 'agent',
    summary: 'Change the status (snoozedUntil required, in the future, when snoozing)',
    params: idParams, body: statusBody,
    responses: {
      200: { description: 'the conversation', schema: conversationViewSchema }, 404: notFound,
      409: err('reopening while the customer has another unresolved conversation'),
    },
    async handler({ params, body, agent, deps }) {
      const snoozedUntil = body.snoozedUntil ? new Date(body.snoozedUntil) : undefined;
      const view = await changeStatus(deps.models, deps.events, agent, params.id, { status: body.status, snoozedUntil });
      await afterConversationChange(routingDeps(deps), params.id);
      await syncSla(deps, params.id); // resolve stops the clocks; pending/snoozed may pause them
      if (snoozedUntil && view.status === 'snoozed') await scheduleSnoozeEnd(deps.queues, params.id, snoozedUntil);
      return { status: 200, body: view };
    },
  }),
];
