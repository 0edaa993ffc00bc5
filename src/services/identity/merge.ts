import { Types } from 'mongoose';
import type { ConversationStatus } from '../../domain/views';
import { inParallel, type Models } from '../../store';
import { audit } from '../audit';
import type { CustomerContact } from '../../store/customers';
import { InboxError, oid } from '../conversations/inbox';
import type { AgentRef } from '../conversations/replies';
import { customerTermsOf, indexCustomer } from '../search/search-index';
import { customerRenamed } from '../conversations/customer-names';
import { ConflictError } from '../conversations/conversations';
import { changeStatus, type ConversationEffects } from '../conversations/lifecycle';

/**
 * Merging two customers (the "source" folds into the "target") and undoing it. FerretDB has no transactions, so
 * the before-state is written to the audit trail first and every step is keyed by ids recorded
 * there: undo replays the recorded ids backwards. A customer keeps at most one unresolved conversation: when both
 * have one, the source's is resolved by the merge (and reopened by the undo), through the conversation lifecycle
 * like any resolve: its agent's routing load is released, its SLA clocks stop, its resolved fact and event are
 * recorded and published.
 */

/** Tells every inbound worker to drop its sender cache (address -> customer), which a merge makes stale. */
export type SenderInvalidator = () => Promise<void>;

interface MergeBefore {
  sourceId: string;
  identityIds: string[];
  conversationIds: string[];
  /** The source's unresolved conversation, if the merge resolved it (target had one already). */
  resolved?: { id: string; status: ConversationStatus; openKey: string; snoozedUntil?: Date | null };
  /** The source's unresolved conversation, if it became the target's (target had none). */
  adopted?: { id: string; openKey: string };
  target: { name?: string | null; email?: string | null; phone?: string | null; tags: string[]; openConversationId?: unknown };
  source: { openConversationId?: unknown };
}

const unresolved = (c: { openKey: string }, customerId: Types.ObjectId) => c.openKey === String(customerId);

export async function mergeCustomers(fx: ConversationEffects, actor: AgentRef, targetIdRaw: string, sourceIdRaw: string, invalidate: SenderInvalidator) {
  const m = fx.models;
  const targetId = oid(targetIdRaw, 'customer id');
  const sourceId = oid(sourceIdRaw, 'sourceId');
  if (targetId.equals(sourceId)) throw new InboxError('cannot merge a customer into itself', 'invalid_input');
  const [target, source] = await m.customers.byIds([targetId, sourceId]);
  if (!target || !source) throw new InboxError('customer not found', 'not_found');
  if (target.mergedInto || source.mergedInto) throw new InboxError('customer was already merged', 'conflict');

  const [identities, sourceConvs, targetConvs] = await Promise.all([
    m.identities.ofCustomer(sourceId),
    m.conversations.ofCustomer(sourceId),
    m.conversations.ofCustomer(targetId),
  ]);
  const sourceOpen = sourceConvs.find((c) => unresolved(c, sourceId));
  const targetOpen = targetConvs.find((c) => unresolved(c, targetId));

  const before: MergeBefore = {
    sourceId: String(sourceId),
    identityIds: identities.map((i) => String(i._id)),
    conversationIds: sourceConvs.map((c) => String(c._id)),
    target: { name: target.name, email: target.email, phone: target.phone, tags: target.tags ?? [], openConversationId: target.openConversationId },
    source: { openConversationId: source.openConversationId },
  };
  if (sourceOpen && targetOpen) {
    before.resolved = { id: String(sourceOpen._id), status: sourceOpen.status, openKey: sourceOpen.openKey, snoozedUntil: sourceOpen.snoozedUntil };
  } else if (sourceOpen) before.adopted = { id: String(sourceOpen._id), openKey: sourceOpen.openKey };

  // Recorded whole (not as a diff): `before` is what undoMerge restores. It holds ids and contact fields, no secrets.
  const auditId = await m.audit.record({
    action: 'customer.merge', actor: { id: actor.id, name: actor.name }, subjectType: 'customer', subjectName: target.name ?? '', subjectId: targetId, before,
    after: { mergedFrom: String(sourceId) },
    summary: `${actor.name}: customer.merge customer "${target.name ?? String(targetId)}" (from "${source.name ?? String(sourceId)}")`,
  });

  // The open conversation first: its openKey must never equal the target's while the target has one.
  if (before.resolved) {
    // No name: the console says "another customer" in the agent's language.
    await changeStatus(fx, actor, before.resolved.id, { status: 'resolved' }, { type: 'merged', actor: actor.name, into: target.name ?? '' }, { survey: false });
  } else if (before.adopted) {
    await m.conversations.updateById(before.adopted.id, { $set: { openKey: String(targetId) } });
  }
  const convIds = sourceConvs.map((c) => c._id);
  await m.identities.reassign(sourceId, targetId);
  await inParallel(convIds, (id) => m.conversations.updateById(id, { $set: { customerId: targetId } }));
  for (const id of convIds) await m.messages.moveConversation(id, targetId);
  const fill: CustomerContact = { tags: [...new Set([...(target.tags ?? []), ...(source.tags ?? [])])] };
  for (const k of ['name', 'email', 'phone'] as const) if (!target[k] && source[k]) fill[k] = source[k];
  if (before.adopted) fill.openConversationId = new Types.ObjectId(before.adopted.id);
  await m.customers.setContact(targetId, fill);
  if ('name' in fill) await customerRenamed(m, targetId, fill.name);
  await m.customers.setMergedInto(sourceId, targetId, null);
  // The target is now found by the source's addresses too; the source stays indexed and search skips it (merged).
  await indexCustomer(m, targetId);
  await invalidate();
  return { auditId: String(auditId), targetId: String(targetId), sourceId: String(sourceId) };
}

