import type { Role } from '../../domain/views';
import type { ViewFilter } from '../../store';
import type { TeamAccessMode } from './team-access';

/** Who is asking: the signed-in agent as the API and sockets know them. */
export interface Viewer {
  id: string;
  role: Role;
  teamIds: readonly string[];
}

/** What the rules read of a conversation (a stored document or its view). */
export interface Owned {
  assigneeId?: unknown;
  teamId?: unknown;
}

const teamsOf = (v: Viewer) => [...new Set(v.teamIds)];

/** Supervisors and admins see everything; agents too while the mode is `open`. */
export const seesEverything = (v: Viewer, mode: TeamAccessMode): boolean => mode === 'open' || v.role !== 'agent';

/** The team rule (src/services/access/team-access.ts): their teams' conversations, their own, and the "no team" queue. */
export function canSeeConversation(v: Viewer, c: Owned, mode: TeamAccessMode): boolean {
  if (seesEverything(v, mode)) return true;
  const assignee = c.assigneeId == null ? null : String(c.assigneeId);
  const team = c.teamId == null ? null : String(c.teamId);
  if (assignee === v.id) return true;
  if (team) return v.teamIds.includes(team);
  return assignee === null;
}

/**
 * The inbox views whose union is what a restricted agent sees (they overlap where a conversation of their team is
 * assigned to them: pages skip repeats). Each is one sorted set of the inbox index once narrowed by a filter.
 */
export function visibleViews(v: Viewer): ViewFilter[] {
  return [...teamsOf(v).map((teamId) => ({ teamId })), { assigneeId: v.id }, { assigneeId: null, teamId: null }];
}

/**
 * The same set as signed views, for counts: |their teams| + |assigned to them| + |no team queue| − |assigned to
 * them in their teams| (the only overlap), each a sorted set's size.
 */
export function countedViews(v: Viewer): { sign: 1 | -1; view: ViewFilter }[] {
  return [
    ...teamsOf(v).map((teamId) => ({ sign: 1 as const, view: { teamId } })),
    { sign: 1, view: { assigneeId: v.id } },
    { sign: 1, view: { assigneeId: null, teamId: null } },
    ...teamsOf(v).map((teamId) => ({ sign: -1 as const, view: { assigneeId: v.id, teamId } })),
  ];
}

/** What a restricted agent's inbox pages and counts are made of (null: no restriction applies). */
export interface InboxScope {
  views: ViewFilter[];
  counted: { sign: 1 | -1; view: ViewFilter }[];
}

export function inboxScopeOf(v: Viewer, mode: TeamAccessMode): InboxScope | null {
  return seesEverything(v, mode) ? null : { views: visibleViews(v), counted: countedViews(v) };
}
