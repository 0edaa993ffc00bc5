import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { inParallel, type Models } from '../../store';
import { isSatisfied } from '../../domain/csat';
import { binOf } from './metrics-histogram';
import { invalidateEntries, readEntries, writeEntry, type CachedCollection } from './metrics-read-cache';
import { metricsFeedKey, type MetricEvent } from './metrics';

/**
 * Folding metric facts into hourly buckets, correctly on FerretDB and MongoDB.
 *
 * FerretDB applies an update as read-modify-write of the whole document, so concurrent `$inc`s (or any updates)
 * of one bucket document can lose each other. Hence:
 * - services only append facts (metric_events) and push them to a Redis list (the feed);
 * - one flusher at a time (a Redis lock; the BullMQ `metrics` worker runs it every few seconds) folds the feed
 *   into per-hour accumulators in Redis: a Lua script sets a per-fact marker (SET NX) and HINCRBYs in one atomic
 *   step, so a fact is counted once however often it is fed or the flusher crashes and re-reads the feed;
 * - the flusher then writes the accumulators' absolute values to the bucket documents with `$set` (idempotent:
 *   writing the same totals twice changes nothing), and is the only writer of bucket documents.
 * An accumulator missing in Redis (never opened, closed after CLOSE_AFTER_MS, or Redis lost) is seeded from its
 * bucket document before facts are added. recomputeBuckets() rebuilds any range from metric_events alone.
 */

const MARKER_TTL_S = 8 * 24 * 3600;
/** An hour's accumulator stays in Redis this long after the hour, then only its bucket document remains. */
export const CLOSE_AFTER_MS = 48 * 3600 * 1000;
const FEED_BATCH = 2000;
const LOCK_MS = 60_000;

export const HOUR_MS = 3600 * 1000;
const keys = (prefix: string) => ({
  feed: metricsFeedKey(prefix),
  dirty: `${prefix}:metrics:dirty`,
  open: `${prefix}:metrics:open`,
  lock: `${prefix}:metrics:lock`,
  acc: (docId: string, slot: Slot) => `${prefix}:metrics:acc:${docId}#${slot}`,
  marker: (id: string) => `${prefix}:metrics:seen:${id}`,
});

export const dayOf = (hourStart: number) => new Date(hourStart).toISOString().slice(0, 10);
export const bucketId = (day: string, team: string, agent: string, channel: string) => `${day}|${team}|${agent}|${channel}`;
/** The month rollup document a day bucket's rollup is copied into (src/store/metric-buckets.ts). */
export const monthRollupId = (team: string, agent: string, month: string) => `${team}|${agent}|${month}`;

/** Copies a day bucket's rollup into its month document, under its channel and day; returns where it went. */
async function writeMonthRollup(m: Models, docId: string, d: HourEntry) {
  const { day, teamId, agentId, channel } = bucketDims(docId);
  const slot = { id: monthRollupId(teamId, agentId, day.slice(0, 7)), path: `c.${channel}.${day}`, packed: packEntry(d) };
  await m.metricBuckets.setMonthEntry(slot.id, slot.path, slot.packed);
  return slot;
}

/** The fields of a bucket document besides its hours, from its _id. */
export function bucketDims(docId: string) {
  const [day, teamId, agentId, channel] = docId.split('|') as [string, string, string, string];
  return { day, teamId, agentId, channel };
}

/** An hour of the day (0-23), or `d`: the document's whole-day rollup (the sum of its hours). */
export type Slot = number | 'd';
export interface Target { docId: string; hour: Slot; hourStart: number }
/** What counting reads of a fact: as recorded (MetricEvent), or as stored, where an unset field may be absent or null. */
type CountedFact = Pick<MetricEvent, 'type' | 'at' | 'channel'>
  & { [K in 'teamId' | 'agentId' | 'first' | 'wallMs' | 'businessMs' | 'frtWallMs' | 'frtBusinessMs' | 'outcome' | 'score' | 'prevScore' | 'segments']?: MetricEvent[K] | null };

/**
 * The team slot of a segment's buckets: a segment's facts also land in (`g:<segment id>`, `*`) documents, so a
 * report split by segment reads them like a team's (same month rollups, read cache and rebuild), agent always `*`.
 */
