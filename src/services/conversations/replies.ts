import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { CHANNEL_NOT_CONFIGURED, fallbackChannel, type Channel } from '../../domain/channels';
import type { Attachment } from '../../domain/messages';
import { eventSentence, type ThreadEvent } from '../../domain/thread-events';
import { isDuplicateKey, type Models } from '../../store';
import { touchOutbound } from './conversations';
import type { EventPublisher } from '../events';
import { identityKindOf } from '../identity/identity';
import { indexMessages } from '../search/search-index';
import { toConversationView, toMessageView } from './views';
import { prepareOutbound, replyAvailabilityOf } from '../delivery/reply-channels';
import { enqueueOutbound, type OutboundQueue } from '../delivery/outbound-queue';
import { KanalError } from '../../domain/errors';

/**
 * A reply the hub refuses (no such conversation, a clashing client id, no channel to send it on). `reason` says why a
 * channel cannot take it, for the console to say in the agent's language (sent as `details.reason`).
 */
export class ReplyError extends KanalError {
  constructor(message: string, code: 'not_found' | 'conflict' | 'unprocessable', reason?: string) {
    super(code, message, reason ? { details: { reason } } : {});
  }
}

export interface AgentRef {
  id: string;
  name: string;
}

/**
 * Stores an agent reply as `queued`, enqueues its send (when `outbound` is given) and returns it. `clientId`
 * (optional, from the console) makes a double-clicked send idempotent, and a retry after a failed enqueue sends it:
 * the stored reply is enqueued again while it is still queued (one job id per message, see outbound-queue.ts).
 */
export async function createReply(
  m: Models,
  events: EventPublisher | null,
  input: {
    conversationId: string; agent: AgentRef; text: string; channel?: Channel; clientId?: string; attachments?: Attachment[];
    /** Channel data for the adapter (a WhatsApp template's contentSid and variables). */
    threadHints?: Record<string, string>;
    /** The validated config: the channel's rules read their settings (WHATSAPP_ROUTE: the 24-hour window). */
    settings?: Readonly<Record<string, unknown>>;
    now?: Date;
  },
  outbound?: OutboundQueue,
) {
  const conversation = await m.conversations.byId(input.conversationId);
  if (!conversation) throw new ReplyError('conversation not found', 'not_found');
  const channel = input.channel ?? (conversation.lastInboundChannel as Channel | undefined);
  if (!channel) throw new ReplyError('the conversation has no inbound channel yet; choose one', 'unprocessable');
  const identity = await m.identities.ofCustomerAndKind(conversation.customerId, identityKindOf(channel));
  if (!identity) throw new ReplyError(`the customer has no ${channel} address`, 'unprocessable', 'no_address');
  // A channel this hub cannot send on at all is refused before anything is stored (the console disables it too).
  if (input.settings) {
    const availability = await replyAvailabilityOf(m, channel, conversation.customerId, identity.address, input.settings, input.now);
    if (!availability.available && availability.reason?.code === CHANNEL_NOT_CONFIGURED) throw new ReplyError(`cannot reply on ${channel}: ${availability.reason.en}`, 'unprocessable', availability.reason.code);
  }
  // The channel's rules run here, at reply time (the WhatsApp window), so the agent sees why at once instead of a
  // failed message later; they also add the channel's data (email threading headers).
  const prepared = await prepareOutbound(m, channel, conversation, { address: identity.address, settings: input.settings, hints: input.threadHints, now: input.now });
  if ('refused' in prepared) throw new ReplyError(prepared.refused.en, 'unprocessable', prepared.refused.code);

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
      threadHints: prepared.threadHints,
      delivery: { status: 'queued', at: now, attempts: 0 },
      createdAt: now,
    });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const again = await m.messages.byDedupeKey(dedupeKey);
    if (!again || String(again.conversationId) !== String(conversation._id)) throw new ReplyError('duplicate client id', 'conflict');
    await indexMessages(m, [again]); // the first attempt may have stopped before indexing it
    if (outbound && again.delivery.status === 'queued') await enqueueOutbound(outbound, String(again._id));
    return { message: again, duplicate: true };
  }
  await indexMessages(m, [message]);
  const preview = input.text || (input.attachments ?? []).map((a) => `📎 ${a.name}`).join(', ');
  const closed: { waitingSince?: Date | null; first?: boolean } = {};
  const updated = await touchOutbound(m, conversation._id as Types.ObjectId, now, preview, closed);
  // What this reply answered; its response fact is recorded once it is sent (src/services/delivery/delivery.ts).
  if (closed.waitingSince || closed.first) await m.messages.setResponds(message._id, { waitingSince: closed.waitingSince ?? null, first: Boolean(closed.first) });
  if (events && updated) {
    const view = toConversationView(updated);
    events.conversation(view);
    events.message(toMessageView(message), view);
  }
  if (outbound) await enqueueOutbound(outbound, String(message._id));
  return { message, duplicate: false };
}

/** A private note: visible to agents only, never sent, not a response for metrics. */
export async function createNote(
  m: Models,
  events: EventPublisher | null,
  input: { conversationId: string; agent: AgentRef; text: string; mentions?: string[] },
) {
  const conversation = await m.conversations.byId(input.conversationId);
  if (!conversation) throw new ReplyError('conversation not found', 'not_found');
  const message = await m.messages.insert({
    conversationId: conversation._id,
    customerId: conversation.customerId,
    direction: 'out',
    kind: 'note',
    channel: conversation.lastInboundChannel ?? fallbackChannel(),
    author: { type: 'agent', id: input.agent.id, name: input.agent.name },
    text: input.text,
    ...(input.mentions?.length ? { mentions: input.mentions } : {}),
    dedupeKey: `note:${randomUUID()}`,
    delivery: { status: 'sent', at: new Date() },
  });
  await indexMessages(m, [message]);
  if (events) events.message(toMessageView(message), toConversationView(conversation));
  return message;
}

/**
 * Records a conversation event (assigned, status changed ...) in the thread, visible to agents only: its facts, which
 * the console says in the agent's language, and their English sentence (`detail`: a reason the sentence adds).
 */
export async function recordEvent(
  m: Models, conversation: { _id: Types.ObjectId; customerId: Types.ObjectId; lastInboundChannel?: Channel }, event: ThreadEvent, agent?: AgentRef,
  /** A key of what happened (one event per fact, a retry inserts nothing new: a duplicate-key error). */
  dedupeKey = `event:${new Types.ObjectId()}`,
  detail?: string,
) {
  return m.messages.insert({
    conversationId: conversation._id,
    customerId: conversation.customerId,
    direction: 'out',
    kind: 'event',
    channel: conversation.lastInboundChannel ?? fallbackChannel(),
    author: agent ? { type: 'agent', id: agent.id, name: agent.name } : { type: 'system' },
    text: eventSentence(event, detail),
    event,
    dedupeKey,
    delivery: { status: 'sent', at: new Date() },
  });
}
