import { enqueueOutbound } from '../delivery/outbound-queue';
import { Types } from 'mongoose';
import type { Channel } from '../../domain/channels';
import { NO_TEAM, type ConversationStatus, type ConversationView, type CustomerView, type InboxSort, type MessageView, type Role } from '../../domain/views';
import type { StoredConversation, Models, ViewFilter } from '../../store';
import { customerDisplayNames, withDisplayName } from './customer-names';
import type { QueueSet } from '../../queues';
import { normalizeLabel } from '../../domain/labels';
import type { EventPublisher } from '../events';
import { recordEvent, type AgentRef } from './replies';
import { threadPageOf } from './threads';
import { mergeSuggestionsFor } from '../identity/claims';
import { toConversationView, toMessageView } from './views';
import { KanalError } from '../../domain/errors';
import type { ThreadEvent } from '../../domain/thread-events';

/** A request the inbox refuses; its code maps onto HTTP in the API's error handler. */
export class InboxError extends KanalError {
  constructor(message: string, code: 'invalid_input' | 'forbidden' | 'not_found' | 'conflict') {
    super(code, message);
  }
}

// Cursors are opaque to clients: base64url("<ISO time>|<ObjectId>"), the sort key of the last item seen.
export function encodeCursor(at: Date, id: unknown): string {
  return Buffer.from(`${at.toISOString()}|${String(id)}`).toString('base64url');
}
/**
 * A page cursor of a sorted inbox (not by newest activity): base64url("<sort>:<score>|<ObjectId>"), the last item's
 * score in that order (priority and waiting scores are not times).
 */
export function encodeSortCursor(sort: InboxSort, at: number, id: unknown): string {
  return Buffer.from(`${sort}:${at}|${String(id)}`).toString('base64url');
}
function decodeListCursor(cursor: string, sort: InboxSort): { at: number; id: string } {
  if (sort === 'newest') {
    const { at, id } = decodeCursor(cursor);
    return { at: at.getTime(), id: String(id) };
  }
  const [head, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const [kind, score] = (head ?? '').split(':');
  const at = Number(score);
  if (kind !== sort || !score || !Number.isFinite(at) || !id || !Types.ObjectId.isValid(id)) throw new InboxError('invalid cursor', 'invalid_input');
  return { at, id: String(new Types.ObjectId(id)) };
}
export function decodeCursor(cursor: string): { at: Date; id: Types.ObjectId } {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const at = new Date(iso ?? '');
  if (Number.isNaN(at.getTime()) || !id || !Types.ObjectId.isValid(id)) throw new InboxError('invalid cursor', 'invalid_input');
  return { at, id: new Types.ObjectId(id) };
}

export const oid = (id: string, what = 'id'): Types.ObjectId => {
  if (!Types.ObjectId.isValid(id) || String(new Types.ObjectId(id)) !== id.toLowerCase()) throw new InboxError(`invalid ${what}`, 'invalid_input');
  return new Types.ObjectId(id);
};

export interface ListFilter {
  status?: ConversationStatus;
  assignee?: string; // 'me' | 'unassigned' | agent id
  channel?: Channel;
  /** A team id, or NO_TEAM. */
  team?: string;
  label?: string;
  /** A view segment's id. */
  segment?: string;
  /** An exact routing priority (a saved view of "urgent" ones). */
  priority?: number;
  /** The page's order; newest activity first by default. */
  sort?: InboxSort;
  limit: number;
  cursor?: string;
}

/**
 * A page of the inbox. `within`: the views the agent may see (src/services/access inboxScope); the page is of their
 * union narrowed by the filter, still read from the inbox index alone.
 */
export async function listConversations(m: Models, me: string, f: ListFilter, within?: ViewFilter[]): Promise<{ items: ConversationView[]; nextCursor: string | null }> {
  const view: ViewFilter = {};
  if (f.status) view.status = f.status;
  if (f.assignee === 'me') view.assigneeId = String(oid(me));
  else if (f.assignee === 'unassigned') view.assigneeId = null;
  else if (f.assignee) view.assigneeId = String(oid(f.assignee, 'assignee'));
  if (f.channel) view.channel = f.channel;
  if (f.team === NO_TEAM) view.teamId = null;
  else if (f.team) view.teamId = String(oid(f.team, 'team'));
  if (f.label) view.label = normalizeLabel(f.label);
  if (f.segment) view.segment = String(oid(f.segment, 'segment'));
  if (f.priority !== undefined) view.priority = f.priority;
  const sort = f.sort ?? 'newest';
  const cursor = f.cursor ? decodeListCursor(f.cursor, sort) : undefined;
  const { items, next } = await m.conversations.page(view, f.limit, cursor, within, sort);
  const names = await customerDisplayNames(m, items.map((c) => c.customerId));
  return {
    items: items.map((c) => withDisplayName(toConversationView(c, names.get(String(c.customerId))?.name), names.get(String(c.customerId)))),
    nextCursor: !next ? null : sort === 'newest' ? encodeCursor(new Date(next.at), next.id) : encodeSortCursor(sort, next.at, next.id),
  };
}

export async function getConversationView(m: Models, id: string): Promise<ConversationView> {
  const c = await m.conversations.byId(oid(id));
  if (!c) throw new InboxError('conversation not found', 'not_found');
  return withName(m, c);
}

async function withName(m: Models, c: StoredConversation): Promise<ConversationView> {
  const found = (await customerDisplayNames(m, [c.customerId])).get(String(c.customerId));
  return withDisplayName(toConversationView(c, found?.name), found);
}

export type { CustomerView } from '../../domain/views';

export async function getCustomer(m: Models, id: string): Promise<CustomerView> {
  const c = await m.customers.byId(oid(id));
  if (!c) throw new InboxError('customer not found', 'not_found');
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
    ...(c.unverifiedEmail ? { unverifiedEmail: c.unverifiedEmail } : {}),
    mergeSuggestions: await mergeSuggestionsFor(m, c),
    ...(c.erasedAt ? { erasedAt: c.erasedAt.toISOString() } : {}),
    ...(c.visitor ? { visitor: c.visitor } : {}),
  };
}

/**
 * The unified thread: every message, note and event of the customer, all channels; newest page, oldest first.
 * `conversations`: only the messages of these (the ones a team-restricted agent may see).
 */
export async function customerThread(m: Models, id: string, opts: { limit: number; before?: string; conversations?: ReadonlySet<string> }): Promise<{ items: MessageView[]; nextBefore: string | null }> {
  const docs = await threadPageOf(m, oid(id), { limit: opts.limit, before: opts.before ? decodeCursor(opts.before) : undefined, conversations: opts.conversations });
  if (!docs) throw new InboxError('customer not found', 'not_found');
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

/** Records the change in the thread (by `actor`, or the system) and tells every agent watching. */
export async function announce(m: Models, events: EventPublisher | null, conversation: StoredConversation, fact: ThreadEvent, actor?: AgentRef) {
  const event = await recordEvent(m, conversation, fact, actor);
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
    throw exists ? new InboxError('only a failed outbound message can be retried', 'conflict') : new InboxError('message not found', 'not_found');
  }
  await enqueueOutbound(queues, String(messageId)); // its failed job is replaced
  const view = toMessageView(updated);
  if (events) {
    const conversation = await m.conversations.byId(updated.conversationId);
    if (conversation) events.message(view, toConversationView(conversation), true);
  }
  return view;
}
