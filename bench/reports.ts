// Report generation time for 90 days of history at 1M messages vs 10k messages: GET /api/reports/summary's work
// (reportSummary from the hourly buckets) with no filter, a team filter, and an agent + channel filter in business
// time. The ratio 1M / 10k should stay near 1: a report reads its team/agent pair's month rollups and two edge
// days' bucket documents through the Redis read cache, whatever the volume. `coldMs` is each query's first run
// (the cache empty, so the documents come from the store, where FerretDB scans the collection); `ms` the median
// of the runs after it. Run alone with
//   node scripts/with-services.mjs --own-store node --import tsx bench/reports.ts
// or as part of `npm run bench` (bench/run.ts, phase `reports`; BENCH_ONLY=reports runs only this phase there).
//
// Seeding: the bucket documents are built in memory from simulated facts (the same targetsOf/incrementsOf the
// flusher uses) and inserted in bulk. metric_events are not seeded: reports never read them, and writing
// millions of events through FerretDB would take most of the time budget.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { Types } from 'mongoose';
import '../channels';
import { channelNames } from '../src/domain/channels';
import type { MetricEvent } from '../src/services/metrics/metrics';
import { bucketDims, emptyEntry, HOUR_MS, incrementsOf, mergeEntry, monthRollupId, packEntry, targetsOf } from '../src/services/metrics/metrics-buckets';
import { reportSummary, type ReportFilter } from '../src/services/metrics/metrics-report';
import { connectStore, models } from '../src/store';
import { deleteKeys, envInt, round, STORE_OPTIONS } from './lib';
import { collectionsOf } from '../src/store/collections';

const DAYS = 90;
const SMALL = envInt('BENCH_REPORTS_SMALL', 10_000, 100, 1_000_000);
const MEDIUM = envInt('BENCH_REPORTS_MEDIUM', 100_000, 100, 5_000_000);
const LARGE = envInt('BENCH_REPORTS_LARGE', 1_000_000, 1000, 5_000_000);
const REPEAT = envInt('BENCH_REPORTS_REPEAT', 9, 1, 100);
const TEAMS = 3;
const AGENTS_PER_TEAM = 4;
const MESSAGES_PER_CONVERSATION = 5;

