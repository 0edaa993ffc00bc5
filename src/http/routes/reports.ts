import { once } from 'node:events';
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { CHANNELS } from '../../domain/channels';
import { conversationCsv } from '../../services/metrics/metrics-csv';
import { reportSummary } from '../../services/metrics/metrics-report';
import { objectId, route } from '../route';
import { err } from '../schemas';

/** Longest range a report covers (a year and a day: leap years). */
const MAX_RANGE_MS = 366 * 24 * 3600 * 1000;

export const reportQuery = z
  .object({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    teamId: objectId.optional(),
    agentId: objectId.optional(),
    channel: z.enum(CHANNELS).optional(),
    clock: z.enum(['wall', 'business']).default('wall'),
    tz: z.string().max(64).refine((v) => IANAZone.isValidZone(v), 'must be an IANA time zone, e.g. Europe/Istanbul').optional(),
  })
  .superRefine((q, ctx) => {
    const span = Date.parse(q.to) - Date.parse(q.from);
    if (!(span > 0)) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    else if (span > MAX_RANGE_MS) ctx.addIssue({ code: 'custom', path: ['to'], message: 'the range may cover at most 366 days' });
  });
// Kept a plain object schema (no transform) so the OpenAPI document lists each query parameter.
const toFilter = (q: z.output<typeof reportQuery>) => ({ ...q, from: new Date(q.from), to: new Date(q.to) });

const stats = z.object({ count: z.number(), avg: z.number().nullable(), median: z.number().nullable(), p90: z.number().nullable() });
const summarySchema = z.object({
  from: z.iso.datetime(), to: z.iso.datetime(), clock: z.enum(['wall', 'business']),
  frt: stats, response: stats, resolution: stats, waiting: stats, slaHitRate: z.number().nullable(),
  volumes: z.object({
    byChannel: z.record(z.string(), z.number()),
    byHour: z.array(z.object({ hour: z.iso.datetime(), count: z.number() })),
    byHourOfDay: z.array(z.number()).length(24),
  }),
});

export const reportRoutes = [
  route({
    method: 'get', path: '/reports/summary', tag: 'reports', access: 'supervisor',
    summary: 'FRT, response, resolution and queue waiting (count, avg, median, p90 in ms), SLA hit rate and volumes, from hourly buckets',
    query: reportQuery,
    responses: { 200: { description: 'the summary (docs/metrics.md defines every number)', schema: summarySchema }, 400: err('bad range or filter'), 403: err('supervisors and admins only') },
    async handler({ query, deps }) {
      return { status: 200, body: await reportSummary(deps.models, deps.redis, deps.config.QUEUE_PREFIX, toFilter(query)) };
    },
  }),
  route({
    method: 'get', path: '/reports/conversations.csv', tag: 'reports', access: 'supervisor',
    summary: 'One CSV row per conversation opened in the range (UTF-8 with BOM), streamed',
    query: reportQuery,
    responses: { 200: { description: 'text/csv' }, 400: err('bad range or filter'), 403: err('supervisors and admins only') },
    async handler({ query: raw, deps, res }) {
      const query = toFilter(raw);
      const name = `kanal-conversations-${query.from.toISOString().slice(0, 10)}-${query.to.toISOString().slice(0, 10)}.csv`;
      res.status(200).set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}"`, 'Cache-Control': 'no-store' });
      // Written chunk by chunk, waiting for the socket to drain: a year of conversations never sits in memory.
      for await (const chunk of conversationCsv(deps.models, query)) {
        if (!res.write(chunk)) await once(res, 'drain');
      }
      res.end();
      return { status: 200, streamed: true };
    },
  }),
];