export const segmentBucketTeam = (segmentId: string) => `g:${segmentId}`;

/**
 * The bucket documents a fact lands in: (team | all) x (agent | all), plus (segment, all) for each segment it carries,
 * on its channel; in each, its hour and
 * the day's rollup `d` (reports read `d` for days wholly in their range: 1/24 of the values).
 */
export function targetsOf(e: Pick<CountedFact, 'at' | 'teamId' | 'agentId' | 'channel' | 'segments'>): Target[] {
  const at = new Date(e.at).getTime();
  const hourStart = Math.floor(at / HOUR_MS) * HOUR_MS;
  const hour = new Date(hourStart).getUTCHours();
  const day = dayOf(hourStart);
  const team = e.teamId ? String(e.teamId) : 'none';
  const agent = e.agentId ? String(e.agentId) : 'none';
  const lastHour = Math.floor(hourStart / (24 * HOUR_MS)) * 24 * HOUR_MS + 23 * HOUR_MS; // `d` closes with the day
  const pairs = [[team, agent], [team, '*'], ['*', agent], ['*', '*'], ...(e.segments ?? []).map((g) => [segmentBucketTeam(g), '*'])];
  return pairs.flatMap(([t, a]) => {
    const docId = bucketId(day, t!, a!, e.channel);
    return [{ docId, hour, hourStart }, { docId, hour: 'd' as const, hourStart: lastHour }];
  });
}

/** Hash fields a fact increments: `n.<metric>` counts, `s.<metric>` sums (ms), `b.<metric>.<bin>` histogram bins. */
export function incrementsOf(e: CountedFact): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  const duration = (metric: string, value: number | null | undefined) => {
    if (value === undefined || value === null || !Number.isFinite(value)) return;
    const v = Math.round(value);
    out.push([`n.${metric}`, 1], [`s.${metric}`, v], [`b.${metric}.${binOf(v)}`, 1]);
  };
  switch (e.type) {
    case 'inbound': out.push(['n.inbound', 1], [`v.${new Date(e.at).getUTCHours()}`, 1]); break; // v: inbound per hour, for `d`
    case 'opened': out.push(['n.opened', 1]); break;
    case 'reopened': out.push(['n.reopened', 1]); break;
    case 'assigned': out.push(['n.assigned', 1]); break; // the agent's "handled" (docs/metrics.md)
    case 'response':
      duration('rsp_w', e.wallMs); duration('rsp_b', e.businessMs);
      if (e.first) { duration('frt_w', e.frtWallMs); duration('frt_b', e.frtBusinessMs); }
      break;
    case 'resolved': duration('res_w', e.wallMs); duration('res_b', e.businessMs); break;
    case 'dequeued': duration('wait_w', e.wallMs); duration('wait_b', e.businessMs); break;
    case 'sla': out.push([e.outcome === 'hit' ? 'n.sla_hit' : 'n.sla_breach', 1]); break;
    case 'csat_asked': out.push(['n.csat_asked', 1]); break;
    case 'csat_answered': out.push(...csatIncrements(e.score, e.prevScore)); break;
    default: break; // queued: a fact kept for audits, nothing to count
  }
  return out;
}

/**
 * A survey answer: the first one counts an answer (and a satisfied one when 4-5); a change within the change window
 * moves the satisfied count and the score sum by the difference (negative increments), never counting twice.
 */
function csatIncrements(score: number | null | undefined, prev: number | null | undefined): Array<[string, number]> {
  if (!score) return [];
  const pos = (s: number) => (isSatisfied(s) ? 1 : 0);
  if (!prev) return [['n.csat_answered', 1], ['n.csat_pos', pos(score)], ['s.csat_score', score]];
  return [['n.csat_pos', pos(score) - pos(prev)], ['s.csat_score', score - prev]];
}

/** An hour entry (or the day rollup `d`) of a bucket document: counts, sums, sparse histograms, inbound by hour. */
export interface HourEntry {
  n: Record<string, number>;
  s: Record<string, number>;
  b: Record<string, Record<string, number>>;
  v?: Record<string, number>;
}
export const emptyEntry = (): HourEntry => ({ n: {}, s: {}, b: {} });

