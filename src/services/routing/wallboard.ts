import type { Models } from '../../store';
import { customerDisplayNames } from '../conversations/customer-names';
import { agentLoads } from './assignees';
import type { RoutingState } from './routing-state';

export interface QueueStats { queueLength: number; longestWaitMs: number }
export interface Wallboard {
  teams: ({ id: string; name: string; policy: string } & QueueStats)[];
  /** Open conversations with neither a team nor an assignee: nobody's queue unless someone looks. */
  noTeam: QueueStats;
  agents: { id: string; name: string; presence: string; presenceSince: string | null; load: number; capacity: number; teamIds: string[] }[];
  viewers: { conversationId: string; customerName: string | null; customerVisitorName?: { tr: string; en: string }; agentIds: string[] }[];
}

/**
 * The supervisor wallboard: every team's waiting customers and the "no team" ones, every active agent's presence
 * and load, who views what. A queue is every open, unassigned conversation (not only what a routing policy queued:
 * with a manual policy or no team, customers still wait), counted from the inbox index's waiting queues in Redis,
 * never by reading conversations from the store.
 */
export async function wallboard(m: Models, state: RoutingState, now = Date.now()): Promise<Wallboard> {
  const teams = await m.teams.all();
  const teamIds = teams.map((t) => String(t._id));
  const [waiting, agents, viewers] = await Promise.all([m.conversations.waiting([...teamIds, null]), agentLoads(m, state), state.viewers()]);
  const stats = waiting.map(({ count, oldestSince }): QueueStats => ({
    queueLength: count, longestWaitMs: oldestSince === null ? 0 : Math.max(0, now - oldestSince),
  }));
  return {
    teams: teams.map((t, i) => ({ id: teamIds[i]!, name: t.name, policy: t.assignmentPolicy, ...stats[i]! })),
    noTeam: stats[teamIds.length]!,
    agents: agents.map(({ role: _role, ...a }) => a),
    viewers: await withCustomerNames(m, viewers),
  };
}

/** Who is viewing what, named by the customer (viewed conversations are few: one `_id` read each, names cached). */
async function withCustomerNames(m: Models, viewers: { conversationId: string; agentIds: string[] }[]): Promise<Wallboard['viewers']> {
  const conversations = await m.conversations.byIds(viewers.map((v) => v.conversationId));
  const names = await customerDisplayNames(m, conversations.flatMap((c) => (c ? [c.customerId] : [])));
  return viewers.map((v, i) => {
    const c = conversations[i];
    const found = c ? names.get(String(c.customerId)) : undefined;
    return { ...v, customerName: found?.name || null, ...(found?.visitorName ? { customerVisitorName: found.visitorName } : {}) };
  });
}
