import { once } from 'node:events';
import { z } from 'zod';
import { exportAuditCsv, listAudit, type AuditFilter } from '../../services/audit';
import { objectId, route } from '../route';
import { err } from '../schemas';

/** A bound of the range: an instant, or a day (from: its start, to: its end, UTC). */
const bound = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);
export const auditQuery = z.object({
  actorId: objectId.optional(),
  action: z.string().trim().max(60).optional(),
  subjectType: z.string().trim().max(40).optional(),
  from: bound.optional(),
  to: bound.optional(),
  q: z.string().trim().max(200).optional(),
});
const pageQuery = auditQuery.extend({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(80).optional(),
});
const toFilter = (q: z.output<typeof auditQuery>): AuditFilter => ({
  actorId: q.actorId, actionPrefix: q.action || undefined, subjectType: q.subjectType || undefined, q: q.q || undefined,
  from: q.from ? new Date(q.from) : undefined,
  to: q.to ? new Date(q.to.length === 10 ? `${q.to}T23:59:59.999Z` : q.to) : undefined,
});

const entrySchema = z.object({
  id: z.string(), at: z.iso.datetime(), action: z.string(), actor: z.object({ id: z.string(), name: z.string() }),
  subjectType: z.string(), subjectId: z.string().nullable(), subjectName: z.string(), summary: z.string(),
  before: z.record(z.string(), z.unknown()), after: z.record(z.string(), z.unknown()), undoneAt: z.iso.datetime().nullable(),
});

/**
 * The audit log of admin and supervisor changes: admins only. Supervisors are refused: the log shows the settings of
 * areas they cannot open (agents' accounts, API tokens, webhooks, channel setup), and who reset whose password.
 */
export const auditRoutes = [
  route({
    method: 'get', path: '/admin/audit', tag: 'admin', access: 'admin', resource: 'none',
    summary: 'Audit log, newest first: filter by actor, action prefix (e.g. `agent.`), subject type, range, free text; page with `cursor`',
    query: pageQuery,
    responses: {
      200: { description: 'a page; `nextCursor` null at the end', schema: z.object({ entries: z.array(entrySchema), nextCursor: z.string().nullable() }) },
      400: err('bad filter or cursor'), 403: err('admins only'),
    },
    async handler({ query, deps }) {
      return { status: 200, body: await listAudit(deps.models, toFilter(query), query.limit, query.cursor) };
    },
  }),
  route({
    method: 'get', path: '/admin/audit.csv', tag: 'admin', access: 'admin', resource: 'none',
    summary: 'The filtered audit log as CSV (UTF-8 with BOM), newest first, streamed; the export itself is recorded',
    query: auditQuery,
    responses: { 200: { description: 'text/csv' }, 400: err('bad filter'), 403: err('admins only') },
    async handler({ agent, query, deps, res }) {
      const csv = await exportAuditCsv(deps.models, agent, toFilter(query));
      res.status(200).set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="kanal-audit.csv"', 'Cache-Control': 'no-store' });
      // Written a day at a time, waiting for the socket to drain: a year of entries never sits in memory.
      for await (const chunk of csv) {
        if (!res.write(chunk)) await once(res, 'drain');
      }
      res.end();
      return { status: 200, streamed: true };
    },
  }),
];
