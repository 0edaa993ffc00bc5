import type { Queue } from 'bullmq';
import { Types } from 'mongoose';
import type { RoutingJob } from '../../queues';
import type { AuditActor, Models } from '../../store';
import { audit } from '../audit';
import { toAgentView, toTeamView, type AgentView, type TeamView } from '../agents/agents';
import type { AssignmentPolicy } from './routing-policy';
import { requestDrain } from './routing';

/** What an admin may change of an agent: name, role and routing profile. */
export interface AgentProfilePatch { name?: string; role?: 'agent' | 'supervisor' | 'admin'; languages?: string[]; skills?: string[]; capacity?: number; teamIds?: string[] }

/**
 * Changes an agent's name, role and routing profile (team ids must name teams: see teamsExist); null when the agent does not
 * exist. More capacity, new skills or a new team may let waiting conversations through: the queues of the teams
 * before and after drain.
 */
export async function updateAgentProfile(m: Models, queue: Queue<RoutingJob>, actor: AuditActor, agentId: string, patch: AgentProfilePatch): Promise<AgentView | null> {
  const before = await m.agents.byId(agentId);
  if (!before) return null;
  const { teamIds, ...rest } = patch;
  await m.agents.setProfile(new Types.ObjectId(agentId), { ...rest, ...(teamIds ? { teamIds: teamIds.map((t) => new Types.ObjectId(t)) } : {}) });
  const after = await m.agents.byId(agentId);
  await requestDrain(queue, [...(before.teamIds ?? []), ...(after?.teamIds ?? [])].map(String));
  if (!after) return null;
  // Only the profile fields: presence moves on its own and is no admin change.
  const profile = ({ name, role, teamIds: t, languages, skills, capacity }: AgentView) => ({ name, role, teamIds: t, languages, skills, capacity });
  const view = toAgentView(after);
  await audit(m, actor, 'agent.updated', { type: 'agent', id: after._id, name: after.name }, profile(toAgentView(before)), profile(view));
  return view;
}

/** Sets a team's assignment policy and lets its queue drain under it; null when the team does not exist. */
export async function setAssignmentPolicy(m: Models, queue: Queue<RoutingJob>, actor: AuditActor, teamId: string, policy: AssignmentPolicy): Promise<TeamView | null> {
  const before = await m.teams.byId(teamId);
  const team = before && await m.teams.setAssignmentPolicy(teamId, policy);
  if (!before || !team) return null;
  await requestDrain(queue, [teamId]);
  const view = toTeamView(team);
  await audit(m, actor, 'team.policy_changed', { type: 'team', id: team._id, name: team.name }, toTeamView(before), view);
  return view;
}
