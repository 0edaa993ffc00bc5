import { DateTime } from 'luxon';
import { channelNames } from '../../domain/channels';
import type { AgentReportRow, CsatStats, DurationStats, ReportClock, ReportSummary, SegmentReport } from '../../domain/reports';
import type { Redis } from 'ioredis';
import type { Models } from '../../store';
import { bucketId, dayOf, HOUR_MS, monthRollupId, segmentBucketTeam, unpackEntry, type HourEntry } from './metrics-buckets';
import { readEntries } from './metrics-read-cache';
import { addHistogram, histogramPercentile, type Histogram } from './metrics-histogram';

export interface ReportFilter {
  from: Date;
  to: Date;
  teamId?: string;
  agentId?: string;
  channel?: string;
  clock: ReportClock;
  /** IANA zone for byHourOfDay (default UTC). */
  tz?: string;
  /** Only the facts of this segment's customers (its own buckets; not combined with a team or an agent). */
  segmentId?: string;
}

interface Acc { n: number; s: number; h: Histogram }
const acc = (): Acc => ({ n: 0, s: 0, h: {} });
/** Conversation volume counted from bucket counters: opened (new), resolves, customer reopens, inbound messages. */
const COUNTS = { new: 'opened', resolved: 'res_w', reopened: 'reopened', inbound: 'inbound' } as const;
type Counts = Record<keyof typeof COUNTS, number>;
const counts = (): Counts => ({ new: 0, resolved: 0, reopened: 0, inbound: 0 });

/** What one (team, agent) pair of buckets holds over the range. */
interface RangeTotals {
  metrics: Record<'frt' | 'response' | 'resolution' | 'waiting', Acc>;
  hit: number; breach: number; assigned: number;
  csat: { asked: number; answered: number; satisfied: number; scoreSum: number };
  volume: Counts;
  byChannel: Record<string, number>;
  byHour: Map<number, number>;
  /** Local date (the report's zone) → counts. */
  byDay: Map<string, Counts>;
}

/**
 * The totals of one (team, agent) pair of buckets over the range: one month rollup per month for the days and
 * channels asked for, plus the edge days' bucket documents for their hours inside the range, all through the Redis
 * read cache (metrics-read-cache.ts). Cost follows the range's length, not the history's size (bench/README.md,
 * `reports`). An hour counts when its start lies in [from, to). A day rollup counts for the local date of its UTC
 * noon, an edge hour for its own local date (so a day's counts can shift by the zone's offset at most: rollups are
 * UTC days).
 */
