import { Types } from 'mongoose';
import { AgentEvents, Rooms } from '../../domain/events';
import { previousWeek, weekOfNotification, type Models, type NotificationKind, type StoredNotification } from '../../store';
import { preview } from '../conversations/views';
import type { EventPublisher } from '../events';

/**
 * The console's bell (docs/console.md, "Notifications"): what happened for one agent while they were elsewhere or
 * away: a note @mentioned them, or a conversation was assigned to them by someone else or by routing. Stored, so an
 * agent who was offline finds them; pushed live to the agent's own room (every tab, every node) with the unread count.
 */
export interface NotificationView {
  id: string;
  kind: NotificationKind;
  conversationId: string;
  messageId: string | null;
  from: { id: string; name: string } | null;
  customerName: string | null;
  preview: string;
  at: string;
  read: boolean;
}

/** How far back the bell's list goes (older notifications are not listed). */
export const NOTIFICATION_WEEKS = 26;

/**
 * Views of stored notifications, with what they show of the customer read now (its name, the note's start): an
 * erased customer or an emptied note shows nothing. One read per distinct customer and per mention.
 */
async function viewsOf(m: Models, list: StoredNotification[], readUpTo: Date | null): Promise<NotificationView[]> {
  const customerIds = [...new Set(list.flatMap((n) => (n.customerId ? [String(n.customerId)] : [])))];
  const names = new Map((await m.customers.byIds(customerIds, ['name'])).map((c, i) => [customerIds[i]!, c?.name ?? null]));
  const noteIds = list.flatMap((n) => (n.messageId ? [n.messageId] : []));
  const notes = new Map((await m.messages.byIds(noteIds)).map((msg, i) => [String(noteIds[i]), msg?.text ?? '']));
  return list.map((n) => ({
    id: String(n._id), kind: n.kind, conversationId: String(n.conversationId), messageId: n.messageId ? String(n.messageId) : null,
    from: n.from ?? null, customerName: (n.customerId && names.get(String(n.customerId))) || null,
    preview: n.messageId ? preview(notes.get(String(n.messageId)) ?? '') : '', at: n.at.toISOString(),
    read: Boolean(n.readAt) || Boolean(readUpTo && n.at <= readUpTo),
  }));
}

export interface NewNotificationInput {
  agentId: string;
  kind: NotificationKind;
  conversationId: string;
  messageId?: string | null;
  from?: { id: string; name: string } | null;
  customerId?: Types.ObjectId | string | null;
  at?: Date;
  /** What makes it one notification: a retry with the same key stores and pushes nothing. */
  key: string;
}

export async function notify(m: Models, events: EventPublisher | null, input: NewNotificationInput): Promise<void> {
  const stored = await m.notifications.add({
    key: input.key, agentId: new Types.ObjectId(input.agentId), kind: input.kind, conversationId: new Types.ObjectId(input.conversationId),
    messageId: input.messageId ? new Types.ObjectId(input.messageId) : null, from: input.from ?? null,
    customerId: input.customerId ? new Types.ObjectId(input.customerId) : null, at: input.at ?? new Date(),
  });
  if (!stored || !events) return;
  const { unread, readUpTo } = await m.notifications.state(input.agentId);
  const [view] = await viewsOf(m, [stored], readUpTo);
  events.toRoom(Rooms.agent(input.agentId), AgentEvents.notification, { notification: view, unread });
}

/**
 * The agent's notifications, newest first, whole weeks at a time until `limit` are listed (a page may hold more);
 * `before` is the `next` of the previous page. Reads one week bucket per step, at most NOTIFICATION_WEEKS back.
 */
export async function listNotifications(m: Models, agentId: string, opts: { before?: string; limit: number; now?: Date }) {
  const { unread, readUpTo } = await m.notifications.state(agentId);
  const newest = weekOfNotification(opts.now ?? new Date());
  let oldest = newest;
  for (let i = 1; i < NOTIFICATION_WEEKS; i++) oldest = previousWeek(oldest);
  let week = opts.before ? previousWeek(opts.before) : newest;
  let last: string | null = null;
  const out: StoredNotification[] = [];
  while (week >= oldest && out.length < opts.limit) {
    out.push(...(await m.notifications.ofWeek(agentId, week)));
    last = week;
    week = previousWeek(week);
  }
  return { notifications: await viewsOf(m, out, readUpTo), unread, next: last && week >= oldest ? last : null };
}

/** Marks notifications read (`ids`), or everything so far (`all`); other tabs of the agent are told the new count. */
export async function markNotificationsRead(m: Models, events: EventPublisher | null, agentId: string, which: { ids: string[] } | { all: true }): Promise<{ unread: number }> {
  const now = new Date();
  if ('all' in which) await m.notifications.markAllRead(agentId, now);
  else for (const id of which.ids) if (Types.ObjectId.isValid(id)) await m.notifications.markRead(agentId, new Types.ObjectId(id), now);
  const { unread } = await m.notifications.state(agentId);
  events?.toRoom(Rooms.agent(agentId), AgentEvents.notificationsRead, { unread });
  return { unread };
}
