import { z } from 'zod';
import { changeLabels } from '../../services/conversations/labels';
import { idParams, route } from '../route';
import { conversationViewSchema, err } from '../schemas';

const label = z.string().trim().min(1).max(40);
export const labelsBody = z
  .object({ add: z.array(label).max(30).optional(), remove: z.array(label).max(30).optional() })
  .refine((b) => (b.add?.length ?? 0) + (b.remove?.length ?? 0) > 0, 'add or remove at least one label');

export const labelRoutes = [
  route({
    method: 'post', path: '/conversations/:id/labels', tag: 'conversations', access: 'agent',
    summary: 'Add and/or remove labels (normalized to lowercase, Turkish-aware)', params: idParams, body: labelsBody,
    responses: {
      200: { description: 'the conversation', schema: conversationViewSchema },
      400: err('bad label or too many labels'), 404: err('conversation not found'),
    },
    async handler({ params, body, deps }) {
      return { status: 200, body: await changeLabels(deps.models, deps.events, params.id, body) };
    },
  }),
];
