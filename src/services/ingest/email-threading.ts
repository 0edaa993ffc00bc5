import type { Types } from 'mongoose';
import type { InboundMessage } from '../../domain/messages';
import type { Models } from '../../store';
import { openingFields } from '../crm/segments';

/**
 * Which conversation an inbound email belongs to, before the default rule (the customer's open conversation):
 * 1. the conversation its reply token names (verified by the channel), 2. the conversation of a message its
 * In-Reply-To/References name (by providerId: an email's is its Message-ID, ours and the customer's alike). Only a conversation of the same customer counts. A customer has at most one unresolved
 * conversation, so the answer only changes the outcome when the named one is resolved and nothing else is open:
 * it is then reopened (whatever its age) instead of a new conversation being started. Returns the id to use as the
 * customer's open conversation and whether this call reopened it (routing starts again then), or undefined to
 * follow the default rule. See docs/email.md.
 */
export async function reopenNamedConversation(m: Models, msg: InboundMessage, customerId: Types.ObjectId): Promise<{ id: Types.ObjectId; reopened: boolean } | undefined> {
  // Only a message that names its thread (a channel-verified reply token, or email reply headers) can be threaded.
  if (!msg.conversationId && !msg.email) return undefined;
  const named = await namedConversation(m, msg, customerId);
  if (!named) return undefined;
  if (named.openKey === String(customerId)) return { id: named._id as Types.ObjectId, reopened: false };
  if (named.status !== 'resolved' || (await m.conversations.unresolvedOf(customerId))) return undefined;
  // null when another conversation was opened meanwhile (unique openKey): the default rule finds it
  const reopened = await m.conversations.reopen(named._id, customerId, await openingFields(m, customerId, named));
  if (!reopened) return undefined;
  await m.customers.setOpenConversation(customerId, reopened._id);
  return { id: reopened._id, reopened: true };
}

async function namedConversation(m: Models, msg: InboundMessage, customerId: Types.ObjectId) {
  const mine = <T extends { customerId?: unknown }>(c: T | null): T | null => (c && String(c.customerId) === String(customerId) ? c : null);
  if (msg.conversationId) {
    const byToken = mine(await m.conversations.byId(msg.conversationId));
    if (byToken) return byToken;
  }
  const ids = [msg.email?.inReplyTo, ...[...(msg.email?.references ?? [])].reverse()].filter((x): x is string => Boolean(x)).slice(0, 20);
  for (const id of [...new Set(ids)]) {
    // One top-level equality (FerretDB pushes it down; a dotted path like email.messageId it would not): an email's
    // providerId is its Message-ID, ours (outbound) and the customer's (inbound, channels/email/normalize.ts) alike.
    const earlier = await m.messages.byProviderId(id);
    if (earlier && String(earlier.customerId) === String(customerId)) return m.conversations.byId(earlier.conversationId);
  }
  return null;
}
