import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import type { Channel } from '../../domain/channels';
import type { ConversationStatus, ConversationView, CustomerView, MessageView, Role } from '../../domain/views';
import type { StoredConversation, Models, ViewFilter } from '../../store';
import { customerNames } from './customer-names';
import type { QueueSet } from '../../queues';
import { setStatus } from './conversations';
import { normalizeLabel } from '../../domain/labels';
import type { EventPublisher } from '../events';
import { assignedFacts, recordMetricEvents } from '../metrics/metrics';
import { recordEvent, type AgentRef } from './replies';
import { threadPageOf } from './threads';
import { toConversationView, toMessageView } from './views';

/** A request the inbox refuses; `status` maps onto HTTP in the API's error handler. */
export class InboxError extends Error {
  constructor(message: string, readonly status: 400 | 403 | 404 | 409) {
    super(message);
  }
}

// Cursors are opaque to clients: base64url("<ISO time>|<ObjectId>"), the sort key of the last item seen.
export function encodeCursor(at: Date, id: unknown): string {
  return Buffer.from(`${at.toISOString()}|${String(id)}`).toString('base64url');
}
export function decodeCursor(cursor: string): { at: Date; id: Types.ObjectId } {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const at = new Date(iso ?? '');
  if (Number.isNaN(at.getTime()) || !id || !Types.ObjectId.isValid(id)) throw new InboxError('invalid cursor', 400);
  return { at, id: new Types.ObjectId(id) };
}

export const oid = (id: string, what = 'id'): Types.ObjectId => {
  if (!Types.ObjectId.isValid(id) || String(new Types.ObjectId(id)) !== id.toLowerCase()) throw new InboxError(`invalid ${what}`, 400);
  return new Types.ObjectId(id);
};

export interface ListFilter {
  status?: ConversationStatus;
  assignee?: string; // 'me' | 'unassigned' | agent id
  channel?: Channel;
  team?: string;
  label?: string;
  limit: number;
  cursor?: string;
}

export async function listConversations(m: Models, me: string, f: ListFilter): Promise<{ items: ConversationView[]; nextCursor: string | null }> {
  const view: ViewFilter = {};
  if (f.status) view.status = f.status;
  if (f.assignee === 'me') view.assigneeId = String(oid(me));
  else if (f.assignee === 'unassigned') view.assigneeId = null;
  else if (f.assignee) view.assigneeId = String(oid(f.assignee, 'assignee'));
  if (f.channel) view.channel = f.channel;
  if (f.team) view.teamId = String(oid(f.team, 'team'));
  if (f.label) view.label = normalizeLabel(f.label);
  const cursor = f.cursor ? decodeCursor(f.cursor) : undefined;
  const { items, next } = await m.conversations.page(view, f.limit, cursor && { at: cursor.at.getTime(), id: String(cursor.id) });
  const names = await customerNames(m, items.map((c) => c.customerId));
  return {
    items: items.map((c) => toConversationView(c, names.get(String(c.customerId)))),
    nextCursor: next ? encodeCursor(new Date(next.at), next.id) : null,
  };
}

export async function getConversationView(m: Models, id: string): Promise<ConversationView> {
  const c = await m.conversations.byId(oid(id));
  if (!c) throw new InboxError('conversation not found', 404);
  return withName(m, c);
}

async function withName(m: Models, c: StoredConversation): Promise<ConversationView> {
  return toConversationView(c, await m.customers.nameOf(c.customerId));
}

export type { CustomerView } from '../../domain/views';

export async function getCustomer(m: Models, id: string): Promise<CustomerView> {
  const c = await m.customers.byId(oid(id));
  if (!c) throw new InboxError('customer not found', 404);
  const identities = await m.identities.ofCustomer(c._id);
  return {
    id: String(c._id),
    name: c.name ?? undefined,
    email: c.email ?? undefined,
    phone: c.phone ?? undefined,
    language: c.language ?? undefined,
    tags: c.tags ?? [],
    attributes: c.attributes ?? {},
    lastSeenAt: c.lastSeenAt?.toISOString(),
    createdAt: (c.createdAt as Date | undefined)?.toISOString(),
    identities: identities.map((i) => ({ kind: i.kind, address: i.address, verified: Boolean(i.verified) })),
  };
}

