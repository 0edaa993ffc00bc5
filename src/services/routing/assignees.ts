import type { Models } from '../../store';
import type { RoutingState } from './routing-state';

export interface AgentLoad { id: string; name: string; role: string; presence: string; presenceSince: string | null; load: number; capacity: number; teamIds: string[] }

/** Every active agent with presence, capacity and current load (Redis counters, never a count of conversations). */
export async function agentLoads(m: Models, state: RoutingState): Promise<AgentLoad[]> {
  const agents = await m.agents.active();
  const loads = await state.loads(agents.map((a) => String(a._id)));
  return agents.map((a) => ({
    id: String(a._id), name: a.name, role: a.role, presence: a.presence ?? 'offline',
    presenceSince: a.presenceSince ? a.presenceSince.toISOString() : null,
    load: loads.get(String(a._id)) ?? 0, capacity: a.capacity ?? 0, teamIds: (a.teamIds ?? []).map(String),
  }));
}

/**
 * Whom a conversation can be handed to, for the thread's assign picker: every active agent (with load and presence,
 * so nobody hands work to someone full or away) and every team. Which of them the asker may pick is the assign
 * API's rule (lifecycle.assignConversation); the console greys out the others.
 */
export async function assignees(m: Models, state: RoutingState): Promise<{ agents: AgentLoad[]; teams: { id: string; name: string }[] }> {
  const [agents, teams] = await Promise.all([agentLoads(m, state), m.teams.all()]);
  return { agents, teams: teams.map((t) => ({ id: String(t._id), name: t.name })) };
}
