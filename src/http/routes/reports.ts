import { once } from 'node:events';
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { csvFileName } from '../../services/metrics/metrics-csv';
import { exportConversationCsv } from '../../services/metrics/metrics-export';
import { reportSummary, segmentReport } from '../../services/metrics/metrics-report';
import { listSegments } from '../../services/crm/segments';
import { objectId, route } from '../route';
import { channelName, err } from '../schemas';

/** Longest range a report covers (a year and a day: leap years). */
const MAX_RANGE_MS = 366 * 24 * 3600 * 1000;

const reportFields = {
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
  teamId: objectId.optional(),
  agentId: objectId.optional(),
  channel: channelName.optional(),
  clock: z.enum(['wall', 'business']).default('wall'),
  tz: z.string().max(64).refine((v) => IANAZone.isValidZone(v), 'must be an IANA time zone, e.g. Europe/Istanbul').optional(),
  /** Only the customers of this segment (at the time of each fact); not with teamId or agentId. */
  segmentId: objectId.optional(),
};
const checkRange = (q: { from: string; to: string; segmentId?: string; teamId?: string; agentId?: string }, ctx: z.RefinementCtx) => {
  // A segment's numbers come from its own buckets, kept for all teams and agents together (docs/segments.md).
  if (q.segmentId && (q.teamId || q.agentId)) ctx.addIssue({ code: 'custom', path: ['segmentId'], message: 'a segment split covers every team and agent: leave teamId and agentId out' });
  const span = Date.parse(q.to) - Date.parse(q.from);
  if (!(span > 0)) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
  else if (span > MAX_RANGE_MS) ctx.addIssue({ code: 'custom', path: ['to'], message: 'the range may cover at most 366 days' });
};
export const reportQuery = z.object(reportFields).superRefine(checkRange);
const { teamId: _team, agentId: _agent, segmentId: _segment, ...segmentSplitFields } = reportFields;
const segmentSplitQuery = z.object(segmentSplitFields).superRefine(checkRange);
/** The CSV's labels, words and file name follow the console's language (`lang`); its times the zone (`tz`). */
const csvQuery = z.object({ ...reportFields, lang: z.enum(['tr', 'en']).default('en') }).superRefine(checkRange);
// Kept a plain object schema (no transform) so the OpenAPI document lists each query parameter.
const toFilter = (q: z.output<typeof reportQuery>) => ({ ...q, from: new Date(q.from), to: new Date(q.to) });


const stats = z.object({ count: z.number(), avg: z.number().nullable(), median: z.number().nullable(), p90: z.number().nullable() });
const volumeCounts = z.object({ new: z.number(), resolved: z.number(), reopened: z.number(), inbound: z.number() });
const summarySchema = z.object({
  from: z.iso.datetime(), to: z.iso.datetime(), clock: z.enum(['wall', 'business']),
  frt: stats, response: stats, resolution: stats, waiting: stats, slaHitRate: z.number().nullable(),
  csat: z.object({
    asked: z.number(), answered: z.number(), satisfied: z.number(),
    csat: z.number().nullable(), responseRate: z.number().nullable(), avgScore: z.number().nullable(),
  }),
  volume: volumeCounts,
  byDay: z.array(volumeCounts.extend({ day: z.iso.date() })),
  agents: z.array(z.object({ agentId: z.string(), name: z.string(), handled: z.number(), resolved: z.number(), responses: z.number(), frt: stats, resolution: stats })),
  volumes: z.object({
    byChannel: z.record(z.string(), z.number()),
    byHour: z.array(z.object({ hour: z.iso.datetime(), count: z.number() })),
    byHourOfDay: z.array(z.number()).length(24),
  }),
});

const segmentRow = z.object({
  segmentId: z.string(), name: z.string(), frt: stats, resolution: stats, csat: summarySchema.shape.csat, opened: z.number(), resolved: z.number(),
});

export const reportRoutes = [
  route({
    method: 'get', path: '/reports/segments', tag: 'reports', access: 'supervisor', resource: 'none',
    summary: "FRT, resolution time and CSAT per segment (the customer's segments when each fact was recorded), from hourly buckets",
    query: segmentSplitQuery,
    responses: {
      200: { description: 'one row per segment, in rule order (docs/segments.md, "Reports split by segment")', schema: z.object({ from: z.iso.datetime(), to: z.iso.datetime(), clock: z.enum(['wall', 'business']), segments: z.array(segmentRow) }) },
      400: err('bad range or filter'), 403: err('supervisors and admins only'),
    },
    async handler({ query, deps }) {
      const segments = (await listSegments(deps.models, false)).map((s) => ({ id: s.id, name: s.name }));
      return { status: 200, body: await segmentReport(deps.models, deps.redis, deps.config.QUEUE_PREFIX, toFilter(query), segments) };
    },
  }),
  route({
    method: 'get', path: '/reports/summary', tag: 'reports', access: 'supervisor', resource: 'none',
    summary: 'FRT, response, resolution and queue waiting (count, avg, median, p90 in ms), SLA hit rate, CSAT and volumes, from hourly buckets',
    query: reportQuery,
    responses: { 200: { description: 'the summary (docs/metrics.md defines every number)', schema: summarySchema }, 400: err('bad range or filter'), 403: err('supervisors and admins only') },
    async handler({ query, deps }) {
      return { status: 200, body: await reportSummary(deps.models, deps.redis, deps.config.QUEUE_PREFIX, toFilter(query)) };
    },
  }),
  route({
    method: 'get', path: '/reports/conversations.csv', tag: 'reports', access: 'supervisor', resource: 'none',
    summary: 'One CSV row per conversation opened in the range (UTF-8 with BOM, labelled columns, minutes, local times), streamed',
    query: csvQuery,
    responses: { 200: { description: 'text/csv' }, 400: err('bad range or filter'), 403: err('supervisors and admins only') },
    async handler({ agent, query: raw, deps, res }) {
      const query = toFilter(raw);
      const csv = await exportConversationCsv(deps.models, agent, query, raw.lang);
      const name = csvFileName(query, raw.lang);
      res.status(200).set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}"`, 'Cache-Control': 'no-store' });
      // Written chunk by chunk, waiting for the socket to drain: a year of conversations never sits in memory.
      for await (const chunk of csv) {
        if (!res.write(chunk)) await once(res, 'drain');
      }
      res.end();
      return { status: 200, streamed: true };
    },
  }),
];
