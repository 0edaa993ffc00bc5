import { z } from 'zod';
import { createAgent, createTeam, listAgents, listTeams, teamsExist } from '../../services/agents/agents';
import { KanalError } from '../../domain/errors';
import { objectId, route } from '../route';
import { agentViewSchema, err, roleSchema, teamViewSchema } from '../schemas';
import { newPassword } from './auth';

export const createAgentBody = z.object({
  email: z.email().max(320),
  name: z.string().trim().min(1).max(200),
  password: newPassword,
  role: roleSchema,
  teamIds: z.array(objectId).max(50).optional(),
  languages: z.array(z.string().min(2).max(16)).max(20).optional(),
  capacity: z.number().int().min(0).max(1000).optional(),
});
export const createTeamBody = z.object({ name: z.string().trim().min(1).max(200) });

export const adminRoutes = [
  route({
    method: 'post', path: '/agents', tag: 'admin', access: 'admin', resource: 'none',
    summary: 'Create an agent', body: createAgentBody,
    responses: { 201: { description: 'the agent', schema: agentViewSchema }, 400: err('unknown team'), 409: err('duplicate email') },
    async handler({ agent, body, deps }) {
      if (!(await teamsExist(deps.models, body.teamIds ?? []))) throw new KanalError('invalid_input', 'unknown team in teamIds');
      return { status: 201, body: await createAgent(deps.models, { ...body, role: body.role as 'agent' }, agent) };
    },
  }),
  route({
    method: 'get', path: '/agents', tag: 'admin', access: 'supervisor', resource: 'none',
    summary: 'All agents (supervisors and admins)',
    responses: { 200: { description: 'agents', schema: z.array(agentViewSchema) } },
    async handler({ deps }) {
      return { status: 200, body: await listAgents(deps.models) };
    },
  }),
  route({
    method: 'post', path: '/teams', tag: 'admin', access: 'admin', resource: 'none',
    summary: 'Create a team', body: createTeamBody,
    responses: { 201: { description: 'the team', schema: teamViewSchema }, 409: err('duplicate name') },
    async handler({ agent, body, deps }) {
      return { status: 201, body: await createTeam(deps.models, body.name, agent) };
    },
  }),
  route({
    // Team names are needed by every agent's console (filters, assignment), so any signed-in agent may list them.
    method: 'get', path: '/teams', tag: 'admin', access: 'agent', resource: 'none',
    summary: 'All teams',
    responses: { 200: { description: 'teams', schema: z.array(teamViewSchema) } },
    async handler({ deps }) {
      return { status: 200, body: await listTeams(deps.models) };
    },
  }),
];