async function readRange(m: Models, redis: Redis, prefix: string, f: ReportFilter, team: string, agent: string): Promise<RangeTotals> {
  const suffix = f.clock === 'wall' ? 'w' : 'b';
  const names = { frt: `frt_${suffix}`, response: `rsp_${suffix}`, resolution: `res_${suffix}`, waiting: `wait_${suffix}` } as const;
  const t: RangeTotals = {
    metrics: { frt: acc(), response: acc(), resolution: acc(), waiting: acc() }, hit: 0, breach: 0, assigned: 0,
    csat: { asked: 0, answered: 0, satisfied: 0, scoreSum: 0 }, volume: counts(), byChannel: {}, byHour: new Map(), byDay: new Map(),
  };
  const from = f.from.getTime();
  const to = f.to.getTime();
  const zone = f.tz ?? 'UTC';
  const localDay = (ms: number) => DateTime.fromMillis(ms, { zone }).toISODate()!;
  for (let h = Math.ceil(from / HOUR_MS) * HOUR_MS; h < to; h += HOUR_MS) t.byHour.set(h, 0);
  for (let d = DateTime.fromMillis(from, { zone }).startOf('day'); d.toMillis() < to; d = d.plus({ days: 1 })) t.byDay.set(d.toISODate()!, counts());
  const channels = f.channel ? [f.channel] : channelNames();
  // Every channel asked for is present, with 0 when it had no messages.
  for (const ch of channels) t.byChannel[ch] = 0;
  /** `day`: the local date these counts belong to; `hourStarts`: inbound messages per hour start. */
  const add = (channel: string, e: HourEntry, day: string, hourStarts: Array<[number, number]>) => {
    for (const [start, inbound] of hourStarts) t.byHour.set(start, (t.byHour.get(start) ?? 0) + inbound);
    t.byChannel[channel] = (t.byChannel[channel] ?? 0) + hourStarts.reduce((sum, [, n]) => sum + n, 0);
    const daily = t.byDay.get(day);
    for (const [key, name] of Object.entries(COUNTS) as Array<[keyof Counts, string]>) {
      t.volume[key] += e.n?.[name] ?? 0;
      if (daily) daily[key] += e.n?.[name] ?? 0;
    }
    t.hit += e.n?.sla_hit ?? 0;
    t.breach += e.n?.sla_breach ?? 0;
    t.assigned += e.n?.assigned ?? 0;
    t.csat.asked += e.n?.csat_asked ?? 0;
    t.csat.answered += e.n?.csat_answered ?? 0;
    t.csat.satisfied += e.n?.csat_pos ?? 0;
    t.csat.scoreSum += e.s?.csat_score ?? 0;
    for (const [key, name] of Object.entries(names) as Array<[keyof RangeTotals['metrics'], string]>) {
      const a = t.metrics[key];
      a.n += e.n?.[name] ?? 0;
      a.s += e.s?.[name] ?? 0;
      addHistogram(a.h, (e.b?.[name] ?? {}) as Histogram);
    }
  };
  // Only the entries of the range's days and the channels asked for are read.
  const days = [...new Set([...t.byHour.keys()].map(dayOf))];
  const months = [...new Set(days.map((day) => day.slice(0, 7)))];
  const slots = months.map((month) => days.filter((day) => day.startsWith(month)).flatMap((day) => channels.map((channel) => ({ day, channel, path: `c.${channel}.${day}` }))));
  const rollups = await readEntries(m, redis, prefix, 'month', months.map((month) => monthRollupId(team, agent, month)), slots.map((s) => s.map(({ path }) => path)));
  const edges: Array<{ _id: string; channel: string; hours: Array<[string, number]> }> = [];
  slots.forEach((monthSlots, i) => {
    for (const { day, channel, path } of monthSlots) {
      const packed = rollups[i]![path];
      if (!packed) continue;
      const dayStart = Date.parse(`${day}T00:00:00Z`);
      if (dayStart < from || dayStart + 24 * HOUR_MS > to) {
        // An edge day: only its hours inside the range count, from its bucket document.
        const hours = Array.from({ length: 24 }, (_, h): [string, number] => [`h.${h}`, dayStart + h * HOUR_MS]).filter(([, start]) => start >= from && start < to);
        edges.push({ _id: bucketId(day, team, agent, channel), channel, hours });
        continue;
      }
      const d = unpackEntry(packed);
      if (d) add(channel, d, localDay(dayStart + 12 * HOUR_MS), Object.entries(d.v ?? {}).map(([hour, n]) => [dayStart + Number(hour) * HOUR_MS, n]));
    }
  });
  const edgeDocs = await readEntries(m, redis, prefix, 'bucket', edges.map(({ _id }) => _id), edges.map(({ hours }) => hours.map(([path]) => path)));
  edges.forEach(({ channel, hours }, i) => {
    for (const [path, start] of hours) {
      const e = unpackEntry(edgeDocs[i]![path]);
      if (e) add(channel, e, localDay(start), [[start, e.n?.inbound ?? 0]]);
    }
  });
  return t;
}

const stats = (a: Acc): DurationStats => ({
  count: a.n,
  avg: a.n ? a.s / a.n : null,
  median: histogramPercentile(a.h, 50),
  p90: histogramPercentile(a.h, 90),
});

function csatStats({ csat }: RangeTotals): CsatStats {
  return {
    asked: csat.asked, answered: csat.answered, satisfied: csat.satisfied,
    csat: csat.answered ? csat.satisfied / csat.answered : null,
    responseRate: csat.asked ? Math.min(1, csat.answered / csat.asked) : null,
    avgScore: csat.answered ? csat.scoreSum / csat.answered : null,
  };
}

/** How many agents' buckets are read at once for the per-agent table. */
const AGENT_READS_IN_FLIGHT = 4;

