import { z } from 'zod';
import { segmentFilterSchema, segmentInputSchema, segmentRuleSchema } from '../../domain/segments';
import { seesDirectory } from '../../services/access';
import { createSegment, getSegment, listSegments, removeSegment, updateSegment } from '../../services/crm/segments';
import { idParams, route } from '../route';
import { err } from '../schemas';

const segmentView = z.object({
  id: z.string(), name: z.string(), description: z.string(), filter: segmentFilterSchema, showAsView: z.boolean(),
  rule: segmentRuleSchema.nullable(), order: z.number(), createdAt: z.string().optional(), updatedAt: z.string().optional(),
  count: z.number().optional().describe('customers in the segment now (absent for agents who do not see the customer directory)'),
});
const notFound = err('segment not found');
const actorOf = (agent: { id: string; name: string }) => ({ id: agent.id, name: agent.name });

// Segments hold no customer data, only filters: everyone reads them (the console's views); supervisors and admins
// change them. Live counts are of customers, so only agents who see the whole directory get them.
export const segmentRoutes = [
  route({
    method: 'get', path: '/segments', tag: 'segments', access: 'agent', resource: 'none',
    summary: 'Every customer segment in rule order, with its live customer count (counts need the customer directory)',
    query: z.object({ counts: z.enum(['true', 'false']).default('true').transform((v) => v === 'true') }),
    responses: { 200: { description: 'segments', schema: z.array(segmentView) } },
    async handler({ query, agent, deps }) {
      const counts = query.counts && (await seesDirectory(deps.models, agent));
      return { status: 200, body: await listSegments(deps.models, counts) };
    },
  }),
  route({
    method: 'get', path: '/segments/:id', tag: 'segments', access: 'agent', resource: 'none',
    summary: 'One segment with its live customer count', params: idParams,
    responses: { 200: { description: 'the segment', schema: segmentView }, 404: notFound },
    async handler({ params, agent, deps }) {
      const view = await getSegment(deps.models, params.id);
      if (!(await seesDirectory(deps.models, agent))) delete view.count;
      return { status: 200, body: view };
    },
  }),
  route({
    method: 'post', path: '/segments', tag: 'segments', access: 'supervisor', resource: 'none',
    summary: 'Save a directory filter as a segment (optional inbox view and opening rule: priority, team, SLA policy); audited',
    body: segmentInputSchema,
    responses: { 201: { description: 'the segment', schema: segmentView }, 400: err('bad filter (unknown attribute, bad value)'), 409: err('too many segments'), 422: err('the rule names a team that does not exist') },
    async handler({ body, agent, deps }) {
      return { status: 201, body: await createSegment(deps.models, actorOf(agent), body) };
    },
  }),
  route({
    method: 'put', path: '/segments/:id', tag: 'segments', access: 'supervisor', resource: 'none',
    summary: 'Replace a segment\'s definition; audited with the fields that changed', params: idParams, body: segmentInputSchema,
    responses: { 200: { description: 'the segment', schema: segmentView }, 400: err('bad filter'), 404: notFound, 422: err('the rule names a team that does not exist') },
    async handler({ params, body, agent, deps }) {
      return { status: 200, body: await updateSegment(deps.models, actorOf(agent), params.id, body) };
    },
  }),
  route({
    method: 'post', path: '/segments/:id/remove', tag: 'segments', access: 'supervisor', resource: 'none',
    summary: 'Remove a segment (its view goes; its rule stops applying to new openings); audited', params: idParams,
    responses: { 204: { description: 'removed' }, 404: notFound },
    async handler({ params, agent, deps }) {
      await removeSegment(deps.models, actorOf(agent), params.id);
      return { status: 204 };
    },
  }),
];
