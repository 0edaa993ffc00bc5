import { Types } from 'mongoose';
import type { Channel } from '../domain/channels';
import type { ConversationStatus } from '../domain/views';
import { isDuplicateKey, type Models } from '../store';
import { recordMetricEvents, resolvedFacts } from './metrics';
import { preview } from './views';

/**
 * The rule for a message that arrives when the customer has no unresolved conversation: a conversation resolved
 * less than `reopenWindowMs` ago is reopened (the customer is answering it, like a Zendesk "solved" ticket);
 * an older one stays closed and a new conversation starts. Pending and snoozed conversations are unresolved, so
 * an inbound message simply wakes them up (status back to open).
 */
export const DEFAULT_REOPEN_WINDOW_MS = 4 * 24 * 3600 * 1000;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ConversationLean = any;

export async function findOrOpenConversation(
  m: Models,
  customerId: Types.ObjectId,
  at: Date,
  reopenWindowMs = DEFAULT_REOPEN_WINDOW_MS,
  cachedId?: Types.ObjectId | null,
): Promise<{ conversation: ConversationLean; created: boolean; reopened?: boolean }> {
  const openKey = String(customerId);
  // Hot path: the customer document caches its unresolved conversation's id (an _id lookup on every store).
  if (cachedId) {
    const cached = await m.Conversation.findById(cachedId).lean();
    if (cached && cached.openKey === openKey) return { conversation: cached, created: false };
  }
  const found = await openConversation(m, customerId, at, reopenWindowMs);
  await m.Customer.updateOne({ _id: customerId }, { $set: { openConversationId: found.conversation!._id } });
  return found;
}

async function openConversation(m: Models, customerId: Types.ObjectId, at: Date, reopenWindowMs: number) {
  const openKey = String(customerId);
  const existing = await m.Conversation.findOne({ openKey }).lean();
  if (existing) return { conversation: existing, created: false };

  const recent = await m.Conversation.findOne({ customerId, status: 'resolved', resolvedAt: { $gte: new Date(at.getTime() - reopenWindowMs) } })
    .sort({ resolvedAt: -1 })
    .lean();
  if (recent) {
    try {
      const reopened = await m.Conversation.findOneAndUpdate(
        { _id: recent._id, status: 'resolved' },
        { $set: { openKey, status: 'open', resolvedAt: null, snoozedUntil: null } },
        { new: true },
      ).lean();
      if (reopened) return { conversation: reopened, created: false, reopened: true };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err; // someone opened one meanwhile: use theirs below
    }
  }

  const fresh = new Types.ObjectId();
  try {
    const conversation = await m.Conversation.findOneAndUpdate(
      { openKey },
      { $setOnInsert: { _id: fresh, customerId, openKey, status: 'open', openedAt: at, lastActivityAt: at } },
      { upsert: true, new: true },
    ).lean();
    return { conversation, created: fresh.equals(conversation!._id as Types.ObjectId) };
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    return { conversation: await m.Conversation.findOne({ openKey }).lean(), created: false };
  }
}

/**
 * Timestamps after an inbound message, in one write. Idempotent, so a retried job can run it again: times only
 * move forward ($max), and waiting starts at the earliest unanswered message ($min on an absent field sets it).
 * Pending and snoozed conversations wake up on a customer message.
 */
export async function touchInbound(m: Models, conversation: ConversationLean, at: Date, channel: Channel, text: string) {
  const wake = conversation.status === 'pending' || conversation.status === 'snoozed';
  return m.Conversation.findOneAndUpdate(
    { _id: conversation._id },
    {
      $max: { lastInboundAt: at, lastActivityAt: at },
      $min: { waitingSince: at },
      $set: {
        lastInboundChannel: channel,
        lastMessagePreview: preview(text),
        ...(wake ? { status: 'open', snoozedUntil: null } : {}),
      },
    },
    { new: true },
  ).lean();
}

/**
 * Timestamps after an agent reply (notes do not count as a response). `closed`, when given, receives what this
 * reply ended, read from the writes themselves (so two concurrent replies do not both claim it): the wait
 * (waitingSince before the update) and whether it was the first response.
 */
export async function touchOutbound(m: Models, id: Types.ObjectId, at: Date, text: string, closed?: { waitingSince?: Date | null; first?: boolean }) {
  const before = await m.Conversation.findOneAndUpdate(
    { _id: id },
    { $max: { lastOutboundAt: at, lastActivityAt: at }, $unset: { waitingSince: 1 }, $set: { lastMessagePreview: preview(text) } },
    { new: false }, // the pre-image (no projection: FerretDB 1.24's findAndModify does not support `fields`)
  ).lean();
  const first = await m.Conversation.updateOne({ _id: id, firstResponseAt: null }, { $set: { firstResponseAt: at } });
  if (closed) Object.assign(closed, { waitingSince: before?.waitingSince ?? null, first: first.modifiedCount === 1 });
  return m.Conversation.findById(id).lean();
}

export async function setStatus(
  m: Models,
  id: Types.ObjectId,
  status: ConversationStatus,
  snoozedUntil?: Date,
): Promise<ConversationLean | null> {
  const now = new Date();
  const current = await m.Conversation.findById(id).lean();
  if (!current) return null;
  if (status === 'resolved') {
    const resolved = await m.Conversation.findOneAndUpdate(
      { _id: id },
      { $set: { status, resolvedAt: now, openKey: `resolved:${id}`, snoozedUntil: null, lastActivityAt: now }, $unset: { waitingSince: 1 } },
      { new: true },
    ).lean();
    if (resolved && current.status !== 'resolved') await recordMetricEvents(m, await resolvedFacts(m, resolved, now));
    return resolved;
  }
  const set = { status, snoozedUntil: status === 'snoozed' ? snoozedUntil ?? null : null, lastActivityAt: now };
  if (current.status !== 'resolved') return m.Conversation.findOneAndUpdate({ _id: id }, { $set: set }, { new: true }).lean();
  // Reopening by hand: only possible while the customer has no other unresolved conversation.
  try {
    return await m.Conversation.findOneAndUpdate(
      { _id: id },
      { $set: { ...set, openKey: String(current.customerId), resolvedAt: null } },
      { new: true },
    ).lean();
  } catch (err) {
    if (isDuplicateKey(err)) throw new ConflictError('the customer already has another unresolved conversation');
    throw err;
  }
}

export class ConflictError extends Error {}
