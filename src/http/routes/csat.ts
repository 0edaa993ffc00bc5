import { z } from 'zod';
import { customerSurveys, toCsatView } from '../../services/csat/csat';
import { idParams, route } from '../route';
import { err } from '../schemas';

export const csatViewSchema = z.object({
  conversationId: z.string(), channel: z.string(), status: z.enum(['scheduled', 'asked', 'answered', 'unsent']), reason: z.string().nullable(),
  language: z.string(), secondQuestion: z.enum(['none', 'text', 'nps']), askedAt: z.string().nullable(), expiresAt: z.string().nullable(),
  remindedAt: z.string().nullable(), score: z.number().nullable(), comment: z.string().nullable(), nps: z.number().nullable(),
  followUp: z.string().nullable(), via: z.string().nullable(), answeredAt: z.string().nullable(), changeableUntil: z.string().nullable(),
});

/** Satisfaction surveys as agents see them: one conversation's, and a customer's history (the profile sidebar). */
export const csatRoutes = [
  route({
    method: 'get', path: '/conversations/:id/csat', tag: 'csat', access: 'agent', resource: 'conversation',
    summary: "The conversation's satisfaction survey and its answer (null when none was scheduled)",
    params: idParams,
    responses: { 200: { description: 'the survey or null', schema: csatViewSchema.nullable() }, 404: err('conversation not found') },
    async handler({ params, deps }) {
      const doc = await deps.models.csat.byId(params.id);
      return { status: 200, body: doc ? toCsatView(doc) : null };
    },
  }),
  route({
    method: 'get', path: '/customers/:id/csat', tag: 'csat', access: 'agent', resource: 'customer',
    summary: "The customer's satisfaction surveys, newest first, with their averages",
    params: idParams,
    responses: {
      200: { description: 'surveys and summary', schema: z.object({ items: z.array(csatViewSchema), answered: z.number(), avgScore: z.number().nullable(), csat: z.number().nullable() }) },
      404: err('customer not found'),
    },
    async handler({ params, deps }) {
      const items = await customerSurveys(deps.models, params.id);
      const scores = items.flatMap((i) => (i.status === 'answered' && i.score ? [i.score] : []));
      const avgScore = scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null;
      const csat = scores.length ? scores.filter((s) => s >= 4).length / scores.length : null;
      return { status: 200, body: { items, answered: scores.length, avgScore, csat } };
    },
  }),
];