/**
 * Bucket and month documents store each entry as one JSON string, not as nested fields: FerretDB converts every
 * field between JSONB and BSON on each read, and a busy day's histograms hold thousands of them (a 90-day report
 * at 300k messages spent seconds there). Only the flusher writes entries and only reports read them whole.
 */
export const packEntry = (e: HourEntry): string => JSON.stringify(sortedKeys(e));
/** Keys in order, so the same totals always pack to the same string (rebuilt and live buckets compare equal). */
function sortedKeys(v: unknown): unknown {
  if (!v || typeof v !== 'object') return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortedKeys((v as Record<string, unknown>)[k])]));
}
export const unpackEntry = (stored: unknown): HourEntry | undefined => (typeof stored === 'string' ? (JSON.parse(stored) as HourEntry) : undefined);

export function entryFromHash(hash: Record<string, string>): HourEntry {
  const e = emptyEntry();
  for (const [field, raw] of Object.entries(hash)) addField(e, field, Number(raw));
  return e;
}
function addField(e: HourEntry, field: string, v: number) {
  const [kind, metric, bin] = field.split('.');
  if (kind === 'n' || kind === 's') e[kind][metric!] = (e[kind][metric!] ?? 0) + v;
  else if (kind === 'v') (e.v ??= {})[metric!] = (e.v[metric!] ?? 0) + v;
  else if (kind === 'b') (e.b[metric!] ??= {})[bin!] = (e.b[metric!]![bin!] ?? 0) + v;
}
export function hashFromEntry(e: HourEntry): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(e.n ?? {})) out[`n.${k}`] = String(v);
  for (const [k, v] of Object.entries(e.s ?? {})) out[`s.${k}`] = String(v);
  for (const [k, bins] of Object.entries(e.b ?? {})) for (const [bin, v] of Object.entries(bins)) out[`b.${k}.${bin}`] = String(v);
  for (const [k, v] of Object.entries(e.v ?? {})) out[`v.${k}`] = String(v);
  return out;
}

/** Adds one entry into another (the day rollup is the sum of the day's hours). */
export function mergeEntry(into: HourEntry, e: HourEntry): HourEntry {
  for (const [field, v] of Object.entries(hashFromEntry(e))) addField(into, field, Number(v));
  return into;
}

// KEYS: marker, dirty set, accumulators...; ARGV: marker ttl, then field/increment pairs for every accumulator.
const APPLY_LUA = `
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  for i = 3, #KEYS do
    for j = 2, #ARGV, 2 do redis.call('HINCRBY', KEYS[i], ARGV[j], ARGV[j + 1]) end
    redis.call('SADD', KEYS[2], KEYS[i])
  end
  return 1
end
return 0`;

async function withLock<T>(redis: Redis, prefix: string, fn: () => Promise<T>): Promise<T | null> {
  const k = keys(prefix);
  const token = randomUUID();
  if ((await redis.set(k.lock, token, 'PX', LOCK_MS, 'NX')) !== 'OK') return null;
  try {
    return await fn();
  } finally {
    await redis.eval("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0", 1, k.lock, token);
  }
}

/**
 * Runs `fn` as the one writer of what the flusher derives (buckets, health), waiting for the flusher lock (up to a
 * minute): a maintenance job (a health rebuild) then never interleaves with a flusher pass.
 */
export async function underFlusherLock<T>(redis: Redis, prefix: string, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; attempt < 600; attempt++) {
    const r = await withLock(redis, prefix, async () => ({ value: await fn() }));
    if (r) return r.value;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error('the metrics flusher lock stayed busy');
}

export interface FlushResult { applied: number; written: number; closed: number }

/**
 * One flusher pass (the metrics worker's job): feed -> accumulators -> bucket documents, then closes old hours.
 * Returns null when another process holds the flusher lock (it is doing the same work).
 */
export async function flushMetrics(m: Models, redis: Redis, prefix: string, now = Date.now(), observer?: FactObserver): Promise<FlushResult | null> {
  return withLock(redis, prefix, () => flushLocked(m, redis, prefix, now, observer));
}

/**
 * Told, under the flusher lock (so it is the one writer of what it derives), about every fact fed (possibly again,
 * after a crash: it must be idempotent), and once at the end of each pass.
 */
export interface FactObserver {
  facts(events: MetricEvent[]): Promise<unknown>;
  passed(now: number): Promise<unknown>;
}

