import { z } from 'zod';
import { MAX_LABEL_LENGTH } from '../../domain/labels';
import { listLabels, renameLabel, setLabelColour } from '../../services/conversations/label-catalog';
import { changeLabels } from '../../services/conversations/labels';
import { idParams, route } from '../route';
import { conversationViewSchema, err } from '../schemas';

const label = z.string().trim().min(1).max(MAX_LABEL_LENGTH);
const nameParams = z.object({ name: label });
const labelView = z.object({ name: z.string(), colour: z.string().nullable(), conversations: z.number() });
const colourBody = z.object({ colour: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour is #rrggbb').nullable() });
const renameBody = z.object({ to: label });
const moved = z.object({ name: z.string().nullable(), conversations: z.number() });
const notFound = err('label not found');
export const labelsBody = z
  .object({ add: z.array(label).max(30).optional(), remove: z.array(label).max(30).optional() })
  .refine((b) => (b.add?.length ?? 0) + (b.remove?.length ?? 0) > 0, 'add or remove at least one label');

export const labelRoutes = [
  route({
    method: 'post', path: '/conversations/:id/labels', tag: 'conversations', access: 'agent', resource: 'conversation',
    summary: 'Add and/or remove labels (normalized to lowercase, Turkish-aware)', params: idParams, body: labelsBody,
    responses: {
      200: { description: 'the conversation', schema: conversationViewSchema },
      400: err('bad label or too many labels'), 404: err('conversation not found'),
    },
    async handler({ params, body, deps }) {
      return { status: 200, body: await changeLabels(deps.models, deps.events, params.id, body) };
    },
  }),
  route({
    method: 'get', path: '/labels', tag: 'conversations', access: 'agent', resource: 'none',
    summary: 'Every label in use (with how many conversations carry it) and its colour',
    responses: { 200: { description: 'labels by name', schema: z.array(labelView) } },
    async handler({ deps }) {
      return { status: 200, body: await listLabels(deps.models) };
    },
  }),
  route({
    method: 'put', path: '/labels/:name', tag: 'conversations', access: 'admin', resource: 'none',
    summary: "Set a label's colour (#rrggbb; null clears it)", params: nameParams, body: colourBody,
    responses: { 200: { description: 'the label', schema: labelView }, 400: err('bad colour or name') },
    async handler({ agent, params, body, deps }) {
      return { status: 200, body: await setLabelColour(deps.models, deps.events, agent, params.name, body.colour) };
    },
  }),
  route({
    method: 'post', path: '/labels/:name/rename', tag: 'conversations', access: 'admin', resource: 'none',
    summary: 'Rename a label on every conversation that carries it (onto an existing label: merges them); asking again finishes a rename cut short',
    params: nameParams, body: renameBody,
    responses: { 200: { description: 'the new name and how many conversations changed', schema: moved }, 400: err('bad or unchanged name'), 404: notFound },
    async handler({ agent, params, body, deps }) {
      return { status: 200, body: await renameLabel(deps.models, deps.events, agent, params.name, body.to) };
    },
  }),
  route({
    method: 'post', path: '/labels/:name/delete', tag: 'conversations', access: 'admin', resource: 'none',
    summary: 'Remove a label from every conversation that carries it, and its colour',
    params: nameParams,
    responses: { 200: { description: 'how many conversations changed', schema: moved }, 404: notFound },
    async handler({ agent, params, deps }) {
      return { status: 200, body: await renameLabel(deps.models, deps.events, agent, params.name, null) };
    },
  }),
];
