import { z } from 'zod';
import { CONVERSATION_STATUSES, INBOX_SORTS, NO_TEAM, type ConversationStatus } from '../../domain/views';
import { getConversationView, listConversations } from '../../services/conversations/inbox';
import { assignConversation, changeStatus, conversationEffects, sendReply } from '../../services/conversations/lifecycle';
import { snoozePresetsOf } from '../../services/conversations/snooze';
import { IANAZone } from 'luxon';
import { attachmentUrl } from '../../services/ingest/attachments';
import { createNote } from '../../services/conversations/replies';
import { MAX_MENTIONS, mentionedAgents, notifyMentions } from '../../services/conversations/mentions';
import { attachableFile, inboxScope } from '../../services/access';
import { KanalError } from '../../domain/errors';
import { toMessageView } from '../../services/conversations/views';
import { idParams, objectId, route } from '../route';
import { channelName, conversationViewSchema, err, messageViewSchema } from '../schemas';

const statusEnum = z.enum(CONVERSATION_STATUSES as [ConversationStatus, ...ConversationStatus[]]);

export const listQuery = z.object({
  status: statusEnum.optional(),
  assignee: z.union([z.enum(['me', 'unassigned']), objectId]).optional(),
  channel: channelName.optional(),
  /** A team id, or `none` for the conversations with no team. */
  team: z.union([z.literal(NO_TEAM), objectId]).optional(),
  label: z.string().trim().min(1).max(100).optional(),
  /** A segment shown as a view: conversations whose customer is in it (src/services/crm/segment-stamps.ts). */
  segment: objectId.optional(),
  /** An exact routing priority (low -10, normal 0, high 10, urgent 20). */
  priority: z.coerce.number().int().min(-40).max(40).optional(),
  /** newest (last activity, the default), waiting (longest unanswered wait first), priority (highest first). */
  sort: z.enum(INBOX_SORTS).default('newest'),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(200).optional(),
});
export const listResponse = z.object({ items: z.array(conversationViewSchema), nextCursor: z.string().nullable() });

export const replyBody = z
  .object({
    text: z.string().trim().max(20_000).default(''),
    channel: channelName.optional(),
    /** Makes a double-clicked send idempotent. */
    clientId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8-64 letters, digits, _ or -').optional(),
    /** Keys returned by POST /api/attachments. */
    attachments: z.array(objectId).max(10).default([]),
  })
  .refine((v) => v.text.length > 0 || v.attachments.length > 0, { path: ['text'], message: 'a reply needs text or an attachment' });
export const noteBody = z.object({
  text: z.string().trim().min(1).max(20_000),
  /** Agents the note @mentions: each gets a notification (who may see the conversation). */
  mentions: z.array(objectId).max(MAX_MENTIONS, `at most ${MAX_MENTIONS} mentions`).optional(),
});
export const assignBody = z.object({ assigneeId: objectId.nullable(), teamId: objectId.nullable().optional() });
export const statusBody = z
  .object({ status: statusEnum, snoozedUntil: z.iso.datetime({ offset: true }).optional() })
  .superRefine((v, ctx) => {
    if (v.status !== 'snoozed') return;
    if (!v.snoozedUntil) ctx.addIssue({ code: 'custom', path: ['snoozedUntil'], message: 'required when snoozing' });
    else if (new Date(v.snoozedUntil).getTime() <= Date.now()) ctx.addIssue({ code: 'custom', path: ['snoozedUntil'], message: 'must be in the future' });
  });

const notFound = err('conversation not found');

export const snoozePresetsQuery = z.object({
  /** The agent's IANA time zone: the presets' zone when the team has no calendar. */
  zone: z.string().max(64).refine((tz) => IANAZone.isValidZone(tz), 'must be an IANA time zone such as Europe/Istanbul').default('UTC'),
});
export const snoozePresetsResponse = z.object({
  timezone: z.string(),
  businessHours: z.boolean(),
  presets: z.array(z.object({ key: z.enum(['in1h', 'tomorrow', 'nextWeek']), at: z.iso.datetime() })),
});