async function flushLocked(m: Models, redis: Redis, prefix: string, now: number, observer?: FactObserver): Promise<FlushResult> {
  const k = keys(prefix);
  const result: FlushResult = { applied: 0, written: 0, closed: 0 };
  for (;;) {
    const raw = await redis.lrange(k.feed, 0, FEED_BATCH - 1);
    if (!raw.length) break;
    const events = raw.map((r) => JSON.parse(r) as MetricEvent);
    await seedMissing(m, redis, prefix, events.flatMap((e) => targetsOf(e)));
    const pipe = redis.pipeline();
    for (const e of events) {
      const incs = incrementsOf(e);
      if (!incs.length) continue;
      const accs = targetsOf(e).map((t) => k.acc(t.docId, t.hour));
      pipe.eval(APPLY_LUA, 2 + accs.length, k.marker(e._id), k.dirty, ...accs, MARKER_TTL_S, ...incs.flat());
    }
    const applied = await pipe.exec();
    result.applied += (applied ?? []).filter(([, v]) => v === 1).length;
    await observer?.facts(events);
    await redis.ltrim(k.feed, raw.length, -1);
  }
  result.written = await writeDirty(m, redis, prefix);
  result.closed = await closeOldHours(redis, prefix, now);
  await observer?.passed(now);
  return result;
}

/** Accumulators about to receive facts but absent from Redis start from their bucket document's values. */
async function seedMissing(m: Models, redis: Redis, prefix: string, targets: Target[]) {
  const k = keys(prefix);
  const unique = [...new Map(targets.map((t) => [k.acc(t.docId, t.hour), t])).entries()];
  const exists = await redis.pipeline(unique.map(([key]) => ['exists', key])).exec();
  const missing = unique.filter((_, i) => exists?.[i]?.[1] === 0);
  if (!missing.length) return;
  const docIds = [...new Set(missing.map(([, t]) => t.docId))];
  const docs = await readEntries(m, redis, prefix, 'bucket', docIds);
  const byId = new Map(docIds.map((id, i) => [id, docs[i]!]));
  const pipe = redis.pipeline();
  for (const [key, t] of missing) {
    const stored = unpackEntry(byId.get(t.docId)?.[t.hour === 'd' ? 'd' : `h.${t.hour}`]);
    const fields = stored ? hashFromEntry(stored) : {};
    if (Object.keys(fields).length) pipe.hset(key, fields);
    pipe.zadd(k.open, t.hourStart, key);
  }
  await pipe.exec();
}

async function writeDirty(m: Models, redis: Redis, prefix: string): Promise<number> {
  const k = keys(prefix);
  let written = 0;
  for (;;) {
    const members = await redis.srandmember(k.dirty, 500);
    if (!members.length) return written;
    const hashes = await redis.pipeline(members.map((key) => ['hgetall', key])).exec();
    // One upsert at a time: FerretDB 1.24 (PostgreSQL backend) was seen to hang on an unordered bulkWrite of
    // ~100 upserts, and this single background writer has time.
    const cache = redis.pipeline();
    for (const [i, key] of members.entries()) {
      const [docId, hour] = key.slice(`${prefix}:metrics:acc:`.length).split('#') as [string, string];
      const entry = entryFromHash((hashes?.[i]?.[1] as Record<string, string>) ?? {});
      const field = hour === 'd' ? 'd' : `h.${hour}`;
      const packed = packEntry(entry);
      await m.metricBuckets.setBucketEntries(docId, { [field]: packed }, bucketDims(docId));
      writeEntry(cache, prefix, 'bucket', docId, field, packed);
      if (hour === 'd') {
        const month = await writeMonthRollup(m, docId, entry);
        writeEntry(cache, prefix, 'month', month.id, month.path, month.packed);
      }
    }
    await cache.srem(k.dirty, ...members).exec();
    written += members.length;
  }
}

async function closeOldHours(redis: Redis, prefix: string, now: number): Promise<number> {
  const k = keys(prefix);
  const old = await redis.zrangebyscore(k.open, '-inf', String(now - CLOSE_AFTER_MS), 'LIMIT', 0, 5000);
  if (!old.length) return 0;
  // writeDirty ran just before, under the same lock: every accumulator is in its document.
  await redis.pipeline([['del', ...old], ['zrem', k.open, ...old]]).exec();
  return old.length;
}

