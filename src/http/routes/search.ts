import { z } from 'zod';
import { search } from '../../services/search';
import { route } from '../route';
import { messageViewSchema } from '../schemas';

export const searchRoutes = [
  route({
    method: 'get', path: '/search', tag: 'search', access: 'agent',
    summary: 'Customers by name, email or phone, and messages by text (Turkish-aware, case-insensitive)',
    query: z.object({ q: z.string().trim().min(2).max(100), limit: z.coerce.number().int().min(1).max(50).default(20) }),
    responses: {
      200: {
        description: 'matches',
        schema: z.object({
          customers: z.array(z.object({ id: z.string(), name: z.string().optional(), email: z.string().optional(), phone: z.string().optional() })),
          messages: z.array(messageViewSchema.extend({ customerName: z.string().optional() })),
        }),
      },
    },
    async handler({ query, deps }) {
      return { status: 200, body: await search(deps.models, query.q, query.limit) };
    },
  }),
];