export const conversationRoutes = [
  route({
    method: 'get', path: '/conversations', tag: 'conversations', access: 'agent', resource: 'none',
    summary: 'The inbox: newest activity first, the longest wait first or by priority; cursor-paginated',
    query: listQuery,
    responses: { 200: { description: 'a page of conversations', schema: listResponse }, 400: err('bad filter or cursor') },
    async handler({ query, agent, deps }) {
      const scope = await inboxScope(deps.models, agent);
      return { status: 200, body: await listConversations(deps.models, agent.id, query, scope?.views) };
    },
  }),
  route({
    method: 'get', path: '/conversations/:id', tag: 'conversations', access: 'agent', resource: 'conversation',
    summary: 'One conversation', params: idParams,
    responses: { 200: { description: 'the conversation', schema: conversationViewSchema }, 404: notFound },
    async handler({ params, deps }) {
      return { status: 200, body: await getConversationView(deps.models, params.id) };
    },
  }),
  route({
    method: 'post', path: '/conversations/:id/reply', tag: 'conversations', access: 'agent', resource: 'conversation',
    summary: 'Reply to the customer (stored as queued, sent by the outbound worker)',
    params: idParams, body: replyBody,
    responses: {
      202: { description: 'accepted; delivery follows', schema: messageViewSchema },
      404: notFound, 409: err('client id used elsewhere'),
      422: err('no channel, the channel cannot send from this hub (reason channel_not_configured), no address on it (no_address) or the WhatsApp window is closed (whatsapp_window_closed)'),
    },
    async handler({ params, body, agent, deps }) {
      const conversation = await deps.models.conversations.byId(params.id);
      if (!conversation) throw new KanalError('not_found', 'conversation not found');
      const attachments = await Promise.all(body.attachments.map(async (key) => {
        // Only a file of this customer's messages, or one this agent uploaded for it: never another customer's file.
        const file = await attachableFile(deps.models, deps.blobs, agent, key, conversation);
        if (!file) throw new KanalError('unprocessable', `attachment ${key} not found`);
        return { ...file, storageKey: key, url: attachmentUrl(key) };
      }));
      const { message } = await sendReply(conversationEffects(deps), {
        conversationId: params.id, agent: { id: agent.id, name: agent.name }, text: body.text, channel: body.channel, clientId: body.clientId, attachments, settings: deps.config,
      });
      return { status: 202, body: toMessageView(message) };
    },
  }),
  route({
    method: 'post', path: '/conversations/:id/notes', tag: 'conversations', access: 'agent', resource: 'conversation',
    summary: 'Add a private note (agents only, never sent)', params: idParams, body: noteBody,
    responses: { 201: { description: 'the note', schema: messageViewSchema }, 400: err('a mention that is not an active agent'), 404: notFound },
    async handler({ params, body, agent, deps }) {
      const mentioned = await mentionedAgents(deps.models, body.mentions ?? []);
      const note = await createNote(deps.models, deps.events, { conversationId: params.id, agent: { id: agent.id, name: agent.name }, text: body.text, mentions: mentioned.map((a) => a.id) });
      await notifyMentions(deps.models, deps.events, note, mentioned, { id: agent.id, name: agent.name });
      return { status: 201, body: toMessageView(note) };
    },
  }),
  route({
    method: 'post', path: '/conversations/:id/assign', tag: 'conversations', access: 'agent', resource: 'conversation',
    summary: 'Assign or unassign (agents: only themselves; supervisors and admins: anyone)',
    params: idParams, body: assignBody,
    responses: {
      200: { description: 'the conversation', schema: conversationViewSchema },
      400: err('unknown or disabled assignee, unknown team'), 403: err('not allowed for this role'), 404: notFound,
    },
    async handler({ params, body, agent, deps }) {
      return { status: 200, body: await assignConversation(conversationEffects(deps), agent, params.id, body) };
    },
  }),
  route({
    method: 'post', path: '/conversations/:id/status', tag: 'conversations', access: 'agent', resource: 'conversation',
    summary: 'Change the status (snoozedUntil required, in the future, when snoozing)',
    params: idParams, body: statusBody,
    responses: {
      200: { description: 'the conversation', schema: conversationViewSchema }, 404: notFound,
      409: err('reopening while the customer has another unresolved conversation'),
    },
    async handler({ params, body, agent, deps }) {
      const snoozedUntil = body.snoozedUntil ? new Date(body.snoozedUntil) : undefined;
      return { status: 200, body: await changeStatus(conversationEffects(deps), agent, params.id, { status: body.status, snoozedUntil }) };
    },
  }),
  route({
    method: 'get', path: '/conversations/:id/snooze-presets', tag: 'conversations', access: 'agent', resource: 'conversation',
    summary: 'Snooze presets (1 hour, tomorrow, next week) in the team\'s business hours',
    params: idParams, query: snoozePresetsQuery,
    responses: { 200: { description: 'the presets, soonest first', schema: snoozePresetsResponse }, 400: err('bad zone'), 404: notFound },
    async handler({ params, query, deps }) {
      return { status: 200, body: await snoozePresetsOf(deps.models, params.id, query.zone) };
    },
  }),
];
