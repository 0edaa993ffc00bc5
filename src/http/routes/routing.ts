import { Types } from 'mongoose';
import { z } from 'zod';
import { teamsExist } from '../../services/agents/agents';
import { getConversationView, getCustomer } from '../../services/conversations/inbox';
import { setCustomerLanguage } from '../../services/identity/language';
import { setAssignmentPolicy, updateAgentProfile } from '../../services/routing/profiles';
import { changeRouting, routingDeps } from '../../services/routing/routing';
import { wallboard } from '../../services/routing/wallboard';
import { HttpError } from '../errors';
import { idParams, objectId, route } from '../route';
import { agentViewSchema, conversationViewSchema, customerViewSchema, err, teamViewSchema } from '../schemas';

const tag = z.string().trim().toLowerCase().min(1).max(40);
const languageCode = z.string().trim().toLowerCase().regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})?$/, 'must be a language code such as tr or en');

export const wallboardSchema = z.object({
  teams: z.array(z.object({ id: z.string(), name: z.string(), policy: z.string(), queueLength: z.number(), longestWaitMs: z.number() })),
  agents: z.array(z.object({
    id: z.string(), name: z.string(), presence: z.enum(['online', 'away', 'offline']), presenceSince: z.iso.datetime().nullable(),
    load: z.number(), capacity: z.number(), teamIds: z.array(z.string()),
  })),
  viewers: z.array(z.object({ conversationId: z.string(), agentIds: z.array(z.string()) })),
});

export const patchAgentBody = z
  .object({
    languages: z.array(languageCode).max(20),
    skills: z.array(tag).max(50),
    capacity: z.number().int().min(0).max(1000),
    teamIds: z.array(objectId).max(50),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'nothing to change');
export const patchTeamBody = z.object({ assignmentPolicy: z.enum(['manual', 'round-robin', 'least-busy']) });
export const patchCustomerBody = z.object({ language: languageCode.nullable() });
export const routingBody = z
  .object({ priority: z.number().int().min(-40).max(40), requiredSkills: z.array(tag).max(20) })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'nothing to change');

export const routingRoutes = [
  route({
    method: 'get', path: '/supervisor/wallboard', tag: 'supervisor', access: 'supervisor',
    summary: 'Live wallboard: queue per team, presence and load per agent, who views which conversation',
    responses: { 200: { description: 'the wallboard', schema: wallboardSchema }, 403: err('not a supervisor or admin') },
    async handler({ deps }) {
      return { status: 200, body: await wallboard(deps.models, routingDeps(deps).state) };
    },
  }),
  route({
    method: 'patch', path: '/agents/:id', tag: 'admin', access: 'admin',
    summary: "Change an agent's routing profile: languages, skills, capacity, teams",
    params: idParams, body: patchAgentBody,
    responses: { 200: { description: 'the agent', schema: agentViewSchema }, 400: err('unknown team'), 404: err('agent not found') },
    async handler({ params, body, deps }) {
      if (!(await teamsExist(deps.models, body.teamIds ?? []))) throw new HttpError(400, 'unknown team in teamIds');
      const agent = await updateAgentProfile(deps.models, deps.queues.routing, params.id, body);
      if (!agent) throw new HttpError(404, 'agent not found');
      return { status: 200, body: agent };
    },
  }),
  route({
    method: 'patch', path: '/teams/:id', tag: 'admin', access: 'admin',
    summary: "Change a team's assignment policy (manual, round-robin, least-busy)",
    params: idParams, body: patchTeamBody,
    responses: { 200: { description: 'the team', schema: teamViewSchema }, 404: err('team not found') },
    async handler({ params, body, deps }) {
      const team = await setAssignmentPolicy(deps.models, deps.queues.routing, params.id, body.assignmentPolicy);
      if (!team) throw new HttpError(404, 'team not found');
      return { status: 200, body: team };
    },
  }),
  route({
    method: 'patch', path: '/customers/:id', tag: 'customers', access: 'agent',
    summary: "Set the customer's language (null clears it); detection never overwrites an agent's choice",
    params: idParams, body: patchCustomerBody,
    responses: { 200: { description: 'the customer', schema: customerViewSchema }, 404: err('customer not found') },
    async handler({ params, body, deps }) {
      if (!(await setCustomerLanguage(deps.models, new Types.ObjectId(params.id), body.language))) throw new HttpError(404, 'customer not found');
      return { status: 200, body: await getCustomer(deps.models, params.id) };
    },
  }),
  route({
    method: 'patch', path: '/conversations/:id/routing', tag: 'conversations', access: 'supervisor',
    summary: 'Set priority and required skills; a waiting conversation takes its new place in the queue',
    params: idParams, body: routingBody,
    responses: { 200: { description: 'the conversation', schema: conversationViewSchema }, 404: err('conversation not found') },
    async handler({ params, body, deps }) {
      if (!(await changeRouting(routingDeps(deps), params.id, body))) throw new HttpError(404, 'conversation not found');
      return { status: 200, body: await getConversationView(deps.models, params.id) };
    },
  }),
];
