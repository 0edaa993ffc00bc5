import type { Types } from 'mongoose';
import type { InboundMessage } from '../domain/messages';
import { isDuplicateKey, type Models } from '../store';
import { findOrOpenConversation, touchInbound } from './conversations';
import type { EventPublisher } from './events';
import { identityKindOf, linkIdentity, resolveCustomer } from './identity';
import { toConversationView, toMessageView } from './views';

export interface IngestResult {
  messageId: string;
  conversationId: string;
  customerId: string;
  duplicate: boolean;
}

/**
 * The only inbound write path. Safe to run any number of times for the same message: the identity and the
 * conversation are found-or-created on unique keys, the message insert is keyed on its dedupeKey, and the
 * conversation timestamps only move forward. A retry after a crash at any step completes the missing steps.
 */
export async function ingest(m: Models, events: EventPublisher | null, msg: InboundMessage): Promise<IngestResult> {
  const existing = await m.Message.findOne({ dedupeKey: msg.dedupeKey }).lean();
  const kind = identityKindOf(msg.channel);
  const { customerId } = existing
    ? { customerId: existing.customerId as Types.ObjectId }
    : await resolveCustomer(m, kind, msg.from.address, { name: msg.from.name, verified: msg.from.verified, language: msg.language });
  for (const link of msg.linkedIdentities ?? []) {
    await linkIdentity(m, customerId, identityKindOf(link.channel), link.address, link.verified);
  }

  const receivedAt = existing?.createdAt ?? new Date();
  let message = existing;
  let conversationId = existing?.conversationId as Types.ObjectId | undefined;
  let createdConversation = false;
  let duplicate = Boolean(existing);
  if (!message) {
    const found = await findOrOpenConversation(m, customerId, receivedAt);
    conversationId = found.conversation._id as Types.ObjectId;
    createdConversation = found.created;
    try {
      message = (
        await m.Message.create({
          conversationId,
          customerId,
          direction: 'in',
          kind: 'message',
          channel: msg.channel,
          author: { type: 'customer', name: msg.from.name },
          text: msg.text,
          html: msg.html,
          subject: msg.subject,
          attachments: msg.attachments,
          dedupeKey: msg.dedupeKey,
          providerId: msg.providerId ?? null,
          threadHints: msg.threadHints,
          sentAt: new Date(msg.sentAt),
          delivery: { status: 'received', at: receivedAt },
          createdAt: receivedAt,
        })
      ).toObject();
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      message = await m.Message.findOne({ dedupeKey: msg.dedupeKey }).lean(); // a concurrent copy won
      duplicate = true;
      conversationId = message!.conversationId as Types.ObjectId;
    }
  }

  const conversation = await touchInbound(m, conversationId!, message!.createdAt as Date, msg.channel, msg.text);
  // A duplicate was announced by the copy that stored it; agents must not see it twice.
  if (events && conversation && !duplicate) {
    const customer = await m.Customer.findById(customerId, { name: 1 }).lean();
    const view = toConversationView(conversation, customer?.name ?? undefined);
    events.conversation(view, createdConversation);
    events.message(toMessageView(message), view);
  }
  return {
    messageId: String(message!._id),
    conversationId: String(conversationId),
    customerId: String(customerId),
    duplicate,
  };
}
