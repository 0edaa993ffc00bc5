import { Schema, Types, type Connection } from 'mongoose';
import { isDuplicateKey } from './connection';
import { inParallel } from './parallel';
import { idForKey } from './keys';

/**
 * The search index: one posting per (term, item), where an item is a message (space `m`) or a customer (space `c`).
 * Every read is one pushed-down equality on a bucket key, which selects a bounded set: `k` (`<space>|<term>|<YYYY-MM>`,
 * the month of the item's creation) or, for a term that is dense in a month, `d` (`<space>|<term>|<YYYY-MM-DD>`, its
 * day); or a point lookup by the deterministic `_id` (space, term, item id).
 * Nothing here sorts, ranges or uses `$in`: on FerretDB those run in Go over every fetched document (STORE.md).
 * Postings are only inserted (idempotent by `_id`) and deleted by `_id`; never updated, so FerretDB's lost
 * concurrent updates cannot touch them.
 */
export type PostingSpace = 'm' | 'c';

export interface Posting {
  _id: Types.ObjectId;
  /** Month bucket key: `<space>|<term>|<YYYY-MM>`. */
  k: string;
  /** Day bucket key: `<space>|<term>|<YYYY-MM-DD>` (read instead of the month's when that holds many postings). */
  d: string;
  /** The message's or customer's _id. */
  i: Types.ObjectId;
  /** The item's creation time (messages: createdAt, which orders the results; customers: createdAt). */
  at: Date;
}

const postingSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    k: { type: String, required: true },
    d: { type: String, required: true },
    i: { type: Schema.Types.ObjectId, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false, collection: 'search_postings' },
);
// Serves: findBucket (every search reads a term's month bucket by equality). On FerretDB/PostgreSQL this is served
// by the GIN index `USING gin ((_jsonb->'k') jsonb_path_ops)` that the store tuning adds (STORE.md); on MongoDB by
// this btree. Point lookups (existingIds) and idempotent inserts go by the unique `_id` index.
postingSchema.index({ k: 1 });
// Serves: findDayBucket (a dense month of the walk's leading term is read day by day). GIN on (_jsonb->'d') likewise.
postingSchema.index({ d: 1 });

const define = (db: Connection) => db.model('SearchPosting', postingSchema);
/** The model on this connection (registered once per connection). */
export const searchPostingModel = (db: Connection) => (db.models.SearchPosting as ReturnType<typeof define> | undefined) ?? define(db);
type Model = ReturnType<typeof searchPostingModel>;

export const monthOf = (at: Date): string => at.toISOString().slice(0, 7);
export const dayOf = (at: Date): string => at.toISOString().slice(0, 10);
/** A month (`YYYY-MM`) or day (`YYYY-MM-DD`) bucket key. */
export const bucketKey = (space: PostingSpace, term: string, period: string) => `${space}|${term}|${period}`;
export const postingId = (space: PostingSpace, term: string, itemId: Types.ObjectId | string) => idForKey('post', `${space}|${term}|${String(itemId)}`);

export function posting(space: PostingSpace, term: string, itemId: Types.ObjectId, at: Date): Posting {
  return { _id: postingId(space, term, itemId), k: bucketKey(space, term, monthOf(at)), d: bucketKey(space, term, dayOf(at)), i: itemId, at };
}

/** Postings per insertMany (FerretDB's insert is not a multi-statement command; 8 concurrent 50-document inserts pass). */
const CHUNK = 50;
/** insertMany commands in flight from one call (the store's pool has 50 connections, shared by everything). */
const PARALLEL = 4;

/**
 * Inserts postings, ignoring the ones already stored (a retried job, a concurrent copy, a rebuild): unordered, in
 * chunks, duplicate-key errors swallowed. Returns the postings that were new, so the caller counts only those.
 */
export async function insertPostings(model: Model, postings: Posting[]): Promise<Posting[]> {
  const chunks: Posting[][] = [];
  for (let n = 0; n < postings.length; n += CHUNK) chunks.push(postings.slice(n, n + CHUNK));
  const inserted: Posting[] = [];
  await inParallel(chunks, async (chunk) => {
    try {
      await model.collection.insertMany(chunk as never[], { ordered: false });
      inserted.push(...chunk);
    } catch (err) {
      const writeErrors = (err as { writeErrors?: Array<{ index?: number; code?: number; err?: { index?: number; code?: number; errmsg?: string }; errmsg?: string }> }).writeErrors;
      const list = Array.isArray(writeErrors) ? writeErrors : [];
      const onlyDuplicates = list.length > 0 && list.every((e) => isDuplicateKey({ code: e.err?.code ?? e.code, message: e.err?.errmsg ?? e.errmsg }));
      if (!onlyDuplicates) {
        if (!list.length && isDuplicateKey(err)) return; // a single duplicate reported as the command's error
        throw err;
      }
      const failed = new Set(list.map((e) => e.err?.index ?? e.index));
      chunk.forEach((p, n) => !failed.has(n) && inserted.push(p));
    }
  }, PARALLEL);
  return inserted;
}

/** Every posting of one month bucket (one pushed-down equality); the caller sorts the small set in memory. */
export async function findBucket(model: Model, key: string): Promise<Pick<Posting, 'i' | 'at'>[]> {
  return (await model.collection.find({ k: key }, { projection: { _id: 0, i: 1, at: 1 } }).toArray()) as never;
}

/** Every posting of one day bucket (one pushed-down equality). */
export async function findDayBucket(model: Model, key: string): Promise<Pick<Posting, 'i' | 'at'>[]> {
  return (await model.collection.find({ d: key }, { projection: { _id: 0, i: 1, at: 1 } }).toArray()) as never;
}

/** Which of these posting ids exist: one findOne by `_id` each, at most `parallel` in flight. */
export async function existingIds(model: Model, ids: Types.ObjectId[], parallel = 8): Promise<Set<string>> {
  const found = new Set<string>();
  await inParallel(ids, async (_id) => {
    if (await model.collection.findOne({ _id }, { projection: { _id: 1 } })) found.add(String(_id));
  }, parallel);
  return found;
}

/** Deletes postings by `_id` (a renamed customer's old terms), one deleteOne each, bounded: the ids that existed. */
export async function deletePostings(model: Model, ids: Types.ObjectId[], parallel = 8): Promise<Set<string>> {
  const deleted = new Set<string>();
  await inParallel(ids, async (_id) => {
    if ((await model.collection.deleteOne({ _id })).deletedCount) deleted.add(String(_id));
  }, parallel);
  return deleted;
}

/** The postings queries bound to one connection's model: what services call (they never reach the model). */
export function searchPostingRepo(model: Model) {
  return {
    insert: (postings: Posting[]) => insertPostings(model, postings),
    findBucket: (key: string) => findBucket(model, key),
    findDayBucket: (key: string) => findDayBucket(model, key),
    existingIds: (ids: Types.ObjectId[], parallel?: number) => existingIds(model, ids, parallel),
    delete: (ids: Types.ObjectId[], parallel?: number) => deletePostings(model, ids, parallel),
  };
}
