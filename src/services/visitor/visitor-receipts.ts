import { Types } from 'mongoose';
import { channelDescriptor, identityKindOf, type Channel } from '../../domain/channels';
import { WidgetEvents } from '../../domain/events';
import type { Models } from '../../store';
import { threadPageOf } from '../conversations/threads';
import { applyDeliveryReport } from '../delivery/delivery-status';
import { publishMessageUpdate } from '../delivery/delivery';
import type { EventPublisher } from '../events';

/** How many of the visitor's latest messages an agent's look at the thread marks read (a page of the widget). */
const READ_WINDOW = 50;

/**
 * Receipts a visitor's widget sends for agent replies it received (delivered) or showed with the panel open and the
 * tab visible (read). They go through the provider-receipt path (applyDeliveryReport), so the store keeps the status,
 * it only moves forward, and the console sees `message.updated`. A reply counts only when it was sent to this very
 * visitor on this channel: ids of other visitors' messages (or notes, or inbound messages) change nothing.
 * Resolves to the number of replies whose status moved.
 */
export async function applyVisitorReceipts(
  m: Models, events: EventPublisher | null, channel: Channel, visitorId: string, ids: string[], status: 'delivered' | 'read',
): Promise<number> {
  const unique = [...new Set(ids)].filter((id) => Types.ObjectId.isValid(id));
  const messages = await m.messages.byIds(unique);
  let moved = 0;
  for (const message of messages) {
    if (!message || message.channel !== channel || message.direction !== 'out' || message.kind !== 'message') continue;
    if (message.to !== visitorId || !message.providerId) continue;
    const result = await applyDeliveryReport(m, events, { channel, providerId: message.providerId, status });
    if (result === 'updated') moved++;
  }
  return moved;
}

/**
 * An agent has the conversation's thread open in the console (joined it, or a message arrived while it is open and
 * visible): the customer's messages on a live channel (web chat) become read, each stored as `read` in its delivery
 * status (the console shows it too), and the visitor's widget is told which ones (`message:status`). Costs one
 * thread page (from the thread cache) and a write only per message not yet read.
 */
export async function markCustomerMessagesRead(m: Models, events: EventPublisher | null, conversationId: string, now = new Date()): Promise<string[]> {
  if (!Types.ObjectId.isValid(conversationId)) return [];
  const conversation = await m.conversations.byId(conversationId);
  const channel = conversation?.lastInboundChannel;
  if (!conversation || !channel || !channelDescriptor(channel).liveTyping) return [];
  const page = await threadPageOf(m, conversation.customerId, { limit: READ_WINDOW, only: { kind: 'message', channel } });
  const unread = (page ?? []).filter((d) => d.direction === 'in' && d.conversationId.equals(conversation._id) && d.delivery?.status === 'received');
  const read: string[] = [];
  for (const doc of unread) {
    const updated = await m.messages.markInboundRead(doc._id, now);
    if (!updated) continue;
    read.push(String(updated._id));
    await publishMessageUpdate(m, events, updated);
  }
  if (read.length && events) {
    const identity = await m.identities.ofCustomerAndKind(conversation.customerId, identityKindOf(channel));
    if (identity) events.toVisitor(identity.address, WidgetEvents.messageStatus, { ids: read, status: 'read' });
  }
  return read;
}