/** The unified thread: every message, note and event of the customer, all channels; newest page, oldest first. */
export async function customerThread(m: Models, id: string, opts: { limit: number; before?: string }): Promise<{ items: MessageView[]; nextBefore: string | null }> {
  const docs = await threadPageOf(m, oid(id), { limit: opts.limit, before: opts.before ? decodeCursor(opts.before) : undefined });
  if (!docs) throw new InboxError('customer not found', 404);
  const page = docs.slice(0, opts.limit);
  const oldest = page[page.length - 1];
  return {
    items: page.reverse().map(toMessageView),
    nextBefore: docs.length > opts.limit && oldest ? encodeCursor(oldest.createdAt as Date, oldest._id) : null,
  };
}

export interface Actor extends AgentRef {
  role: Role;
  teamIds: string[];
}

/**
 * Agents may take a conversation or hand back their own; supervisors and admins assign anyone.
 * The assignee must exist and not be disabled.
 */
export async function assignConversation(
  m: Models,
  events: EventPublisher | null,
  actor: Actor,
  id: string,
  input: { assigneeId: string | null; teamId?: string | null },
): Promise<ConversationView> {
  const conversationId = oid(id);
  const current = await m.conversations.byId(conversationId);
  if (!current) throw new InboxError('conversation not found', 404);
  const privileged = actor.role !== 'agent';
  let assignee: { _id: unknown; name: string } | null = null;
  if (input.assigneeId) {
    const a = await m.agents.byId(oid(input.assigneeId, 'assigneeId'));
    if (!a || a.disabled) throw new InboxError('assignee not found or disabled', 400);
    assignee = a;
  }
  if (!privileged) {
    const toSelf = input.assigneeId === actor.id;
    const unassignSelf = input.assigneeId === null && String(current.assigneeId) === actor.id;
    if (!toSelf && !unassignSelf) throw new InboxError('agents may only assign conversations to themselves', 403);
    if (input.teamId && !actor.teamIds.includes(input.teamId)) throw new InboxError('agents may only move conversations to their own teams', 403);
  }
  const set: Record<string, unknown> = { assigneeId: assignee ? assignee._id : null };
  if (input.teamId !== undefined) {
    if (input.teamId && !(await m.teams.exists(oid(input.teamId, 'teamId')))) throw new InboxError('team not found', 400);
    set.teamId = input.teamId ? new Types.ObjectId(input.teamId) : null;
  }
  const updated = await m.conversations.updateById(conversationId, { $set: set });
  if (!updated) throw new InboxError('conversation not found', 404);
  if (assignee && String(current.assigneeId) !== String(assignee._id)) {
    await recordMetricEvents(m, await assignedFacts(m, { ...current, teamId: updated.teamId }, assignee._id, new Date()));
  }
  const text = assignee ? `${actor.name} assigned the conversation to ${assignee.name}` : `${actor.name} unassigned the conversation`;
  return announce(m, events, updated, text, actor);
}

export async function changeStatus(
  m: Models,
  events: EventPublisher | null,
  actor: AgentRef,
  id: string,
  input: { status: ConversationStatus; snoozedUntil?: Date },
): Promise<ConversationView> {
  const updated = await setStatus(m, oid(id), input.status, input.snoozedUntil);
  if (!updated) throw new InboxError('conversation not found', 404);
  const until = input.status === 'snoozed' && input.snoozedUntil ? ` until ${input.snoozedUntil.toISOString()}` : '';
  return announce(m, events, updated, `${actor.name} set the status to ${input.status}${until}`, actor);
}

/** Records the change in the thread (by `actor`, or the system) and tells every agent watching. */
export async function announce(m: Models, events: EventPublisher | null, conversation: StoredConversation, text: string, actor?: AgentRef) {
  const event = await recordEvent(m, conversation, text, actor);
  const view = await withName(m, conversation);
  if (events) {
    events.conversation(view);
    events.message(toMessageView(event), view);
  }
  return view;
}

/** A failed outbound message goes back to `queued` and gets a fresh job (the failed job id stays taken). */
export async function retryMessage(m: Models, events: EventPublisher | null, queues: QueueSet, id: string): Promise<MessageView> {
  const messageId = oid(id);
  const updated = await m.messages.requeueFailed(messageId);
  if (!updated) {
    const exists = await m.messages.exists(messageId);
    throw exists ? new InboxError('only a failed outbound message can be retried', 409) : new InboxError('message not found', 404);
  }
  await queues.outbound.add('send', { messageId: String(messageId) }, { jobId: `out_${String(messageId)}_r${randomUUID()}` });
  const view = toMessageView(updated);
  if (events) {
    const conversation = await m.conversations.byId(updated.conversationId);
    if (conversation) events.message(view, toConversationView(conversation), true);
  }
  return view;
}
