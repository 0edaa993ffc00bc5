import type { Queue } from 'bullmq';
import { Types } from 'mongoose';
import type { RoutingJob } from '../../queues';
import type { Models } from '../../store';
import { toAgentView, toTeamView, type AgentView, type TeamView } from '../agents/agents';
import type { AssignmentPolicy } from './routing-policy';
import { requestDrain } from './routing';

/** What an admin may change of an agent's routing profile. */
export interface AgentProfilePatch { languages?: string[]; skills?: string[]; capacity?: number; teamIds?: string[] }

/**
 * Changes an agent's routing profile (team ids must name teams: see teamsExist); null when the agent does not
 * exist. More capacity, new skills or a new team may let waiting conversations through: the queues of the teams
 * before and after drain.
 */
export async function updateAgentProfile(m: Models, queue: Queue<RoutingJob>, agentId: string, patch: AgentProfilePatch): Promise<AgentView | null> {
  const before = await m.agents.teamIdsOf(agentId);
  if (!before) return null;
  const { teamIds, ...rest } = patch;
  await m.agents.setProfile(new Types.ObjectId(agentId), { ...rest, ...(teamIds ? { teamIds: teamIds.map((t) => new Types.ObjectId(t)) } : {}) });
  const after = await m.agents.byId(agentId);
  await requestDrain(queue, [...before, ...(after?.teamIds ?? [])].map(String));
  return after ? toAgentView(after) : null;
}

/** Sets a team's assignment policy and lets its queue drain under it; null when the team does not exist. */
export async function setAssignmentPolicy(m: Models, queue: Queue<RoutingJob>, teamId: string, policy: AssignmentPolicy): Promise<TeamView | null> {
  const team = await m.teams.setAssignmentPolicy(teamId, policy);
  if (!team) return null;
  await requestDrain(queue, [teamId]);
  return toTeamView(team);
}
