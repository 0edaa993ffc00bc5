import { Types } from 'mongoose';
import { z } from 'zod';
import { renameTeam, teamsExist } from '../../services/agents/agents';
import { getConversationView, getCustomer } from '../../services/conversations/inbox';
import { setCustomerLanguage } from '../../services/identity/language';
import { setAssignmentPolicy, updateAgentProfile } from '../../services/routing/profiles';
import { changeRouting, routingDeps } from '../../services/routing/routing';
import { wallboard } from '../../services/routing/wallboard';
import { assignees } from '../../services/routing/assignees';
import { KanalError } from '../../domain/errors';
import { idParams, objectId, route } from '../route';
import { agentViewSchema, conversationViewSchema, customerViewSchema, err, roleSchema, teamViewSchema } from '../schemas';
import { forgetAgent } from '../session';

const tag = z.string().trim().toLowerCase().min(1).max(40);
const languageCode = z.string().trim().toLowerCase().regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})?$/, 'must be a language code such as tr or en');

const queueStats = { queueLength: z.number(), longestWaitMs: z.number() };
export const wallboardSchema = z.object({
  teams: z.array(z.object({ id: z.string(), name: z.string(), policy: z.string(), ...queueStats })),
  noTeam: z.object(queueStats),
  agents: z.array(z.object({
    id: z.string(), name: z.string(), presence: z.enum(['online', 'away', 'offline']), presenceSince: z.iso.datetime().nullable(),
    load: z.number(), capacity: z.number(), teamIds: z.array(z.string()),
  })),
  viewers: z.array(z.object({ conversationId: z.string(), customerName: z.string().nullable(), customerVisitorName: z.object({ tr: z.string(), en: z.string() }).optional(), agentIds: z.array(z.string()) })),
});

export const patchAgentBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    role: roleSchema,
    languages: z.array(languageCode).max(20),
    skills: z.array(tag).max(50),
    capacity: z.number().int().min(0).max(1000),
    teamIds: z.array(objectId).max(50),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'nothing to change');
export const patchTeamBody = z
  .object({ name: z.string().trim().min(1).max(200), assignmentPolicy: z.enum(['manual', 'round-robin', 'least-busy']) })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'nothing to change');
export const patchCustomerBody = z.object({ language: languageCode.nullable() });
export const routingBody = z
  .object({ priority: z.number().int().min(-40).max(40), requiredSkills: z.array(tag).max(20) })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'nothing to change');

export const assigneesSchema = z.object({
  agents: z.array(z.object({
    id: z.string(), name: z.string(), role: z.enum(['agent', 'supervisor', 'admin']), presence: z.enum(['online', 'away', 'offline']),
    presenceSince: z.iso.datetime().nullable(), load: z.number(), capacity: z.number(), teamIds: z.array(z.string()),
  })),
  teams: z.array(z.object({ id: z.string(), name: z.string() })),
});

export const routingRoutes = [
  route({
    method: 'get', path: '/assignees', tag: 'conversations', access: 'agent', resource: 'none',
    summary: "Whom a conversation can be handed to: active agents with presence, load and capacity, and the teams (the assign picker)",
    responses: { 200: { description: 'agents and teams', schema: assigneesSchema } },
    async handler({ deps }) {
      return { status: 200, body: await assignees(deps.models, routingDeps(deps).state) };
    },
  }),
  route({
    method: 'get', path: '/supervisor/wallboard', tag: 'supervisor', access: 'supervisor', resource: 'none',
    summary: 'Live wallboard: waiting customers per team and with no team, presence and load per agent, who views which conversation',
    responses: { 200: { description: 'the wallboard', schema: wallboardSchema }, 403: err('not a supervisor or admin') },
    async handler({ deps }) {
      return { status: 200, body: await wallboard(deps.models, routingDeps(deps).state) };
    },
  }),
  route({
    method: 'patch', path: '/agents/:id', tag: 'admin', access: 'admin', resource: 'none',
    summary: "Change an agent's name, role and routing profile: languages, skills, capacity, teams (audited)",
    params: idParams, body: patchAgentBody,
    responses: { 200: { description: 'the agent', schema: agentViewSchema }, 400: err('unknown team, or your own role'), 404: err('agent not found') },
    async handler({ agent: admin, params, body, deps }) {
      // An admin cannot demote themselves (the last admin would lock everyone out of the settings).
      if (body.role && params.id === admin.id && body.role !== admin.role) throw new KanalError('invalid_input', 'you cannot change your own role');
      if (!(await teamsExist(deps.models, body.teamIds ?? []))) throw new KanalError('invalid_input', 'unknown team in teamIds');
      const agent = await updateAgentProfile(deps.models, deps.queues.routing, admin, params.id, { ...body, role: body.role as 'agent' | undefined });
      if (!agent) throw new KanalError('not_found', 'agent not found');
      forgetAgent(deps, agent.id); // this process's next request sees the new name and role; others within seconds
      // Their sockets' team, supervisor and admin rooms follow (src/realtime/access.ts).
      if (body.teamIds || body.role) deps.events.accessChanged(agent.id);
      return { status: 200, body: agent };
    },
  }),
  route({
    method: 'patch', path: '/teams/:id', tag: 'admin', access: 'admin', resource: 'none',
    summary: "Rename a team and/or change its assignment policy (manual, round-robin, least-busy); audited",
    params: idParams, body: patchTeamBody,
    responses: { 200: { description: 'the team', schema: teamViewSchema }, 400: err('the default routing team keeps its name'), 404: err('team not found'), 409: err('name taken') },
    async handler({ agent, params, body, deps }) {
      let team = body.name === undefined ? null : await renameTeam(deps.models, agent, params.id, body.name, deps.config.ROUTING_DEFAULT_TEAM);
      if (body.assignmentPolicy) team = await setAssignmentPolicy(deps.models, deps.queues.routing, agent, params.id, body.assignmentPolicy);
      if (!team) throw new KanalError('not_found', 'team not found');
      return { status: 200, body: team };
    },
  }),
  route({
    method: 'patch', path: '/customers/:id', tag: 'customers', access: 'agent', resource: 'customer',
    summary: "Set the customer's language (null clears it); detection never overwrites an agent's choice",
    params: idParams, body: patchCustomerBody,
    responses: { 200: { description: 'the customer', schema: customerViewSchema }, 404: err('customer not found') },
    async handler({ params, body, deps }) {
      if (!(await setCustomerLanguage(deps.models, new Types.ObjectId(params.id), body.language))) throw new KanalError('not_found', 'customer not found');
      return { status: 200, body: await getCustomer(deps.models, params.id) };
    },
  }),
  route({
    method: 'patch', path: '/conversations/:id/routing', tag: 'conversations', access: 'supervisor', resource: 'conversation',
    summary: 'Set priority and required skills; a waiting conversation takes its new place in the queue',
    params: idParams, body: routingBody,
    responses: { 200: { description: 'the conversation', schema: conversationViewSchema }, 404: err('conversation not found') },
    async handler({ agent, params, body, deps }) {
      if (!(await changeRouting(routingDeps(deps), agent, params.id, body))) throw new KanalError('not_found', 'conversation not found');
      return { status: 200, body: await getConversationView(deps.models, params.id) };
    },
  }),
];