export async function undoMerge(fx: ConversationEffects, actor: AgentRef, auditIdRaw: string, invalidate: SenderInvalidator) {
  const m = fx.models;
  const auditId = oid(auditIdRaw, 'audit id');
  // Claim the undo atomically, so two clicks never undo twice.
  const claimed = await m.audit.claimUndo(auditId, 'customer.merge', actor);
  if (!claimed) {
    const exists = await m.audit.exists(auditId);
    throw exists ? new InboxError('this merge was already undone', 'conflict') : new InboxError('audit entry not found', 'not_found');
  }
  const b = claimed.before as MergeBefore;
  const targetId = claimed.subjectId;
  if (!targetId) throw new InboxError('audit entry not found', 'not_found'); // a merge entry always names its target
  const sourceId = new Types.ObjectId(b.sourceId);
  const convIds = b.conversationIds.map((id) => new Types.ObjectId(id));
  await m.identities.moveTo(b.identityIds.map((id) => new Types.ObjectId(id)), sourceId);
  await inParallel(convIds, (id) => m.conversations.updateById(id, { $set: { customerId: sourceId } }));
  for (const id of convIds) await m.messages.moveConversation(id, sourceId);
  if (b.adopted) await m.conversations.updateById(b.adopted.id, { $set: { openKey: b.adopted.openKey } });
  if (b.resolved) {
    // Reopen only if the source has not meanwhile got another unresolved conversation (the unique openKey decides).
    // A snooze whose time passed meanwhile wakes at once (its timer fires now).
    const { status } = b.resolved;
    const snoozedUntil = status === 'snoozed' && b.resolved.snoozedUntil ? new Date(b.resolved.snoozedUntil) : undefined;
    await changeStatus(fx, actor, b.resolved.id, { status: status === 'snoozed' && !snoozedUntil ? 'open' : status, snoozedUntil }, { type: 'merge_undone', actor: actor.name, status })
      .catch((err: unknown) => { if (!(err instanceof ConflictError)) throw err; });
  }
  await m.customers.setMergedInto(sourceId, null, (b.source.openConversationId as Types.ObjectId | null | undefined) ?? null);
  // null, not undefined: a field the target did not have (and the merge filled from the source) must be cleared, and
  // mongoose drops undefined values from a $set.
  await m.customers.setContact(targetId, {
    name: b.target.name ?? null, email: b.target.email ?? null, phone: b.target.phone ?? null, tags: b.target.tags,
    openConversationId: (b.target.openConversationId as Types.ObjectId | null | undefined) ?? null,
  });
  await customerRenamed(m, targetId, b.target.name);
  await audit(m, actor, 'customer.merge.undo', { type: 'customer', id: targetId, name: b.target.name ?? undefined }, {}, { auditId: String(auditId), sourceId: b.sourceId });
  // The source is found by its addresses again, the target no longer by them (unless it has them itself).
  await indexCustomer(m, sourceId);
  await indexCustomer(m, targetId, { staleTerms: await customerTermsOf(m, sourceId) });
  await invalidate();
  return { targetId: String(targetId), sourceId: String(sourceId) };
}

export async function renameCustomer(m: Models, actor: AgentRef, idRaw: string, name: string) {
  const id = oid(idRaw, 'customer id');
  const before = await m.customers.rename(id, name);
  if (before) await customerRenamed(m, id, name);
  if (!before) throw new InboxError('customer not found', 'not_found');
  await audit(m, actor, 'customer.rename', { type: 'customer', id, name }, { name: before.name ?? null }, { name });
  await indexCustomer(m, id, { previousName: before.name });
}

/** A customer's conversations, newest first (the sidebar's "past conversations"). */
export async function customerConversations(m: Models, idRaw: string) {
  const customerId = oid(idRaw, 'customer id');
  return m.conversations.ofCustomer(customerId, 50);
}

export async function customerAudit(m: Models, idRaw: string) {
  const subjectId = oid(idRaw, 'customer id');
  const docs = await m.audit.ofSubject(subjectId, 50);
  return docs.map((a) => ({ id: String(a._id), action: a.action, actor: a.actor, at: a.at.toISOString(), undoneAt: a.undoneAt?.toISOString() ?? null }));
}
