import type { Types } from 'mongoose';
import type { ConversationStatus } from '../../domain/views';
import { isDuplicateKey, type StoredConversation, type Models } from '../../store';
import { recordMetricEvents, resolvedFacts } from '../metrics/metrics';
import { preview } from './views';

/**
 * The rule for a message that arrives when the customer has no unresolved conversation: a conversation resolved
 * less than `reopenWindowMs` ago is reopened (the customer is answering it, like a Zendesk "solved" ticket);
 * an older one stays closed and a new conversation starts. Pending and snoozed conversations are unresolved, so
 * an inbound message simply wakes them up (status back to open).
 */
export const DEFAULT_REOPEN_WINDOW_MS = 4 * 24 * 3600 * 1000;

export async function findOrOpenConversation(
  m: Models,
  customerId: Types.ObjectId,
  at: Date,
  reopenWindowMs = DEFAULT_REOPEN_WINDOW_MS,
  cachedId?: Types.ObjectId | null,
): Promise<{ conversation: StoredConversation; created: boolean; reopened?: boolean }> {
  const openKey = String(customerId);
  // Hot path: the customer document caches its unresolved conversation's id (an _id lookup on every store).
  if (cachedId) {
    const cached = await m.conversations.byId(cachedId);
    if (cached && cached.openKey === openKey) return { conversation: cached, created: false };
  }
  const found = await openConversation(m, customerId, at, reopenWindowMs);
  await m.customers.setOpenConversation(customerId, found.conversation._id);
  return found;
}

async function openConversation(m: Models, customerId: Types.ObjectId, at: Date, reopenWindowMs: number) {
  const existing = await m.conversations.unresolvedOf(customerId);
  if (existing) return { conversation: existing, created: false };

  // The customer's conversations are few: the latest resolved one is picked from them, not sorted by the store.
  const since = at.getTime() - reopenWindowMs;
  const recent = (await m.conversations.ofCustomer(customerId))
    .filter((c) => c.status === 'resolved' && c.resolvedAt && c.resolvedAt.getTime() >= since)
    .sort((a, b) => b.resolvedAt!.getTime() - a.resolvedAt!.getTime())[0];
  if (recent) {
    const reopened = await m.conversations.reopen(recent._id, customerId);
    if (reopened) return { conversation: reopened, created: false, reopened: true };
    // someone opened one meanwhile: use theirs below
  }
  return m.conversations.openFor(customerId, at);
}

/**
 * Timestamps after an agent reply (notes do not count as a response). `closed`, when given, receives what this
 * reply ended, read from the writes themselves (so two concurrent replies do not both claim it): the wait
 * (waitingSince before the update) and whether it was the first response.
 */
export async function touchOutbound(m: Models, id: Types.ObjectId, at: Date, text: string, closed?: { waitingSince?: Date | null; first?: boolean }) {
  const before = await m.conversations.updateByIdReturningBefore(id, { $max: { lastOutboundAt: at, lastActivityAt: at }, $unset: { waitingSince: 1 }, $set: { lastMessagePreview: preview(text) } });
  const first = await m.conversations.updateById(id, { $set: { firstResponseAt: at } }, { firstResponseAt: null });
  if (closed) Object.assign(closed, { waitingSince: before?.waitingSince ?? null, first: first !== null });
  return first ?? m.conversations.byId(id);
}

export async function setStatus(
  m: Models,
  id: Types.ObjectId,
  status: ConversationStatus,
  snoozedUntil?: Date,
): Promise<StoredConversation | null> {
  const now = new Date();
  const current = await m.conversations.byId(id);
  if (!current) return null;
  if (status === 'resolved') {
    const resolved = await m.conversations.updateById(id, {
      $set: { status, resolvedAt: now, openKey: `resolved:${id}`, snoozedUntil: null, lastActivityAt: now }, $unset: { waitingSince: 1 },
    });
    if (resolved && current.status !== 'resolved') await recordMetricEvents(m, await resolvedFacts(m, resolved, now));
    return resolved;
  }
  const set = { status, snoozedUntil: status === 'snoozed' ? snoozedUntil ?? null : null, lastActivityAt: now };
  if (current.status !== 'resolved') return m.conversations.updateById(id, { $set: set });
  // Reopening by hand: only possible while the customer has no other unresolved conversation.
  try {
    return await m.conversations.updateById(id, { $set: { ...set, openKey: String(current.customerId), resolvedAt: null } });
  } catch (err) {
    if (isDuplicateKey(err)) throw new ConflictError('the customer already has another unresolved conversation');
    throw err;
  }
}

export class ConflictError extends Error {}
