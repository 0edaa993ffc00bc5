import { Types } from 'mongoose';
import type { ConversationStatus } from '../../domain/views';
import { dayOf, isDuplicateKey, type StoredConversation, type Models } from '../../store';
import { assignedFacts, recordMetricEvents, resolvedFacts } from '../metrics/metrics';
import { preview } from './views';
import { openingFields } from '../crm/segments';
import { KanalError } from '../../domain/errors';

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
    const reopened = await m.conversations.reopen(recent._id, customerId, await openingFields(m, customerId, recent));
    if (reopened) return { conversation: reopened, created: false, reopened: true };
    // someone opened one meanwhile: use theirs below
  }
  // Customer segments' views and rule go in with the opening write (src/services/crm/segments.ts).
  return m.conversations.openFor(customerId, at, await openingFields(m, customerId));
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
    await m.resolvedDays.register(dayOf(now)); // first, like thread weeks: the retention job's list of days to look at
    const resolved = await m.conversations.updateById(id, {
      $set: { status, resolvedAt: now, resolvedDay: dayOf(now), openKey: `resolved:${id}`, snoozedUntil: null, lastActivityAt: now }, $unset: { waitingSince: 1 },
    });
    if (resolved && current.status !== 'resolved') await recordMetricEvents(m, await resolvedFacts(m, resolved, now));
    return resolved;
  }
  const set = { status, snoozedUntil: status === 'snoozed' ? snoozedUntil ?? null : null, lastActivityAt: now };
  if (current.status !== 'resolved') return m.conversations.updateById(id, { $set: set });
  // Reopening by hand: only possible while the customer has no other unresolved conversation. Unassigned, it waits
  // in the queue again from now.
  try {
    return await m.conversations.updateById(id, { $set: { ...set, openKey: String(current.customerId), resolvedAt: null, resolvedDay: null, queuedAt: now } });
  } catch (err) {
    if (isDuplicateKey(err)) throw new ConflictError('the customer already has another unresolved conversation');
    throw err;
  }
}

/** The change clashes with the conversation's current state (HTTP 409). */
export class ConflictError extends KanalError {
  constructor(message: string) {
    super('conflict', message);
  }
}

const UNRESOLVED = ['open', 'pending', 'snoozed'] as const;

/**
 * An agent's (or supervisor's) assignment write: sets or clears the assignee (and the team, when given) and records
 * the assignment's facts. An unassigned conversation starts a new stay in the queue (`queuedAt`).
 */
export async function writeAssignment(
  m: Models, before: StoredConversation, assigneeId: Types.ObjectId | null, set: { teamId?: Types.ObjectId | null }, at = new Date(),
  opts: { onlyIfUnassigned?: boolean } = {},
): Promise<StoredConversation | null> {
  const assignment = assigneeId
    ? { assigneeId, assignedAt: at, autoAssigned: false }
    : { assigneeId: null, assignedAt: null, autoAssigned: false, queuedAt: at };
  // onlyIfUnassigned: a conditional write (a reply's take), so someone else's assignment meanwhile is kept.
  const updated = await m.conversations.updateById(before._id, { $set: { ...set, ...assignment } }, opts.onlyIfUnassigned ? { assigneeId: null } : undefined);
  if (updated && assigneeId && String(before.assigneeId) !== String(assigneeId)) {
    await recordMetricEvents(m, await assignedFacts(m, { ...before, teamId: updated.teamId }, assigneeId, at));
  }
  return updated;
}

/**
 * Routing's assignment of a waiting conversation: a conditional write (still unassigned and unresolved) that stamps
 * when and that routing made it, then the same facts a manual assignment records. Null when someone else assigned
 * or resolved it first.
 */
export async function writeRoutedAssignment(m: Models, id: Types.ObjectId, agentId: string, at = new Date()): Promise<StoredConversation | null> {
  const assigned = await m.conversations.updateById(
    id, { $set: { assigneeId: new Types.ObjectId(agentId), assignedAt: at, autoAssigned: true } }, { assigneeId: null, status: { $in: UNRESOLVED } },
  );
  if (assigned) await recordRoutedFacts(m, assigned);
  return assigned;
}

/**
 * The facts of a routed assignment (assigned, and dequeued with the wait in the queue), read from the conversation
 * alone: their keys come from `assignedAt` and the queue stay's start, so a retried routing job that records them
 * again (a crash between the write and the facts) stores nothing twice. A no-op unless routing made the assignment.
 */
export async function recordRoutedFacts(m: Models, c: StoredConversation): Promise<void> {
  if (!c.autoAssigned || !c.assigneeId || !c.assignedAt) return;
  // An assignment kept through a reopen predates the current queue stay: its facts were recorded back then.
  if (new Date(c.queuedAt ?? c.openedAt).getTime() > c.assignedAt.getTime()) return;
  await recordMetricEvents(m, await assignedFacts(m, { ...c, assigneeId: null }, c.assigneeId, c.assignedAt));
}

/** Routing takes a conversation back from an agent (offline too long): only if still theirs and open. */
export async function writeRequeue(m: Models, id: Types.ObjectId, fromAgent: Types.ObjectId, at = new Date()): Promise<StoredConversation | null> {
  return m.conversations.updateById(id, { $set: { assigneeId: null, assignedAt: null, autoAssigned: false, queuedAt: at } }, { assigneeId: fromAgent, status: 'open' });
}
