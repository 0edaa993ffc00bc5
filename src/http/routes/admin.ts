import { z } from 'zod';
import { createAgent, createTeam, listAgents, listTeams, teamsExist } from '../../services/agents/agents';
import { HttpError } from '../errors';
import { objectId, route } from '../route';
import { agentViewSchema, err, roleSchema, teamViewSchema } from '../schemas';

export const createAgentBody = z.object({
  email: z.email().max(320),
  name: z.string().trim().min(1).max(200),
  password: z.string().min(10).max(1024),
  role: roleSchema,
  teamIds: z.array(objectId).max(50).optional(),
  languages: z.array(z.string().min(2).max(16)).max(20).optional(),
  capacity: z.number().int().min(0).max(1000).optional(),
});
export const createTeamBody = z.object({ name: z.string().trim().min(1).max(200) });

export const adminRoutes = [
  route({
    method: 'post', path: '/agents', tag: 'admin', access: 'admin',
    summary: 'Create an agent', body: createAgentBody,
    responses: { 201: { description: 'the agent', schema: agentViewSchema }, 400: err('unknown team'), 409: err('duplicate email') },
    async handler({ body, deps }) {
      if (!(await teamsExist(deps.models, body.teamIds ?? []))) throw new HttpError(400, 'unknown team in teamIds');
      return { status: 201, body: await createAgent(deps.models, { ...body, role: body.role as 'agent' }) };
    },
  }),
  route({
    method: 'get', path: '/agents', tag: 'admin', access: 'supervisor',
    summary: 'All agents (supervisors and admins)',
    responses: { 200: { description: 'agents', schema: z.array(agentViewSchema) } },
    async handler({ deps }) {
      return { status: 200, body: await listAgents(deps.models) };
    },
  }),
  route({
    method: 'post', path: '/teams', tag: 'admin', access: 'admin',
    summary: 'Create a team', body: createTeamBody,
    responses: { 201: { description: 'the team', schema: teamViewSchema }, 409: err('duplicate name') },
    async handler({ body, deps }) {
      return { status: 201, body: await createTeam(deps.models, body.name) };
    },
  }),
  route({
    // Team names are needed by every agent's console (filters, assignment), so any signed-in agent may list them.
    method: 'get', path: '/teams', tag: 'admin', access: 'agent',
    summary: 'All teams',
    responses: { 200: { description: 'teams', schema: z.array(teamViewSchema) } },
    async handler({ deps }) {
      return { status: 200, body: await listTeams(deps.models) };
    },
  }),
];
