import type { Types } from 'mongoose';
import type { InboundMessage } from '../../domain/messages';
import { idForKey, inboundMessageDocument, isDuplicateKey, type Models } from '../../store';
import { findOrOpenConversation, touchInbound } from '../conversations/conversations';
import { reopenNamedConversation } from './email-threading';
import type { EventPublisher } from '../events';
import { identityKindOf, linkIdentity, resolveCustomer } from '../identity/identity';
import { inboundFacts, opensConversation, recordMetricEvents } from '../metrics/metrics';
import { indexMessages } from '../search/search-index';
import { toConversationView, toMessageView } from '../conversations/views';

export interface IngestResult {
  messageId: string;
  conversationId: string;
  customerId: string;
  duplicate: boolean;
  /** This message opened or reopened its conversation (routing starts then; src/services/routing/routing.ts). */
  opened?: boolean;
}

/** A message's _id follows from its dedupeKey, so the idempotency check and the insert race go by _id. */
export const messageIdFor = (dedupeKey: string) => idForKey('message', dedupeKey);

/**
 * The only inbound write path. Safe to run any number of times for the same message: the identity and the
 * conversation are found-or-created on unique keys, the message insert is keyed on its dedupeKey, and the
 * conversation timestamps only move forward. A retry after a crash at any step completes the missing steps.
 * Every lookup on this path is by _id (see src/store/keys.ts): about six store round trips per message.
 */
export async function ingest(m: Models, events: EventPublisher | null, msg: InboundMessage): Promise<IngestResult> {
  const _id = messageIdFor(msg.dedupeKey);
  const existing = await m.messages.byId(_id);
  let duplicate = Boolean(existing);
  const { customerId, customer } = await resolveCustomer(m, identityKindOf(msg.channel), msg.from.address, {
    name: msg.from.name, verified: msg.from.verified, language: msg.language,
  });
  for (const link of msg.linkedIdentities ?? []) {
    await linkIdentity(m, customerId, identityKindOf(link.channel), link.address, link.verified);
  }

  let message = existing;
  let conversation;
  let createdConversation = false;
  let opened = false;
  if (message) {
    conversation = await m.conversations.byId(message.conversationId);
  } else {
    const receivedAt = new Date();
    const named = await reopenNamedConversation(m, msg, customerId); // email threading: token, In-Reply-To
    const found = await findOrOpenConversation(m, customerId, receivedAt, undefined, named?.id ?? (customer?.openConversationId as Types.ObjectId | null));
    conversation = found.conversation;
    createdConversation = found.created;
    opened = found.created || Boolean(found.reopened) || Boolean(named?.reopened && String(named.id) === String(conversation._id));
    try {
      const doc = inboundMessageDocument(msg, { _id, conversationId: conversation._id, customerId }, receivedAt);
      await m.messages.insertInbound(doc);
      message = doc as unknown as typeof message;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      message = await m.messages.byId(_id); // a concurrent copy won
      duplicate = true;
      if (String(message!.conversationId) !== String(conversation._id)) conversation = await m.conversations.byId(message!.conversationId);
    }
  }

  const touched = conversation ? await touchInbound(m, conversation, message!.createdAt as Date, msg.channel, msg.text) : null;
  // A duplicate was announced by the copy that stored it; agents must not see it twice.
  if (events && touched && !duplicate) {
    const view = toConversationView(touched, customer?.name ?? undefined);
    events.conversation(view, createdConversation);
    events.message(toMessageView(message), view);
  }
  // Duplicates too: a retry after a crash here records what the first attempt could not (facts are keyed).
  if (touched) await recordMetricEvents(m, inboundFacts(touched, message!, createdConversation || opensConversation(touched, message!)));
  // Duplicates too, for the same reason; postings are idempotent by _id, so a retry never duplicates them.
  await indexMessages(m, [message!]);
  return {
    messageId: String(message!._id),
    conversationId: String(message!.conversationId),
    customerId: String(customerId),
    duplicate,
    ...(opened && !duplicate ? { opened: true } : {}),
  };
}
