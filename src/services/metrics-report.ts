import { DateTime } from 'luxon';
import { CHANNELS } from '../domain/channels';
import type { DurationStats, ReportClock, ReportSummary } from '../domain/reports';
import type { Models } from '../store';
import { bucketId, dayOf, HOUR_MS, monthRollupId, type HourEntry } from './metrics-buckets';
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
 * The report summary from hourly buckets only, read by `_id`: one month rollup document per month of the range
 * for the team/agent pair asked for (every channel's day rollups), plus the edge days' bucket documents for their
 * hours. Cost follows the range's length, not the history's size: on FerretDB any other filter reads every
 * document (an indexed equality query per month grew about 10x from 10k to 1M messages; bench/README.md).
 * An hour counts when its start lies in [from, to).
 */
export async function reportSummary(m: Models, f: ReportFilter): Promise<ReportSummary> {
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
  const months = [...new Set([...byHour.keys()].map((h) => dayOf(h).slice(0, 7)))];
  const wanted = new Set(channels);
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
  const rollups = await Promise.all(months.map((month) => m.MetricMonth.collection.findOne({ _id: monthRollupId(team, agent, month) } as never)));
  const edges: Array<{ _id: string; channel: string; dayStart: number }> = [];
  for (const doc of rollups) {
    const c = ((doc as unknown as { c?: Record<string, Record<string, HourEntry>> } | null)?.c) ?? {};
    for (const [channel, days] of Object.entries(c)) {
      if (!wanted.has(channel)) continue;
      for (const [day, d] of Object.entries(days)) {
        const dayStart = Date.parse(`${day}T00:00:00Z`);
        if (dayStart + 24 * HOUR_MS <= from || dayStart >= to) continue;
        // Edge days are read again whole, for the hours inside the range.
        if (dayStart < from || dayStart + 24 * HOUR_MS > to) { edges.push({ _id: bucketId(day, team, agent, channel), channel, dayStart }); continue; }
        add(channel, d, Object.entries(d.v ?? {}).map(([hour, n]) => [dayStart + Number(hour) * HOUR_MS, n]));
      }
    }
  }
  const edgeDocs = await Promise.all(edges.map(({ _id }) => m.MetricBucket.collection.findOne({ _id } as never)));
  edgeDocs.forEach((doc, i) => {
    const { channel, dayStart } = edges[i]!;
    for (const [hour, e] of Object.entries((doc as unknown as { h?: Record<string, HourEntry> } | null)?.h ?? {})) {
      const start = dayStart + Number(hour) * HOUR_MS;
      if (start < from || start >= to || !e) continue;
      add(channel, e, [[start, e.n?.inbound ?? 0]]);
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