export interface ReportsBenchResult {
  days: number;
  seeded: Record<string, { messages: number; bucketDocuments: number; seedSeconds: number }>;
  /** Median ms of REPEAT runs after the first, per query, per size. */
  ms: Record<string, Record<string, number>>;
  /** The first run's ms (read cache empty), per query, per size. */
  coldMs: Record<string, Record<string, number>>;
  /** large / small, per query: near 1 is flat. */
  ratio: Record<string, number | null>;
  coldRatio: Record<string, number | null>;
  /** large / medium: what is left of the growth once the histograms have filled (they have 64 bins). */
  ratioLargeToMedium: Record<string, number | null>;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Deterministic pseudo-random numbers, so both sizes get the same shape of data. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

type Entry = { n: Record<string, number>; s: Record<string, number>; b: Record<string, Record<string, number>>; v?: Record<string, number> };
type Doc = ReturnType<typeof bucketDims> & { _id: string; h: Record<string, Entry>; d?: Entry };

/** Bucket documents for `messages` inbound messages over DAYS days, with responses, resolutions, queue waits, SLA. */
function buildBuckets(messages: number, end: number, teams: Types.ObjectId[], agents: Types.ObjectId[][]): Map<string, Doc> {
  const docs = new Map<string, Doc>();
  const rand = rng(messages);
  const start = end - DAYS * 24 * HOUR_MS;
  const add = (e: MetricEvent) => {
    const incs = incrementsOf(e);
    if (!incs.length) return;
    for (const t of targetsOf(e)) {
      if (t.hour === 'd') continue; // summed from the hours once built
      let doc = docs.get(t.docId);
      if (!doc) {
        docs.set(t.docId, (doc = { _id: t.docId, ...bucketDims(t.docId), h: {} }));
      }
      const entry = (doc.h[String(t.hour)] ??= { n: {}, s: {}, b: {} });
      for (const [field, v] of incs) {
        const [kind, metric, bin] = field.split('.') as ['n' | 's' | 'b' | 'v', string, string?];
        if (kind === 'b') (entry.b[metric] ??= {})[bin!] = (entry.b[metric]![bin!] ?? 0) + v;
        else if (kind === 'v') (entry.v ??= {})[metric] = (entry.v[metric] ?? 0) + v;
        else entry[kind][metric] = (entry[kind][metric] ?? 0) + v;
      }
    }
  };
  const minutes = () => Math.round(60_000 * Math.exp(rand() * 8)); // 1 min .. ~2 days, log-uniform
  for (let c = 0; c < messages / MESSAGES_PER_CONVERSATION; c++) {
    const team = Math.floor(rand() * TEAMS);
    const base = {
      conversationId: new Types.ObjectId(), teamId: teams[team]!, agentId: agents[team]![Math.floor(rand() * AGENTS_PER_TEAM)]!,
      channel: channelNames()[Math.floor(rand() * channelNames().length)]!,
    };
    let at = start + rand() * (end - start - 3 * 24 * HOUR_MS);
    add({ ...base, _id: '', type: 'opened', at: new Date(at) });
    add({ ...base, _id: '', type: 'dequeued', at: new Date(at), wallMs: minutes() / 10, businessMs: minutes() / 20 });
    for (let i = 0; i < MESSAGES_PER_CONVERSATION; i++) {
      add({ ...base, _id: '', type: 'inbound', at: new Date(at) });
      const rt = minutes();
      at += rt;
      add({ ...base, _id: '', type: 'response', at: new Date(at), first: i === 0, wallMs: rt, businessMs: rt / 3, frtWallMs: rt, frtBusinessMs: rt / 3 });
    }
    add({ ...base, _id: '', type: 'resolved', at: new Date(at), wallMs: minutes() * 3, businessMs: minutes() });
    add({ ...base, _id: '', type: 'sla', at: new Date(at), outcome: rand() < 0.8 ? 'hit' : 'breached' });
  }
  for (const doc of docs.values()) doc.d = Object.values(doc.h).reduce((acc, e) => mergeEntry(acc, e), emptyEntry());
  return docs;
}

export async function runReportsBench(opts: { mongoBase: string; redisUrl: string; runId: string; log: (msg: string) => void }): Promise<ReportsBenchResult> {
  const teams = Array.from({ length: TEAMS }, () => new Types.ObjectId());
  const agents = teams.map(() => Array.from({ length: AGENTS_PER_TEAM }, () => new Types.ObjectId()));
  const end = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
  const from = new Date(end - DAYS * 24 * HOUR_MS);
  const queries: Record<string, ReportFilter> = {
    all: { from, to: new Date(end), clock: 'wall' },
    team: { from, to: new Date(end), clock: 'wall', teamId: String(teams[1]) },
    agentChannelBusiness: { from, to: new Date(end), clock: 'business', agentId: String(agents[2]![3]), channel: 'whatsapp' },
  };
  const result: ReportsBenchResult = { days: DAYS, seeded: {}, ms: {}, coldMs: {}, ratio: {}, coldRatio: {}, ratioLargeToMedium: {} };
  const redis = new Redis(opts.redisUrl, { maxRetriesPerRequest: null });
  for (const [label, messages] of [['small', SMALL], ['medium', MEDIUM], ['large', LARGE]] as const) {
    const db = await connectStore(`${opts.mongoBase}/kb_${opts.runId}_rp${label}`, STORE_OPTIONS);
    const prefix = `kb:${opts.runId}_rp${label}`;
    try {
      const m = models(db);
      await collectionsOf(m).MetricBucket.init();
      const t0 = performance.now();
      const docs = [...buildBuckets(messages, end, teams, agents).values()];
      // Stored as the flusher stores them: every entry packed into one string.
      const stored = docs.map((doc) => ({ ...doc, h: Object.fromEntries(Object.entries(doc.h).map(([hour, e]) => [hour, packEntry(e)])), d: packEntry(doc.d!) }));
      for (let i = 0; i < stored.length; i += 500) await collectionsOf(m).MetricBucket.collection.insertMany(stored.slice(i, i + 500) as never[], { ordered: false });
      // The month rollups the flusher keeps beside the day rollups (what reports read).
      const months = new Map<string, { _id: string; c: Record<string, Record<string, string>> }>();
      for (const doc of stored) {
        const id = monthRollupId(doc.teamId, doc.agentId, doc.day.slice(0, 7));
        const month = months.get(id) ?? { _id: id, c: {} };
        months.set(id, month);
        (month.c[doc.channel] ??= {})[doc.day] = doc.d;
      }
      await collectionsOf(m).MetricMonth.collection.insertMany([...months.values()] as never[], { ordered: false });
      const seedSeconds = round((performance.now() - t0) / 1000, 1)!;
      result.seeded[label] = { messages, bucketDocuments: docs.length, seedSeconds };
      opts.log(`reports: seeded ${messages} messages over ${DAYS} days as ${docs.length} bucket documents in ${seedSeconds} s`);
      result.ms[label] = {};
      result.coldMs[label] = {};
      for (const [name, q] of Object.entries(queries)) {
        const samples: number[] = [];
        for (let i = 0; i <= REPEAT; i++) {
          const t = performance.now();
          const r = await reportSummary(m, redis, prefix, q);
          samples.push(performance.now() - t);
          if (name === 'all' && i === 0) opts.log(`reports (${label}): ${r.volumes.byHour.reduce((s, h) => s + h.count, 0)} messages, FRT median ${round((r.frt.median ?? 0) / 60_000, 1)} min`);
        }
        result.coldMs[label]![name] = round(samples[0]!, 1)!;
        result.ms[label]![name] = round(median(samples.slice(1)), 1)!;
      }
      opts.log(`reports (${label}) first-run ms: ${JSON.stringify(result.coldMs[label])}`);
      opts.log(`reports (${label}) median ms: ${JSON.stringify(result.ms[label])}`);
    } finally {
      await deleteKeys(redis, `${prefix}*`).catch(() => undefined);
      await db.dropDatabase().catch(() => {});
      await db.close();
    }
  }
  await redis.quit().catch(() => undefined);
  const ratio = (ms: Record<string, Record<string, number>>, name: string, base = 'small') => {
    const small = ms[base]?.[name];
    const large = ms.large?.[name];
    return small && large ? round(large / small, 2) : null;
  };
  for (const name of Object.keys(queries)) {
    result.ratio[name] = ratio(result.ms, name);
    result.coldRatio[name] = ratio(result.coldMs, name);
    result.ratioLargeToMedium[name] = ratio(result.ms, name, 'medium');
  }
  return result;
}

if (require.main === module) {
  const started = performance.now();
  const log = (msg: string) => console.log(`[bench ${((performance.now() - started) / 1000).toFixed(1)}s] ${msg}`);
  runReportsBench({ mongoBase: process.env.KANAL_MONGO_BASE ?? 'mongodb://127.0.0.1:27017', redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', runId: `${process.pid}_${randomBytes(3).toString('hex')}`, log })
    .then((r) => {
      console.log(JSON.stringify(r, null, 2));
      console.log(`report time 1M / 10k messages: ${JSON.stringify(r.ratio)} (first run: ${JSON.stringify(r.coldRatio)})`);
      process.exit(0);
    })
    .catch((err) => {
      console.error('[bench] reports failed:', err);
      process.exit(1);
    });
}
