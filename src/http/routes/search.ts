import { z } from 'zod';
import { search } from '../../services/search/search';
import { visibleCustomersOf, visibleMessagesOf } from '../../services/access';
import { route } from '../route';
import { messageViewSchema } from '../schemas';

export const searchRoutes = [
  route({
    method: 'get', path: '/search', tag: 'search', access: 'agent', resource: 'none',
    summary: 'Customers by name, email or phone, and messages by their words in any order (Turkish-aware, case- and accent-insensitive), newest first; messages paginated by cursor',
    query: z.object({
      q: z.string().trim().min(2).max(100),
      limit: z.coerce.number().int().min(1).max(50).default(20),
      /** The `next` of the previous page: more messages (customers come with the first page only). */
      cursor: z.string().max(100).optional(),
    }),
    responses: {
      200: {
        description: 'matches',
        schema: z.object({
          customers: z.array(z.object({ id: z.string(), name: z.string().optional(), email: z.string().optional(), phone: z.string().optional() })),
          messages: z.array(messageViewSchema.extend({ customerName: z.string().optional() })),
          next: z.string().nullable(),
        }),
      },
    },
    async handler({ query, agent, deps }) {
      const found = await search(deps.models, query.q, query.limit, query.cursor);
      // A team-restricted agent gets their part of the page (the cursor still continues after all of it).
      const [customers, messages] = await Promise.all([visibleCustomersOf(deps.models, agent, found.customers), visibleMessagesOf(deps.models, agent, found.messages)]);
      return { status: 200, body: { ...found, customers, messages } };
    },
  }),
];
