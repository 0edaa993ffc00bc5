import { DateTime } from 'luxon';
import { CHANNELS } from '../domain/channels';
import type { DurationStats, ReportClock, ReportSummary } from '../domain/reports';
import type { Models } from '../store';
import { dayOf, HOUR_MS, monthKey, type HourEntry } from './metrics-buckets';
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
 * The report summary from hourly buckets only: one equality query per month of the range for the day rollups of
 * the team/agent pair asked for, plus the edge days' hours (so the cost follows the range's length, not the
 * number of messages in it).
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
  // Days wholly in the range come from each document's day rollup `d` (hours left out of the transfer); the
  // (at most two) edge days are read again whole, for their hours.
  const rollups = (await Promise.all(months.map((month) =>
    m.MetricBucket.collection.find({ mk: monthKey(f.teamId ?? '*', f.agentId ?? '*', month) } as never, { projection: { h: 0 } }).toArray()))).flat();
  const edges: string[] = [];
  for (const doc of rollups) {
    const d = doc as unknown as { _id: string; day: string; channel: string; d?: HourEntry };
    if (!wanted.has(d.channel)) continue;
    const dayStart = Date.parse(`${d.day}T00:00:00Z`);
    if (dayStart + 24 * HOUR_MS <= from || dayStart >= to) continue;
    if (dayStart < from || dayStart + 24 * HOUR_MS > to) { edges.push(d._id); continue; }
    if (d.d) add(d.channel, d.d, Object.entries(d.d.v ?? {}).map(([hour, n]) => [dayStart + Number(hour) * HOUR_MS, n]));
  }
  const edgeDocs = await Promise.all(edges.map((_id) => m.MetricBucket.collection.findOne({ _id } as never)));
  for (const doc of edgeDocs) {
    if (!doc) continue;
    const d = doc as unknown as { day: string; channel: string; h?: Record<string, HourEntry> };
    const dayStart = Date.parse(`${d.day}T00:00:00Z`);
    for (const [hour, e] of Object.entries(d.h ?? {})) {
      const start = dayStart + Number(hour) * HOUR_MS;
      if (start < from || start >= to || !e) continue;
      add(d.channel, e, [[start, e.n?.inbound ?? 0]]);
    }
  }
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
