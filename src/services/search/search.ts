import { Types } from 'mongoose';
import { customerQueryTerms, messageQueryTerms } from '../../domain/search-terms';
import { inParallel, type Models } from '../../store';
import { bucketKey, monthOf, postingId, type Posting, type PostingSpace } from '../../store/search-postings';
import { InboxError } from '../conversations/inbox';
import { denseMonthOf, rareLeadOf, termStats } from './search-index';
import { toMessageView } from '../conversations/views';
import { customerNames } from '../conversations/customer-names';

/**
 * Search over the term index (src/services/search/search-index.ts, docs/architecture.md "Search"): customers by name,
 * email and phone, messages by their words in any order, Turkish-aware (src/domain/search-terms.ts), newest first,
 * messages paginated by cursor. No regular expression is built from the query and no query scans a collection:
 * every store read is one equality on a term's month bucket, or a point lookup by `_id`.
 *
 * Per query: the rarest term (Redis directory counts) leads. When it is rare, all its postings are read at once;
 * else it is walked month by month, newest first, only through months where every term has postings; each month's bucket is sorted in memory; the other terms are checked by reading
 * their bucket for that month when it is small, else by `_id` point lookups of (term, candidate). A request stops
 * when its page is full or its read budget is spent; the cursor continues from the last candidate examined.
 */

export interface SearchResult {
  customers: { id: string; name?: string; email?: string; phone?: string }[];
  messages: (ReturnType<typeof toMessageView> & { customerName?: string })[];
  /** Pass as `cursor` for the next page of messages; null when there is none. */
  next: string | null;
}

/** Postings read from buckets per walk (each ~100 bytes), and `_id` lookups per walk: a request's worst case. */
const MAX_POSTINGS_READ = 5_000;
const MAX_LOOKUPS = 400;
/** Another term's bucket is read whole (one query) when it holds at most this many postings, else looked up by _id. */
const READ_OTHER_BUCKET_MAX = 500;
/** Without a directory (no Redis wired), months walked back from now. */
const BLIND_MONTHS = 24;
/** Store commands in flight from one request. */
const PARALLEL = 4; // customers and messages walk side by side: at most 8 in flight per request

interface Position {
  at: number;
  id: string;
}
const newerFirst = (a: Position, b: Position) => b.at - a.at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

export function encodeCursor(p: Position): string {
  return Buffer.from(`${p.at}.${p.id}`).toString('base64url');
}
export function decodeCursor(cursor: string): Position {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('.');
  if (!at || !id || !/^\d{1,15}$/.test(at) || !Types.ObjectId.isValid(id) || id.length !== 24) throw new InboxError('invalid cursor', 'invalid_input');
  return { at: Number(at), id };
}

/** Days of a month (`YYYY-MM-DD`), newest first, none after today or after the cursor's day. */
function daysOf(month: string, after: Position | null): string[] {
  const [y, mo] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  const ceiling = [new Date(), ...(after ? [new Date(after.at)] : [])].map((d) => d.toISOString().slice(0, 10)).sort()[0]!;
  const out: string[] = [];
  for (let day = last; day >= 1; day--) {
    const key = `${month}-${String(day).padStart(2, '0')}`;
    if (key <= ceiling) out.push(key);
  }
  return out;
}

/** A position just older than everything in a month or day bucket: where the walk continues after it. */
function endOf(period: string): Position {
  const [y, mo, d] = period.split('-').map(Number) as [number, number, number | undefined];
  return { at: Date.UTC(y, mo - 1, d ?? 1) - 1, id: 'f'.repeat(24) };
}

function monthsBack(from: Date, n: number): string[] {
  const out: string[] = [];
  const d = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), 1));
  for (let k = 0; k < n; k++, d.setUTCMonth(d.getUTCMonth() - 1)) out.push(monthOf(d));
  return out;
}

/**
 * Items (messages or customers) holding every term, newest first, after `after`, accepted by `accept` (which
 * reads the documents and drops the ones not to show), until `limit` or the budget. Returns them and the position
 * to continue from (null: nothing left).
 */
