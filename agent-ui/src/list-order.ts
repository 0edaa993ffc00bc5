import type { InboxSort } from '../../src/domain/views';
import { NO_TEAM, type ConversationView, type Me, type View } from './types';

/** Does a conversation belong in the list the agent is looking at? (The same filter the list API applies.) */
export function inView(view: View, c: ConversationView, me: Me): boolean {
  if (c.status !== view.status) return false;
  if (view.assignee === 'me' && c.assigneeId !== me.id) return false;
  if (view.assignee === 'unassigned' && c.assigneeId) return false;
  if (view.assignee && view.assignee !== 'me' && view.assignee !== 'unassigned' && c.assigneeId !== view.assignee) return false;
  if (view.channel && c.lastInboundChannel !== view.channel) return false;
  if (view.team && (c.teamId ?? NO_TEAM) !== view.team) return false;
  if (view.segment && !c.segments?.includes(view.segment)) return false;
  if (view.label && !c.labels?.includes(view.label)) return false;
  if (view.priority !== undefined && c.priority !== view.priority) return false;
  return true;
}

const time = (iso: string | null | undefined) => (iso ? new Date(iso).getTime() : 0);
const newest = (a: ConversationView, b: ConversationView) => time(b.lastActivityAt) - time(a.lastActivityAt) || (a.id < b.id ? 1 : -1);

/**
 * The list's order for a live update, the same as the hub's (src/store/inbox-index.ts sort sets): newest activity;
 * the longest unanswered wait first, answered ones after by newest activity; the highest priority first.
 */
export function byOrder(sort: InboxSort | undefined): (a: ConversationView, b: ConversationView) => number {
  if (sort === 'waiting') {
    return (a, b) => {
      if (a.waitingSince && b.waitingSince) return time(a.waitingSince) - time(b.waitingSince) || (a.id < b.id ? 1 : -1);
      if (a.waitingSince || b.waitingSince) return a.waitingSince ? -1 : 1;
      return newest(a, b);
    };
  }
  if (sort === 'priority') return (a, b) => b.priority - a.priority || newest(a, b);
  return newest;
}

/** What the row and the thread call the customer: their name, an anonymous visitor's readable name, or a short id. */
export function customerLabel(c: Pick<ConversationView, 'customerName' | 'customerVisitorName' | 'customerId'>, language: string, t: (k: string, o?: Record<string, unknown>) => string): string {
  return c.customerName ?? c.customerVisitorName?.[language === 'en' ? 'en' : 'tr'] ?? t('customerShortId', { id: c.customerId.slice(-6) });
}