/**
 * Rebuilds the buckets of every hour overlapping [from, to) from metric_events alone. Runs under the flusher lock
 * (waits for it), after draining the feed, and leaves accumulators of those hours to be re-seeded from the result.
 */
export async function recomputeBuckets(m: Models, redis: Redis, prefix: string, from: Date, to: Date): Promise<{ events: number; documents: number }> {
  for (let attempt = 0; attempt < 600; attempt++) {
    const r = await withLock(redis, prefix, () => recomputeLocked(m, redis, prefix, from, to));
    if (r) return r;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error('recomputeBuckets: the metrics flusher lock stayed busy');
}

async function recomputeLocked(m: Models, redis: Redis, prefix: string, fromDate: Date, toDate: Date) {
  const k = keys(prefix);
  await flushLocked(m, redis, prefix, Date.now());
  const from = Math.floor(fromDate.getTime() / HOUR_MS) * HOUR_MS;
  const to = Math.ceil(toDate.getTime() / HOUR_MS) * HOUR_MS;
  const entries = new Map<string, { docId: string; hour: Slot; entry: HourEntry }>();
  let count = 0;
  const markers = redis.pipeline();
  // The one read of facts by time: a maintenance cursor (see eachInTimeRange), not a request path.
  for await (const e of m.metricEvents.eachInTimeRange(new Date(from), new Date(to))) {
    count++;
    markers.set(k.marker(e._id), '1', 'EX', MARKER_TTL_S); // a late feed of this fact must not count it again
    const incs = incrementsOf(e);
    for (const t of targetsOf(e)) {
      if (t.hour === 'd') continue; // rebuilt below from all of the document's hours
      const key = `${t.docId}#${t.hour}`;
      let slot = entries.get(key);
      if (!slot) entries.set(key, (slot = { docId: t.docId, hour: t.hour, entry: emptyEntry() }));
      for (const [field, v] of incs) addField(slot.entry, field, v);
    }
  }
  // Whole documents are rebuilt: their hours outside the range are kept, those inside replaced (or emptied when
  // no fact is left). The flusher lock makes this read-modify-replace safe.
  const days: string[] = [];
  for (let d = Math.floor(from / (24 * HOUR_MS)) * 24 * HOUR_MS; d < to; d += 24 * HOUR_MS) days.push(dayOf(d));
  const docs = new Map<string, Record<string, HourEntry>>();
  // One `day` equality per day in parallel (never `$in`: FerretDB would read every bucket document).
  for (const doc of (await inParallel(days, (day) => m.metricBuckets.ofDay(day))).flat()) {
    const start = Date.parse(`${doc.day}T00:00:00Z`);
    const kept = Object.entries(doc.h ?? {}).filter(([hour]) => start + Number(hour) * HOUR_MS < from || start + Number(hour) * HOUR_MS >= to);
    docs.set(doc._id, Object.fromEntries(kept.map(([hour, e]) => [hour, unpackEntry(e) ?? emptyEntry()])));
  }
  for (const { docId, hour, entry } of entries.values()) {
    let h = docs.get(docId);
    if (!h) docs.set(docId, (h = {}));
    h[String(hour)] = entry;
  }
  const rebuilt: Array<[CachedCollection, string]> = [];
  for (const [_id, h] of docs) {
    const d = Object.values(h).reduce((acc, e) => mergeEntry(acc, e), emptyEntry());
    const packed = Object.fromEntries(Object.entries(h).map(([hour, e]) => [hour, packEntry(e)]));
    await m.metricBuckets.setBucketEntries(_id, { h: packed, d: packEntry(d) }, bucketDims(_id));
    rebuilt.push(['bucket', _id], ['month', (await writeMonthRollup(m, _id, d)).id]);
  }
  await invalidateEntries(redis, prefix, rebuilt);
  const dayAccs = [...docs.keys()].map((id) => k.acc(id, 'd'));
  if (dayAccs.length) markers.del(...dayAccs).zrem(k.open, ...dayAccs);
  const stale = await redis.zrangebyscore(k.open, String(from), `(${to}`);
  if (stale.length) markers.del(...stale).zrem(k.open, ...stale);
  await markers.exec();
  return { events: count, documents: docs.size };
}
