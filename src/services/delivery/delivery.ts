import { PermanentSendError, type ChannelAdapter, type OutboundMessage } from '../../domain/messages';
import type { Channel } from '../../domain/channels';
import type { Models, StoredMessage } from '../../store';
import type { EventPublisher } from '../events';
import { toConversationView, toMessageView } from '../conversations/views';

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
  if (updated) await publishMessageUpdate(m, events, updated);
  return { skipped: false, providerId };
}

/** After the last attempt (or a permanent error): failed, with the reason kept for the agent. */
export async function markFailed(m: Models, events: EventPublisher | null, messageId: string, reason: string) {
  const updated = await m.messages.markFailed(messageId, reason);
  if (updated) await publishMessageUpdate(m, events, updated);
}

export async function publishMessageUpdate(m: Models, events: EventPublisher | null, message: StoredMessage) {
  if (!events) return;
  const conversation = await m.conversations.byId(message.conversationId);
  if (conversation) events.message(toMessageView(message), toConversationView(conversation), true);
}
