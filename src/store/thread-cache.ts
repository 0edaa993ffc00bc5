import type { Redis } from 'ioredis';
import { mongo, type Connection } from 'mongoose';

/**
 * A cache of thread buckets (a customer's messages of one week, messages `tb`) in Redis, beside the store: a thread
 * page reads its weeks from here and only a missing week from the store. Every document FerretDB returns costs it
 * about half a millisecond to decode, so a page of 50 messages read cold costs tens of milliseconds however it is
 * indexed; agents open the same threads again and again (a new message, a refetch, a colleague).
 *
 * Kept correct by the messages repository, the only writer: after inserting a message it adds the message to its
 * bucket if that bucket is cached; after changing or moving messages it forgets their buckets. Every such write also
 * bumps the bucket's version, and a read fills a missing bucket only if the version it saw before reading the store
 * is still current (a Lua check), so a write racing a fill is either in the filled bucket or fills are skipped.
 * Documents are stored as canonical Extended JSON, so ObjectIds and Dates come back as they were.
 * Buckets expire after BUCKET_TTL_S: what a crash between a store write and its cache update can leave stale lasts
 * at most that long. When Redis fails, reads go to the store.
 */
const BUCKET_TTL_S = 3600;
const COMPLETE = '~';
const EJSON = mongo.BSON.EJSON;

// KEYS[1] bucket hash, KEYS[2] version; ARGV[1] version seen before the store read, ARGV[2] ttl, then id, json pairs.
const FILL = `
if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('HSET', KEYS[1], '${COMPLETE}', '1')
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1`;
// KEYS[1] bucket hash, KEYS[2] version; ARGV[1] ttl, then id, json pairs (new messages: added where the bucket is cached).
const ADD = `
redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[1])
if redis.call('EXISTS', KEYS[1]) == 1 then
  for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
return 1`;
// KEYS[1] bucket hash, KEYS[2] version; ARGV[1] ttl (changed or moved messages: the bucket is read again next time).
const FORGET = `
redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[1])
return 1`;

export interface ThreadCache {
  /** The messages of each bucket: from Redis where cached, else by `load` (then cached unless a write raced it). */
  buckets<T extends { _id: unknown }>(buckets: string[], load: (bucket: string) => Promise<T[]>): Promise<T[][]>;
  /** Messages just inserted: added to their buckets where those are cached. */
  added(docs: { _id: unknown; tb?: string | null }[]): Promise<void>;
  /** Buckets whose messages changed or moved: read from the store next time. */
  forget(buckets: (string | null | undefined)[]): Promise<void>;
}

/** Throws the first error of a pipeline's replies: the write's caller fails and its retry updates the cache. */
function failed(replies: [Error | null, unknown][] | null): void {
  const err = replies?.find(([e]) => e)?.[0];
  if (err) throw err;
}

const attached = new WeakMap<Connection, ThreadCache>();
/** Makes the messages repository of `db` keep and read `cache` (every process that writes: attachRedisState). */
export function attachThreadCache(db: Connection, cache: ThreadCache): () => void {
  attached.set(db, cache);
  return () => {
    if (attached.get(db) === cache) attached.delete(db);
  };
}
/** The cache attached to `db`, if any (tests and tools that write without one leave it alone). */
export const threadCacheOf = (db: Connection): ThreadCache | undefined => attached.get(db);

export function threadCache(redis: Redis, prefix: string): ThreadCache {
  const key = (bucket: string) => `${prefix}:thread:${bucket}`;
  const version = (bucket: string) => `${prefix}:thread-v:${bucket}`;
  const encode = (doc: { _id: unknown }) => [String(doc._id), EJSON.stringify(doc, { relaxed: false })];
  const byBucket = <T extends { tb?: string | null }>(docs: T[]) => {
    const out = new Map<string, T[]>();
    for (const d of docs) {
      if (!d.tb) continue;
      const list = out.get(d.tb);
      if (list) list.push(d);
      else out.set(d.tb, [d]);
    }
    return out;
  };
  return {
    async buckets<T extends { _id: unknown }>(buckets: string[], load: (bucket: string) => Promise<T[]>): Promise<T[][]> {
      let cached: [Error | null, unknown][];
      try {
        const pipe = redis.pipeline();
        for (const b of buckets) pipe.hgetall(key(b)).get(version(b));
        cached = ((await pipe.exec()) ?? []) as [Error | null, unknown][];
      } catch {
        return Promise.all(buckets.map(load)); // Redis unavailable: the store alone
      }
      return Promise.all(buckets.map(async (b, i) => {
        const [hashErr, hash] = cached[2 * i] ?? [];
        const rows = hash as Record<string, string> | null;
        if (!hashErr && rows?.[COMPLETE]) {
          return Object.entries(rows).filter(([id]) => id !== COMPLETE).map(([, json]) => EJSON.parse(json, { relaxed: false }) as T);
        }
        const seen = String(cached[2 * i + 1]?.[1] ?? '0');
        const docs = await load(b);
        // Not awaited: the page needs the documents, not the fill (a failed or refused fill only costs a later read).
        void redis.eval(FILL, 2, key(b), version(b), seen, BUCKET_TTL_S, ...docs.flatMap(encode)).catch(() => undefined);
        return docs;
      }));
    },
    async added(docs) {
      const groups = byBucket(docs);
      if (!groups.size) return;
      const pipe = redis.pipeline();
      for (const [b, list] of groups) pipe.eval(ADD, 2, key(b), version(b), BUCKET_TTL_S, ...list.flatMap(encode));
      failed(await pipe.exec());
    },
    async forget(buckets) {
      const unique = [...new Set(buckets.filter((b): b is string => Boolean(b)))];
      if (!unique.length) return;
      const pipe = redis.pipeline();
      for (const b of unique) pipe.eval(FORGET, 2, key(b), version(b), BUCKET_TTL_S);
      failed(await pipe.exec());
    },
  };
}
