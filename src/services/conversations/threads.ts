import type { Types } from 'mongoose';
import type { MessageView } from '../../domain/views';
import type { EventPublisher } from '../events';
import type { Models } from '../../store';
import { identityId } from '../identity/identity';
import { toMessageView } from './views';

/**
 * What a web chat visitor may see of their thread: web chat messages and replies only, never notes, events or
 * other channels. The customer behind a visitor may also hold an email address the visitor merely typed into the
 * pre-chat form (unverified), so showing that customer's email thread here would show it to whoever typed it.
 */
export async function visitorHistory(m: Models, visitorId: string, opts: { before?: string; limit: number }): Promise<MessageView[]> {
  const identity = await m.Identity.findById(identityId('webchat', visitorId)).lean();
  if (!identity) return [];
  const docs = await threadPageOf(m, identity.customerId, {
    limit: opts.limit, before: opts.before ? { at: new Date(opts.before) } : undefined, only: { kind: 'message', channel: 'webchat' },
  });
  return (docs ?? []).slice(0, opts.limit).reverse().map(toMessageView);
}

type PageOptions = Omit<Parameters<Models['messages']['threadPage']>[1], 'earliest' | 'bucketed'>;

/**
 * A page of a customer's unified thread, newest first, one more than `limit` when there is more (threadPage in
 * src/store/messages.ts); null when there is no such customer.
 */
export async function threadPageOf(m: Models, customerId: Types.ObjectId, opts: PageOptions) {
  const [customer, conversations] = await Promise.all([m.customers.byId(customerId), m.conversations.ofCustomer(customerId)]);
  if (!customer) return null;
  // No message is older than the customer's first conversation (merged-in ones included: they moved here too).
  const earliest = new Date(Math.min(Date.now(), ...conversations.map((c) => c.openedAt.getTime())));
  return m.messages.threadPage(customerId, { ...opts, earliest, bucketed: customer.threadBuckets === true });
}

/** Relays a visitor's typing state to the agents in their unresolved conversation's room. */
export async function visitorTyping(m: Models, events: EventPublisher, visitorId: string, typing: boolean): Promise<void> {
  const identity = await m.Identity.findById(identityId('webchat', visitorId)).lean();
  if (!identity) return;
  // By _id through the customer's cached open conversation (a lookup by openKey scans on FerretDB); checked open.
  const customer = await m.Customer.findById(identity.customerId, { openConversationId: 1 }).lean();
  if (!customer?.openConversationId) return;
  const conversation = await m.conversations.byId(customer.openConversationId);
  if (conversation?.openKey === String(identity.customerId)) events.typing(String(conversation._id), { from: 'customer', typing });
}