async function walk<T>(
  m: Models,
  space: PostingSpace,
  terms: string[],
  limit: number,
  after: Position | null,
  accept: (ids: Types.ObjectId[]) => Promise<Map<string, T>>,
): Promise<{ items: T[]; next: Position | null }> {
  if (!terms.length) return { items: [], next: null };
  const stats = await termStats(m, space, terms);
  const count = (t: string, month: string) => stats?.get(t)?.get(month) ?? 0;
  const total = (t: string) => [...(stats?.get(t)?.values() ?? [])].reduce((a, b) => a + b, 0);
  // The rarest term leads; without counts, the longest (usually the most selective).
  const ordered = [...terms].sort((a, b) => (stats ? total(a) - total(b) : b.length - a.length));
  const [lead, ...others] = ordered as [string, ...string[]];
  const afterMonth = after ? monthOf(new Date(after.at)) : null;
  let months = stats
    ? [...(stats.get(lead)?.keys() ?? [])].filter((mo) => others.every((t) => count(t, mo) > 0)).sort().reverse()
    : monthsBack(new Date(), BLIND_MONTHS);
  if (afterMonth) months = months.filter((mo) => mo <= afterMonth);

  const items: T[] = [];
  let read = 0;
  let lookups = 0;
  /**
   * Checks candidates (sorted newest first) chunk by chunk: `lookedUp` terms by posting `_id`, then `accept`. Returns
   * where to stop (the page is full, or the budget spent: the last candidate examined), or null to go on.
   */
  const consume = async (candidates: Position[], lookedUp: string[]): Promise<Position | null> => {
    for (let n = 0; n < candidates.length; ) {
      const need = limit - items.length;
      const chunk = candidates.slice(n, n + Math.max(need, PARALLEL));
      let verified = chunk;
      if (lookedUp.length) {
        const ids = chunk.flatMap((c) => lookedUp.map((t) => postingId(space, t, c.id)));
        const found = await m.searchPostings.existingIds(ids, PARALLEL);
        lookups += ids.length;
        verified = chunk.filter((c) => lookedUp.every((t) => found.has(String(postingId(space, t, c.id)))));
      }
      const docs = verified.length ? await accept(verified.map((c) => new Types.ObjectId(c.id))) : new Map<string, T>();
      for (const c of chunk) {
        const doc = docs.get(c.id);
        if (doc) items.push(doc);
        if (items.length >= limit) return c;
      }
      n += chunk.length;
      // Over budget: continue from the last candidate examined (the walk may end here with nothing after it).
      if (read > MAX_POSTINGS_READ || lookups > MAX_LOOKUPS) return chunk[chunk.length - 1]!;
    }
    return null;
  };
  const fresh = (bucket: Pick<Posting, 'i' | 'at'>[]) =>
    bucket.map((p) => ({ at: new Date(p.at).getTime(), id: String(p.i) })).filter((p) => !after || newerFirst(p, after) > 0);

  // A rare leading term (an order number, a surname): all its month buckets are read at once and walked as one list,
  // so the request costs the same few round trips whether its matches fall in one month or in twelve.
  if (stats && total(lead) <= rareLeadOf(m)) {
    const buckets = await inParallel(months, (month) => m.searchPostings.findBucket(bucketKey(space, lead, month)), PARALLEL);
    read += buckets.reduce((n, b) => n + b.length, 0);
    return { items, next: await consume(fresh(buckets.flat()).sort(newerFirst), others) };
  }

  const dense = denseMonthOf(m);
  for (const month of months) {
    // A month holding many postings of the leading term is read day by day (bucket key `d`), newest day first.
    const slices = stats && count(lead, month) > dense ? daysOf(month, after) : [month];
    // Other terms: a small month bucket is read once and intersected; a big one is checked per candidate by _id.
    const present = new Map<string, Set<string>>();
    const lookedUp: string[] = [];
    for (const t of others) {
      if (stats && count(t, month) <= READ_OTHER_BUCKET_MAX) {
        const have = new Set((await m.searchPostings.findBucket(bucketKey(space, t, month))).map((p) => String(p.i)));
        read += have.size;
        present.set(t, have);
        if (!have.size) break; // no item of this month can hold every term
      } else lookedUp.push(t);
    }
    if ([...present.values()].some((have) => !have.size)) continue;
    for (const slice of slices) {
      const key = bucketKey(space, lead, slice);
      const bucket = slice.length > 7 ? await m.searchPostings.findDayBucket(key) : await m.searchPostings.findBucket(key);
      read += bucket.length;
      const candidates = fresh(bucket).filter((p) => [...present.values()].every((have) => have.has(p.id))).sort(newerFirst);
      const stop = await consume(candidates, lookedUp);
      if (stop) return { items, next: stop };
      if (read > MAX_POSTINGS_READ) return { items, next: endOf(slice) };
    }
  }
  return { items, next: null };
}

/** Documents by `_id`, one findById each, bounded (`$in` would scan on FerretDB). */
/** Documents read by `_id` (the store's parallel lookups), keyed by id; gone ones left out. */
function byId<T extends { _id: unknown }>(docs: (T | null)[]): Map<string, T> {
  return new Map(docs.flatMap((d) => (d ? [[String(d._id), d] as const] : [])));
}

/** Customers matching `q` (name, email, phone), newest first, at most `limit` (merged ones left out). */
export async function searchCustomers(m: Models, q: string, limit: number) {
  for (const terms of customerQueryTerms(q)) {
    const { items } = await walk(m, 'c', terms, limit, null, async (ids) => {
      const docs = byId(await m.customers.byIds(ids));
      for (const [id, c] of docs) if (c.mergedInto) docs.delete(id); // merged into another: that one is the result
      return docs;
    });
    if (items.length) return items;
  }
  return [];
}

/**
 * Customers (first page only) and messages matching `q`, newest first; `cursor` continues the messages of an
 * earlier answer's `next`.
 */
export async function search(m: Models, q: string, limit = 20, cursor?: string): Promise<SearchResult> {
  const after = cursor ? decodeCursor(cursor) : null;
  const [customers, messages] = await Promise.all([
    after ? Promise.resolve([]) : searchCustomers(m, q, limit),
    walk(m, 'm', messageQueryTerms(q), limit, after, async (ids) => {
      const docs = byId(await m.messages.byIds(ids));
      for (const [id, d] of docs) if (d.kind !== 'message' && d.kind !== 'note') docs.delete(id);
      return docs;
    }),
  ]);
  const names = await customerNames(m, messages.items.map((x) => x.customerId));
  return {
    customers: customers.map((c) => ({ id: String(c._id), name: c.name ?? undefined, email: c.email ?? undefined, phone: c.phone ?? undefined })),
    messages: messages.items.map((x) => ({ ...toMessageView(x), customerName: names.get(String(x.customerId)) })),
    next: messages.next ? encodeCursor(messages.next) : null,
  };
}
