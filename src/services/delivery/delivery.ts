import { PermanentSendError, type ChannelAdapter, type OutboundMessage } from '../../domain/messages';
import type { Channel } from '../../domain/channels';
import type { Models, StoredMessage } from '../../store';
import type { EventPublisher } from '../events';
import { toConversationView, toMessageView } from '../conversations/views';
import { recordMetricEvents, responseFacts } from '../metrics/metrics';

export type AdapterRegistry = Partial<Record<Channel, ChannelAdapter>>;

/**
 * Sends one stored outbound message through its channel adapter. The loop guard: a message that already has a
 * provider id (sent by an earlier attempt whose job did not complete) is never sent again.
 * Throws to let BullMQ retry; PermanentSendError marks the message failed at once.
 */
export async function deliver(m: Models, events: EventPublisher | null, adapters: AdapterRegistry, messageId: string, attempt: number) {
  const message = await m.messages.byId(messageId);
  if (!message) throw new PermanentSendError(`message ${messageId} not found`);
  if (message.providerId || message.delivery?.status !== 'queued') return { skipped: true };
  const adapter = adapters[message.channel];
  if (!adapter) throw new PermanentSendError(`no adapter for channel ${message.channel}`);

  const outbound: OutboundMessage = {
    messageId: String(message._id),
    conversationId: String(message.conversationId),
    channel: message.channel,
    to: message.to!,
    text: message.text ?? '',
    html: message.html ?? undefined,
    subject: message.subject ?? undefined,
    attachments: (message.attachments ?? []).map((a) => ({ name: a.name ?? 'attachment', contentType: a.contentType ?? 'application/octet-stream', size: a.size ?? 0, storageKey: a.storageKey ?? undefined })),
    threadHints: message.threadHints ?? undefined,
    author: { id: message.author?.id ?? '', name: message.author?.name ?? '' },
  };
  await m.messages.recordAttempt(message._id, attempt);
  const { providerId } = await adapter.send(outbound);
  const updated = await m.messages.markSent(message._id, providerId);
  if (updated) {
    await recordResponse(m, updated);
    await publishMessageUpdate(m, events, updated);
  }
  return { skipped: false, providerId };
}

/**
 * A sent agent reply that answered a waiting customer becomes a response fact (FRT, response time) now, not when it
 * was queued: a reply that never reached the customer answered nobody. Its time is still the agent's reply time.
 */
async function recordResponse(m: Models, message: StoredMessage) {
  if (!message.responds || message.author?.type !== 'agent') return;
  // A first reply retried after it failed (which took its firstResponseAt back, see markFailed) sets it again.
  const conversation = message.responds.first
    ? (await m.conversations.updateById(message.conversationId, { $set: { firstResponseAt: message.createdAt } }, { firstResponseAt: null })) ?? (await m.conversations.byId(message.conversationId))
    : await m.conversations.byId(message.conversationId);
  if (!conversation) return;
  await recordMetricEvents(m, await responseFacts(m, { ...conversation, waitingSince: message.responds.waitingSince ?? null }, {
    messageId: message._id, agentId: message.author.id, channel: message.channel, at: message.createdAt, first: message.responds.first,
  }));
}

/**
 * After the last attempt (or a permanent error): failed, with the reason kept for the agent. A failed first reply
 * gives the conversation back its "no first response yet" (guarded: only if that reply set it), so the reply that
 * does reach the customer is the first response.
 */
export async function markFailed(m: Models, events: EventPublisher | null, messageId: string, reason: string) {
  const updated = await m.messages.markFailed(messageId, reason);
  if (!updated) return;
  if (updated.responds?.first) await m.conversations.updateById(updated.conversationId, { $unset: { firstResponseAt: 1 } }, { firstResponseAt: updated.createdAt });
  await publishMessageUpdate(m, events, updated);
}

export async function publishMessageUpdate(m: Models, events: EventPublisher | null, message: StoredMessage) {
  if (!events) return;
  const conversation = await m.conversations.byId(message.conversationId);
  if (conversation) events.message(toMessageView(message), toConversationView(conversation), true);
}