/** One row per agent: the filtered one, or every active person (not bots) of the team asked for, or of all teams. */
async function agentRows(m: Models, redis: Redis, prefix: string, f: ReportFilter, team: string, totals: RangeTotals): Promise<AgentReportRow[]> {
  const people = f.agentId ? [await m.agents.byId(f.agentId)].filter((a) => a !== null) : (f.teamId ? await m.agents.activeOfTeam(f.teamId) : await m.agents.active()).filter((a) => !a.bot);
  const rows: AgentReportRow[] = [];
  for (let i = 0; i < people.length; i += AGENT_READS_IN_FLIGHT) {
    const batch = people.slice(i, i + AGENT_READS_IN_FLIGHT);
    rows.push(...await Promise.all(batch.map(async (a) => {
      const r = f.agentId ? totals : await readRange(m, redis, prefix, f, team, String(a._id));
      return {
        agentId: String(a._id), name: a.name, handled: r.assigned, resolved: r.metrics.resolution.n, responses: r.metrics.response.n,
        frt: stats(r.metrics.frt), resolution: stats(r.metrics.resolution),
      };
    })));
  }
  // Busiest first; ties by name, so the table reads the same every time.
  return rows.sort((a, b) => b.handled - a.handled || b.resolved - a.resolved || a.name.localeCompare(b.name));
}

/**
 * The report summary, from hourly buckets only (docs/metrics.md): the team/agent pair asked for (`*` when not
 * filtered), and per agent the same read of that agent's buckets. No conversation is read.
 */
export async function reportSummary(m: Models, redis: Redis, prefix: string, f: ReportFilter): Promise<ReportSummary> {
  // A segment's facts have their own (segment, all agents) buckets: the route refuses a segment with a team or agent.
  const team = f.segmentId ? segmentBucketTeam(f.segmentId) : f.teamId ?? '*';
  const t = await readRange(m, redis, prefix, f, team, f.agentId ?? '*');
  const byHourOfDay = new Array<number>(24).fill(0);
  const zone = f.tz ?? 'UTC';
  for (const [start, count] of t.byHour) if (count) byHourOfDay[DateTime.fromMillis(start, { zone }).hour]! += count;
  return {
    from: f.from.toISOString(),
    to: f.to.toISOString(),
    clock: f.clock,
    frt: stats(t.metrics.frt),
    response: stats(t.metrics.response),
    resolution: stats(t.metrics.resolution),
    waiting: stats(t.metrics.waiting),
    slaHitRate: t.hit + t.breach ? t.hit / (t.hit + t.breach) : null,
    csat: csatStats(t),
    volume: t.volume,
    byDay: [...t.byDay.entries()].map(([day, c]) => ({ day, ...c })),
    agents: f.segmentId ? [] : await agentRows(m, redis, prefix, f, team, t),
    volumes: {
      byChannel: t.byChannel,
      byHour: [...t.byHour.entries()].map(([start, count]) => ({ hour: new Date(start).toISOString(), count })),
      byHourOfDay,
    },
  };
}

/**
 * FRT, resolution and CSAT of every segment over the range: per segment the same bucket read as the summary, for its
 * (segment, all agents) buckets, four at a time. The cost follows segments × range, never customers or conversations.
 */
export async function segmentReport(m: Models, redis: Redis, prefix: string, f: ReportFilter, segments: Array<{ id: string; name: string }>): Promise<SegmentReport> {
  const rows: SegmentReport['segments'] = [];
  for (let i = 0; i < segments.length; i += AGENT_READS_IN_FLIGHT) {
    rows.push(...await Promise.all(segments.slice(i, i + AGENT_READS_IN_FLIGHT).map(async (s) => {
      const t = await readRange(m, redis, prefix, { ...f, teamId: undefined, agentId: undefined }, segmentBucketTeam(s.id), '*');
      return {
        segmentId: s.id, name: s.name, frt: stats(t.metrics.frt), resolution: stats(t.metrics.resolution), csat: csatStats(t),
        opened: t.volume.new, resolved: t.volume.resolved,
      };
    })));
  }
  return { from: f.from.toISOString(), to: f.to.toISOString(), clock: f.clock, segments: rows };
}
