import type { Redis } from 'ioredis';
import type { Models } from '../../store';

/**
 * A Redis copy of the bucket and month documents reports read, one hash per document with one field per packed
 * entry, under the path the flusher `$set`s (`h.<hour>`, `d`, `c.<channel>.<day>`).
 *
 * Why: FerretDB 1.24 answers every lookup, `_id` included, with a scan of the whole collection (its pushed-down
 * filters are jsonb `@>`, which its btree expression indexes cannot serve), so a report that read its month
 * rollups from the store got slower as history grew. From Redis a report costs what it reads.
 *
 * Consistency: the store stays the source of truth. The flusher writes every entry to the store, then HSETs it
 * here; a reader that misses loads the document and fills the hash with HSETNX (never over a newer flushed
 * value) and the `!` completeness mark. A rebuild (recomputeBuckets) bumps the epoch and deletes the hashes, and
 * a fill that began before the bump is dropped, so no pre-rebuild value survives it.
 */
export type CachedCollection = 'bucket' | 'month';
/** Unread documents leave Redis after this long; the flusher's writes and every read renew it. */
export const CACHE_TTL_S = 7 * 24 * 3600;
const COMPLETE = '!';
const ENTRY_ROOTS = ['h', 'd', 'c'];

const docKey = (prefix: string, kind: CachedCollection, id: string) => `${prefix}:metrics:doc:${kind}:${id}`;
const epochKey = (prefix: string) => `${prefix}:metrics:doc-epoch`;

// KEYS: hash, epoch; ARGV: epoch seen before the store read, ttl, then field/value pairs.
const FILL_LUA = `
if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[1] then return 0 end
for i = 3, #ARGV, 2 do redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('HSET', KEYS[1], '${COMPLETE}', '1')
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1`;

/** The packed entries of a stored document, by their `$set` path. */
function entriesOf(doc: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (v: unknown, path: string) => {
    if (typeof v === 'string') out[path] = v;
    else if (v && typeof v === 'object') for (const [k, child] of Object.entries(v)) walk(child, `${path}.${k}`);
  };
  for (const root of ENTRY_ROOTS) walk((doc as Record<string, unknown> | null)?.[root], root);
  return out;
}

/** The stored document behind a cached one, by `_id`. */
const storedDocument = (m: Models, kind: CachedCollection, id: string) => (kind === 'bucket' ? m.metricBuckets.bucketById(id) : m.metricBuckets.monthById(id));

/**
 * The entries of each document (none when it does not exist) from Redis, loading those Redis lacks; with
 * `fields`, only those paths of each document are read and returned.
 */
export async function readEntries(m: Models, redis: Redis, prefix: string, kind: CachedCollection, ids: string[], fields?: string[][]): Promise<Array<Record<string, string>>> {
  if (!ids.length) return [];
  const epoch = (await redis.get(epochKey(prefix))) ?? '0';
  const read = redis.pipeline();
  ids.forEach((id, i) => {
    const key = docKey(prefix, kind, id);
    if (fields) read.hmget(key, COMPLETE, ...fields[i]!);
    else read.hgetall(key);
    read.expire(key, CACHE_TTL_S);
  });
  const replies = await read.exec();
  const out = ids.map((_, i): Record<string, string> => {
    const reply = replies?.[2 * i]?.[1];
    if (!fields) return { ...(reply as Record<string, string>) };
    const values = reply as Array<string | null>;
    return Object.fromEntries([COMPLETE, ...fields[i]!].map((path, j) => [path, values[j]]).filter(([, v]) => v !== null));
  });
  const missing = ids.map((id, i) => ({ id, i })).filter(({ i }) => out[i]![COMPLETE] === undefined);
  if (missing.length) {
    const docs = await Promise.all(missing.map(({ id }) => storedDocument(m, kind, id)));
    const fill = redis.pipeline();
    missing.forEach(({ id, i }, j) => {
      // Values flushed since the store read are newer than the document's: keep them.
      const entries = { ...entriesOf(docs[j]), ...out[i] };
      fill.eval(FILL_LUA, 2, docKey(prefix, kind, id), epochKey(prefix), epoch, CACHE_TTL_S, ...Object.entries(entries).flat());
      out[i] = fields ? Object.fromEntries(fields[i]!.filter((path) => entries[path] !== undefined).map((path) => [path, entries[path]!])) : entries;
    });
    await fill.exec();
  }
  for (const entries of out) delete entries[COMPLETE];
  return out;
}

/** Queues the flusher's write of one entry (after the store has it). */
export function writeEntry(pipe: ReturnType<Redis['pipeline']>, prefix: string, kind: CachedCollection, id: string, path: string, packed: string): void {
  pipe.hset(docKey(prefix, kind, id), path, packed).expire(docKey(prefix, kind, id), CACHE_TTL_S);
}

/** Drops the copies of rebuilt documents; fills that read the store before this are discarded. */
export async function invalidateEntries(redis: Redis, prefix: string, docs: Array<[CachedCollection, string]>): Promise<void> {
  const pipe = redis.pipeline().incr(epochKey(prefix));
  for (let i = 0; i < docs.length; i += 500) pipe.del(...docs.slice(i, i + 500).map(([kind, id]) => docKey(prefix, kind, id)));
  await pipe.exec();
}
