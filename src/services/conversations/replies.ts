import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import type { Channel } from '../../domain/channels';
import type { Attachment } from '../../domain/messages';
import { isDuplicateKey, type Models } from '../../store';
import { touchOutbound } from './conversations';
import { emailReplyFields } from '../ingest/email-threading';
import type { EventPublisher } from '../events';
import { identityKindOf } from '../identity/identity';
import { recordMetricEvents, responseFacts } from '../metrics/metrics';
import { indexMessages } from '../search/search-index';
import { toConversationView, toMessageView } from './views';
import { OUTSIDE_WINDOW, whatsappWindow, type WhatsAppRoute } from '../delivery/wa-window';

export class ReplyError extends Error {
  constructor(message: string, readonly status: 404 | 409 | 422) {
    super(message);
  }
}

export interface AgentRef {
  id: string;
  name: string;
}

/**
 * Stores an agent reply as `queued` and returns it; the caller enqueues the outbound job with the message id.
 * `clientId` (optional, from the console) makes a double-clicked send idempotent.
 */
export async function createReply(
  m: Models,
  events: EventPublisher | null,
  input: {
    conversationId: string; agent: AgentRef; text: string; channel?: Channel; clientId?: string; attachments?: Attachment[];
    /** Channel data for the adapter (a WhatsApp template's contentSid and variables). */
    threadHints?: Record<string, string>;
    /** The route of the whatsapp channel (WHATSAPP_ROUTE): the official one enforces the 24-hour window. */
    whatsappRoute?: WhatsAppRoute;
    now?: Date;
  },
) {
  const conversation = await m.conversations.byId(input.conversationId);
  if (!conversation) throw new ReplyError('conversation not found', 404);
  const channel = input.channel ?? (conversation.lastInboundChannel as Channel | undefined);
  if (!channel) throw new ReplyError('the conversation has no inbound channel yet; choose one', 422);
  const identity = await m.identities.ofCustomerAndKind(conversation.customerId, identityKindOf(channel));
  if (!identity) throw new ReplyError(`the customer has no ${channel} address`, 422);
  // Refused here, at reply time, so the agent sees why at once instead of a failed message later.
  if (channel === 'whatsapp' && (input.whatsappRoute ?? 'twilio') === 'twilio' && !input.threadHints?.contentSid) {
    if (!(await whatsappWindow(m, conversation.customerId as Types.ObjectId, input.now)).open) throw new ReplyError(OUTSIDE_WINDOW, 422);
  }

  const dedupeKey = `out:${input.clientId ?? randomUUID()}`;
  const now = new Date();
  let message;
  try {
    message = await m.messages.insert({
      conversationId: conversation._id,
      customerId: conversation.customerId,
      direction: 'out',
      kind: 'message',
      channel,
      author: { type: 'agent', id: input.agent.id, name: input.agent.name },
      text: input.text,
      attachments: input.attachments ?? [],
      dedupeKey,
      to: identity.address,
      // Email replies carry threading headers; other channels keep the caller's hints (e.g. a WhatsApp template).
      ...(channel === 'email' ? await emailReplyFields(m, conversation) : { threadHints: input.threadHints }),
      delivery: { status: 'queued', at: now, attempts: 0 },
      createdAt: now,
    });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const again = await m.messages.byDedupeKey(dedupeKey);
    if (!again || String(again.conversationId) !== String(conversation._id)) throw new ReplyError('duplicate client id', 409);
    await indexMessages(m, [again]); // the first attempt may have stopped before indexing it
    return { message: again, duplicate: true };
  }
  await indexMessages(m, [message]);
  const preview = input.text || (input.attachments ?? []).map((a) => `📎 ${a.name}`).join(', ');
  const closed: { waitingSince?: Date | null; first?: boolean } = {};
  const updated = await touchOutbound(m, conversation._id as Types.ObjectId, now, preview, closed);
  await recordMetricEvents(m, await responseFacts(m, { ...conversation, waitingSince: closed.waitingSince }, {
    messageId: message._id, agentId: input.agent.id, channel, at: now, first: Boolean(closed.first),
  }));
  if (events && updated) {
    const view = toConversationView(updated);
    events.conversation(view);
    events.message(toMessageView(message), view);
  }
  return { message, duplicate: false };
}

/** A private note: visible to agents only, never sent, not a response for metrics. */
export async function createNote(
  m: Models,
  events: EventPublisher | null,
  input: { conversationId: string; agent: AgentRef; text: string },
) {
  const conversation = await m.conversations.byId(input.conversationId);
  if (!conversation) throw new ReplyError('conversation not found', 404);
  const message = await m.messages.insert({
    conversationId: conversation._id,
    customerId: conversation.customerId,
    direction: 'out',
    kind: 'note',
    channel: conversation.lastInboundChannel ?? 'webchat',
    author: { type: 'agent', id: input.agent.id, name: input.agent.name },
    text: input.text,
    dedupeKey: `note:${randomUUID()}`,
    delivery: { status: 'sent', at: new Date() },
  });
  await indexMessages(m, [message]);
  if (events) events.message(toMessageView(message), toConversationView(conversation));
  return message;
}

/** Records a conversation event (assigned, status changed ...) in the thread, visible to agents only. */
export async function recordEvent(m: Models, conversation: { _id: Types.ObjectId; customerId: Types.ObjectId; lastInboundChannel?: Channel }, text: string, agent?: AgentRef) {
  return m.messages.insert({
    conversationId: conversation._id,
    customerId: conversation.customerId,
    direction: 'out',
    kind: 'event',
    channel: conversation.lastInboundChannel ?? 'webchat',
    author: agent ? { type: 'agent', id: agent.id, name: agent.name } : { type: 'system' },
    text,
    dedupeKey: `event:${new Types.ObjectId()}`,
    delivery: { status: 'sent', at: new Date() },
  });
}
