import { DateTime } from 'luxon';
import { CHANNELS } from '../../domain/channels';
import type { DurationStats, ReportClock, ReportSummary } from '../../domain/reports';
import type { Redis } from 'ioredis';
import type { Models } from '../../store';
import { bucketId, dayOf, HOUR_MS, monthRollupId, unpackEntry, type HourEntry } from './metrics-buckets';
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
}

interface Acc { n: number; s: number; h: Histogram }
const acc = (): Acc => ({ n: 0, s: 0, h: {} });

/**
 * The report summary from hourly buckets only: one month rollup per month of the range for the team/agent pair
 * asked for (the day rollups of the range's days and channels), plus the edge days' bucket documents for their
 * hours, all through the Redis read cache (src/services/metrics/metrics-read-cache.ts). Cost follows the range's length, not the history's size
 * (bench/README.md, `reports`). An hour counts when its start lies in [from, to).
 */
export async function reportSummary(m: Models, redis: Redis, prefix: string, f: ReportFilter): Promise<ReportSummary> {
  const suffix = f.clock === 'wall' ? 'w' : 'b';
  const metrics = { frt: acc(), response: acc(), resolution: acc(), waiting: acc() };
  const names = { frt: `frt_${suffix}`, response: `rsp_${suffix}`, resolution: `res_${suffix}`, waiting: `wait_${suffix}` } as const;
  const from = f.from.getTime();
  const to = f.to.getTime();
  const firstHour = Math.ceil(from / HOUR_MS) * HOUR_MS;
  const byHour = new Map<number, number>();
  for (let h = firstHour; h < to; h += HOUR_MS) byHour.set(h, 0);
  let hit = 0;
  let breach = 0;

  const channels = f.channel ? [f.channel] : [...CHANNELS];
  // Every channel asked for is present, with 0 when it had no messages.
  const byChannel: Record<string, number> = Object.fromEntries(channels.map((ch) => [ch, 0]));
  const add = (channel: string, e: HourEntry, hourStarts: Array<[number, number]>) => {
    for (const [start, inbound] of hourStarts) byHour.set(start, (byHour.get(start) ?? 0) + inbound);
    byChannel[channel] = (byChannel[channel] ?? 0) + hourStarts.reduce((sum, [, n]) => sum + n, 0);
    hit += e.n?.sla_hit ?? 0;
    breach += e.n?.sla_breach ?? 0;
    for (const [key, name] of Object.entries(names) as Array<[keyof typeof metrics, string]>) {
      const a = metrics[key];
      a.n += e.n?.[name] ?? 0;
      a.s += e.s?.[name] ?? 0;
      addHistogram(a.h, (e.b?.[name] ?? {}) as Histogram);
    }
  };
  const team = f.teamId ?? '*';
  const agent = f.agentId ?? '*';
  // Only the entries of the range's days and the channels asked for are read.
  const days = [...new Set([...byHour.keys()].map(dayOf))];
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
      if (d) add(channel, d, Object.entries(d.v ?? {}).map(([hour, n]) => [dayStart + Number(hour) * HOUR_MS, n]));
    }
  });
  const edgeDocs = await readEntries(m, redis, prefix, 'bucket', edges.map(({ _id }) => _id), edges.map(({ hours }) => hours.map(([path]) => path)));
  edges.forEach(({ channel, hours }, i) => {
    for (const [path, start] of hours) {
      const e = unpackEntry(edgeDocs[i]![path]);
      if (e) add(channel, e, [[start, e.n?.inbound ?? 0]]);
    }
  });
  const byHourOfDay = new Array<number>(24).fill(0);
  const zone = f.tz ?? 'UTC';
  for (const [start, count] of byHour) if (count) byHourOfDay[DateTime.fromMillis(start, { zone }).hour]! += count;
  const stats = (a: Acc): DurationStats => ({
    count: a.n,
    avg: a.n ? a.s / a.n : null,
    median: histogramPercentile(a.h, 50),
    p90: histogramPercentile(a.h, 90),
  });
  return {
    from: f.from.toISOString(),
    to: f.to.toISOString(),
    clock: f.clock,
    frt: stats(metrics.frt),
    response: stats(metrics.response),
    resolution: stats(metrics.resolution),
    waiting: stats(metrics.waiting),
    slaHitRate: hit + breach ? hit / (hit + breach) : null,
    volumes: {
      byChannel,
      byHour: [...byHour.entries()].map(([start, count]) => ({ hour: new Date(start).toISOString(), count })),
      byHourOfDay,
    },
  };
}
