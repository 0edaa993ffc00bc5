import { z } from 'zod';
import { createCanned, deleteCanned, listCanned, updateCanned } from '../../services/agents/canned';
import { idParams, route } from '../route';
import { err } from '../schemas';

const cannedBody = z.object({
  shortcut: z.string().trim().regex(/^\/?[\p{L}\p{N}_-]{1,40}$/u, 'letters, digits, _ or -, up to 40'),
  title: z.string().trim().min(1).max(200),
  text: z.string().trim().min(1).max(5000),
  language: z.string().min(2).max(16).optional(),
});
const cannedView = cannedBody.extend({ id: z.string() });
const notFound = err('canned response not found');

export const cannedRoutes = [
  route({
    method: 'get', path: '/canned', tag: 'canned', access: 'agent', resource: 'none',
    summary: 'All canned responses (the composer inserts them with /shortcut)',
    responses: { 200: { description: 'canned responses', schema: z.array(cannedView) } },
    async handler({ deps }) {
      return { status: 200, body: await listCanned(deps.models) };
    },
  }),
  route({
    method: 'post', path: '/canned', tag: 'canned', access: 'admin', resource: 'none',
    summary: 'Create a canned response', body: cannedBody,
    responses: { 201: { description: 'created', schema: cannedView }, 409: err('shortcut taken') },
    async handler({ body, agent, deps }) {
      return { status: 201, body: await createCanned(deps.models, body, agent, deps.events) };
    },
  }),
  route({
    method: 'post', path: '/canned/:id', tag: 'canned', access: 'admin', resource: 'none',
    summary: 'Change a canned response (only the fields sent)', params: idParams, body: cannedBody.partial(),
    responses: { 200: { description: 'updated', schema: cannedView }, 404: notFound, 409: err('shortcut taken') },
    async handler({ agent, params, body, deps }) {
      return { status: 200, body: await updateCanned(deps.models, agent, params.id, body, deps.events) };
    },
  }),
  route({
    method: 'post', path: '/canned/:id/delete', tag: 'canned', access: 'admin', resource: 'none',
    summary: 'Delete a canned response', params: idParams,
    responses: { 204: { description: 'deleted' }, 404: notFound },
    async handler({ agent, params, deps }) {
      await deleteCanned(deps.models, agent, params.id, deps.events);
      return { status: 204 };
    },
  }),
];
