import { z } from 'zod';
import { route } from '../route';

const quarantineViewSchema = z.object({
  id: z.string(), channel: z.string(), source: z.string(), reason: z.string(), from: z.string().optional(),
  subject: z.string().optional(), size: z.number(), excerpt: z.string(), createdAt: z.iso.datetime(),
});

export const quarantineRoutes = [
  route({
    method: 'get', path: '/admin/quarantine', tag: 'admin', access: 'admin', resource: 'none',
    summary: 'Inbound input that could not become a message (malformed, hostile, unknown bounces), newest first',
    query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
    responses: { 200: { description: 'quarantined items', schema: z.array(quarantineViewSchema) } },
    async handler({ query, deps }) {
      const docs = await deps.models.quarantine.newest(query.limit);
      const body = docs.map((d) => ({
        id: String(d._id), channel: d.channel, source: d.source, reason: d.reason, from: d.from ?? undefined,
        subject: d.subject ?? undefined, size: d.size, excerpt: d.excerpt ?? '', createdAt: d.createdAt.toISOString(),
      }));
      return { status: 200, body };
    },
  }),
];
