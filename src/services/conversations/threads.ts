import type { Types } from 'mongoose';
import { WidgetEvents } from '../../domain/events';
import type { MessageView } from '../../domain/views';
import type { EventPublisher } from '../events';
import type { Models } from '../../store';
import { channelDescriptor, identityKindOf, type Channel } from '../../domain/channels';
import { identityId } from '../identity/identity';
import { toMessageView } from './views';

/**
 * What a web chat visitor may see of their thread: web chat messages and replies only, never notes, events or
 * other channels. The customer behind a visitor may also hold an email address the visitor merely typed into the
 * pre-chat form (unverified), so showing that customer's email thread here would show it to whoever typed it.
 */
export async function visitorHistory(m: Models, channel: Channel, visitorId: string, opts: { before?: string; limit: number }): Promise<Array<MessageView & { providerId?: string }>> {
  const identity = await m.identities.byId(identityId(identityKindOf(channel), visitorId));
  if (!identity) return [];
  const docs = await threadPageOf(m, identity.customerId, {
    limit: opts.limit, before: opts.before ? { at: new Date(opts.before) } : undefined, only: { kind: 'message', channel },
  });
  // The visitor's own messages carry the widget's clientId (their providerId): it matches them to its pending copies.
  return (docs ?? []).slice(0, opts.limit).reverse().map((d) => ({ ...toMessageView(d), ...(d.direction === 'in' && d.providerId ? { providerId: d.providerId } : {}) }));
}

type PageOptions = Omit<Parameters<Models['messages']['threadPage']>[1], 'weeks'>;

/**
 * A page of a customer's unified thread, newest first, one more than `limit` when there is more (threadPage in
 * src/store/messages.ts): the customer and their registered weeks are read together, then only those weeks; null
 * when there is no such customer.
 */
export async function threadPageOf(m: Models, customerId: Types.ObjectId, opts: PageOptions) {
  const [customer, weeks] = await Promise.all([m.customers.byId(customerId, ['threadWeeks']), m.messages.threadWeeks(customerId)]);
  if (!customer) return null;
  return m.messages.threadPage(customerId, { ...opts, weeks: customer.threadWeeks === true ? weeks : null });
}

/** Relays a visitor's typing state to the agents in their unresolved conversation's room. */
export async function visitorTyping(m: Models, events: EventPublisher, channel: Channel, visitorId: string, typing: boolean): Promise<void> {
  const identity = await m.identities.byId(identityId(identityKindOf(channel), visitorId));
  if (!identity) return;
  // By _id through the customer's cached open conversation (a lookup by openKey scans on FerretDB); checked open.
  const customer = await m.customers.byId(identity.customerId, ['openConversationId']);
  if (!customer?.openConversationId) return;
  const conversation = await m.conversations.byId(customer.openConversationId);
  if (conversation?.openKey === String(identity.customerId)) events.typing(String(conversation._id), { from: 'customer', typing });
}

/** Shows the customer's live session (a channel with liveTyping: web chat) that an agent is typing. */
export async function agentTypingToVisitor(m: Models, events: EventPublisher, channel: Channel, customerId: Types.ObjectId, state: { typing: boolean; agentName: string }): Promise<void> {
  const identity = await m.identities.ofCustomerAndKind(customerId, identityKindOf(channel));
  if (identity) events.toVisitor(identity.address, WidgetEvents.agentTyping, state);
}

/** Tells the customer's live session (web chat) their conversation's status (resolved, open again ...). */
export async function statusToVisitor(m: Models, events: EventPublisher | null, conversation: { customerId: Types.ObjectId; status: string; lastInboundChannel?: Channel }): Promise<void> {
  const channel = conversation.lastInboundChannel;
  if (!events || !channel || !channelDescriptor(channel).liveTyping) return;
  const identity = await m.identities.ofCustomerAndKind(conversation.customerId, identityKindOf(channel));
  if (identity) events.toVisitor(identity.address, WidgetEvents.conversationStatus, { status: conversation.status });
}
