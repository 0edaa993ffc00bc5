import type { Models } from '../../store';
import type { RoutingState } from './routing-state';

export interface Wallboard {
  teams: { id: string; name: string; policy: string; queueLength: number; longestWaitMs: number }[];
  agents: { id: string; name: string; presence: string; presenceSince: string | null; load: number; capacity: number; teamIds: string[] }[];
  viewers: { conversationId: string; agentIds: string[] }[];
}

/** The supervisor wallboard: every team's queue, every active agent's presence and load, who views what. */
export async function wallboard(m: Models, state: RoutingState): Promise<Wallboard> {
  const [teams, agents] = await Promise.all([m.teams.all(), m.agents.active()]);
  const [stats, loads, viewers] = await Promise.all([
    state.queueStats(teams.map((t) => String(t._id))),
    state.loads(agents.map((a) => String(a._id))),
    state.viewers(),
  ]);
  return {
    teams: teams.map((t) => ({
      id: String(t._id), name: t.name, policy: t.assignmentPolicy,
      ...(stats.get(String(t._id)) ?? { queueLength: 0, longestWaitMs: 0 }),
    })),
    agents: agents.map((a) => ({
      id: String(a._id), name: a.name, presence: a.presence ?? 'offline',
      presenceSince: a.presenceSince ? a.presenceSince.toISOString() : null,
      load: loads.get(String(a._id)) ?? 0, capacity: a.capacity ?? 0, teamIds: (a.teamIds ?? []).map(String),
    })),
    viewers,
  };
}
