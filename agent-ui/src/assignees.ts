import { api } from './api';
import type { ConversationView, Me } from './types';

/** GET /api/assignees: whom a conversation can be handed to, with presence and load (src/services/routing/assignees.ts). */
export interface Assignee { id: string; name: string; role: Me['role']; presence: 'online' | 'away' | 'offline'; load: number; capacity: number; teamIds: string[] }
export interface Assignees { agents: Assignee[]; teams: { id: string; name: string }[] }
export const loadAssignees = () => api<Assignees>('/assignees');

/**
 * The assign API's rule (src/services/conversations/lifecycle.ts assignConversation), so the console offers only what
 * it will accept: supervisors and admins hand to anyone and any team; agents take a conversation themselves, and move
 * their own one to one of their teams.
 */
export const canAssignTo = (me: Me, agentId: string) => me.role !== 'agent' || agentId === me.id;
export const canMoveToTeam = (me: Me, c: Pick<ConversationView, 'assigneeId'>, teamId: string) =>
  me.role !== 'agent' || (c.assigneeId === me.id && me.teamIds.includes(teamId));

/** Online first, then the least loaded: the colleague most likely to pick it up soon is at the top. */
export const byAvailability = (a: Assignee, b: Assignee) => {
  const rank = { online: 0, away: 1, offline: 2 } as const;
  return rank[a.presence] - rank[b.presence] || a.load / Math.max(a.capacity, 1) - b.load / Math.max(b.capacity, 1) || a.name.localeCompare(b.name);
};
