import type { Redis } from 'ioredis';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Types } from 'mongoose';
import { contactFieldOf } from '../../domain/channels';
import { customerTerms, tokenize } from '../../domain/search-terms';
import { inParallel, type CustomerFields, type Models } from '../../store';
import { monthOf, posting, postingId, type Posting, type PostingSpace } from '../../store/search-postings';

/**
 * Keeping the search index (src/store/search-postings.ts) up to date on every write that changes what search can
 * find: inbound messages (ingest, ingest-batch), agent replies and notes, customer creation, linked addresses,
 * renames and merges. Postings are idempotent by `_id`, so every caller may simply index again on a retry.
 *
 * Beside the postings, Redis keeps a directory: per (space, term) a hash month -> number of postings. The query
 * uses it to pick the rarest term and to walk only the months where every term occurs. The counts only grow
 * (a posting inserted again is not counted again; a rename's old terms are not subtracted, erased and retained
 * items' postings are), and
 * `rebuildSearchIndex` recomputes them.
 */
interface SearchWiring {
  redis: Redis;
  prefix: string;
  /** A month with more postings of the leading term than this is walked day by day (default 1,000). */
  denseMonth?: number;
  /** A leading term with at most this many postings in all is read whole, every month at once (default 500). */
  rareLead?: number;
}
const wirings = new WeakMap<Models, SearchWiring>();

/** Called once per process (src/hub.ts), like wireMetrics: services receive only `Models`. */
export function wireSearch(m: Models, wiring: SearchWiring): void {
  wirings.set(m, wiring);
}

const statsKey = (prefix: string, space: PostingSpace, term: string) => `${prefix}:search:df:${space}|${term}`;

export const denseMonthOf = (m: Models): number => wirings.get(m)?.denseMonth ?? 1_000;
export const rareLeadOf = (m: Models): number => wirings.get(m)?.rareLead ?? 500;

/** Per term, month -> postings, or null when no directory is wired (then the query walks recent months blind). */
export async function termStats(m: Models, space: PostingSpace, terms: string[]): Promise<Map<string, Map<string, number>> | null> {
  const w = wirings.get(m);
  if (!w) return null;
  const pipe = w.redis.pipeline();
  for (const t of terms) pipe.hgetall(statsKey(w.prefix, space, t));
  const replies = (await pipe.exec()) ?? [];
  const out = new Map<string, Map<string, number>>();
  terms.forEach((t, n) => {
    const [err, hash] = replies[n] ?? [];
    if (err) throw err;
    out.set(t, new Map(Object.entries((hash ?? {}) as Record<string, string>).map(([month, count]) => [month, Number(count)])));
  });
  return out;
}

/** Postings per (term, month): what the directory's hashes count. */
function perTermMonth(postings: { term: string; at: Date }[]): { term: string; month: string; n: number }[] {
  const counts = new Map<string, number>();
  for (const p of postings) {
    const key = `${p.term}\0${monthOf(p.at)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, n]) => {
    const [term, month] = key.split('\0') as [string, string];
    return { term, month, n };
  });
}

async function countPostings(m: Models, space: PostingSpace, postings: { term: string; at: Date }[]): Promise<void> {
  const w = wirings.get(m);
  if (!w || !postings.length) return;
  const pipe = w.redis.pipeline();
  for (const { term, month, n } of perTermMonth(postings)) pipe.hincrby(statsKey(w.prefix, space, term), month, n);
  await pipe.exec();
}

/** Takes deleted postings off the directory's counts; a month that falls to zero leaves its term's hash. */
async function uncountPostings(m: Models, space: PostingSpace, postings: { term: string; at: Date }[]): Promise<void> {
  const w = wirings.get(m);
  if (!w || !postings.length) return;
  const entries = perTermMonth(postings);
  const pipe = w.redis.pipeline();
  for (const { term, month, n } of entries) pipe.hincrby(statsKey(w.prefix, space, term), month, -n);
  const left = ((await pipe.exec()) ?? []).map(([, v]) => Number(v));
  const drop = w.redis.pipeline();
  entries.forEach(({ term, month }, i) => left[i]! <= 0 && drop.hdel(statsKey(w.prefix, space, term), month));
  await drop.exec();
}

/** Deletes postings (by `_id`) and uncounts the ones that existed: what was found is found no more. */
async function remove(m: Models, space: PostingSpace, tagged: Tagged[]): Promise<number> {
  if (!tagged.length) return 0;
  const deleted = await m.searchPostings.delete(tagged.map((t) => t.posting._id));
  const gone = tagged.filter((t) => deleted.has(String(t.posting._id)));
  await uncountPostings(m, space, gone.map((t) => ({ term: t.term, at: t.posting.at })));
  return gone.length;
}

interface Tagged {
  posting: Posting;
  term: string;
}

async function write(m: Models, space: PostingSpace, tagged: Tagged[]): Promise<number> {
  if (!tagged.length) return 0;
  const inserted = new Set((await m.searchPostings.insert(tagged.map((t) => t.posting))).map((p) => String(p._id)));
  const fresh = tagged.filter((t) => inserted.has(String(t.posting._id)));
  await countPostings(m, space, fresh.map((t) => ({ term: t.term, at: t.posting.at })));
  return fresh.length;
}

export interface IndexableMessage {
  _id: unknown;
  kind?: string | null;
  text?: string | null;
  subject?: string | null;
  createdAt?: Date | string | null;
}

/** Whole-word terms of a message (no prefixes: keeps the index small); events are not indexed. */
function messagePostings(msg: IndexableMessage): Tagged[] {
  if (msg.kind && msg.kind !== 'message' && msg.kind !== 'note') return [];
  if (!msg.createdAt) return [];
  const at = new Date(msg.createdAt);
  const text = msg.subject ? `${msg.subject}\n${msg.text ?? ''}` : (msg.text ?? '');
  return tokenize(text).map((term) => ({ term, posting: posting('m', term, msg._id as Types.ObjectId, at) }));
}

/** Indexes stored messages (kind message or note). Idempotent: returns how many postings were new. */
export async function indexMessages(m: Models, messages: IndexableMessage[]): Promise<number> {
  return write(m, 'm', messages.flatMap(messagePostings));
}

/**
 * Takes stored messages out of the index (erasure, retention), computed from their text as stored: call it before
 * the text is removed. Idempotent: returns how many postings existed.
 */
export async function unindexMessages(m: Models, messages: IndexableMessage[]): Promise<number> {
  return remove(m, 'm', messages.flatMap(messagePostings));
}

/**
 * Takes a customer out of the index: the terms of its document and identities now (call it before either is
 * erased) and `extraTerms` (earlier names found in the audit trail). Idempotent: how many postings existed.
 */
export async function unindexCustomer(m: Models, customerId: Types.ObjectId, extraTerms: string[] = []): Promise<number> {
  const customer = await m.customers.byId(customerId);
  if (!customer) return 0;
  const tagged = await customerPostings(m, customer);
  const known = new Set(tagged.map((t) => t.term));
  const at = tagged[0]?.posting.at ?? new Date(customer.createdAt ?? Date.now());
  for (const term of extraTerms) if (!known.has(term)) tagged.push({ term, posting: posting('c', term, customer._id, at) });
  return remove(m, 'c', tagged);
}

/**
 * A customer's terms: its name, email and phone, the addresses of all its identities, and an email it only claimed
 * (agents look a visitor up by what they typed; finding is not linking).
 */
async function termsOfCustomer(
  m: Models,
  customer: CustomerFields<'name' | 'email' | 'phone'> & { unverifiedEmail?: string | null },
  identities?: { kind: string; address: string }[],
): Promise<string[]> {
  const ids = identities ?? (await m.identities.ofCustomer(customer._id, 50));
  const emails = [customer.email, customer.unverifiedEmail, ...ids.filter((i) => contactFieldOf(i.kind) === 'email').map((i) => i.address)];
  const phones = [customer.phone, ...ids.filter((i) => contactFieldOf(i.kind) === 'phone').map((i) => i.address)]
    .filter((p): p is string => Boolean(p))
    .map((e164) => ({ e164, national: parsePhoneNumberFromString(e164)?.nationalNumber }));
  return customerTerms({ name: customer.name, emails: [...new Set(emails)], phones });
}

/** A customer's postings (its terms above), dated by its creation unless `at` says otherwise. */
async function customerPostings(
  m: Models,
  customer: Parameters<typeof termsOfCustomer>[1] & { createdAt?: Date | null },
  identities?: { kind: string; address: string }[],
  at = new Date(customer.createdAt ?? Date.now()),
): Promise<Tagged[]> {
  return (await termsOfCustomer(m, customer, identities)).map((term) => ({ term, posting: posting('c', term, customer._id, at) }));
}

/** The terms a customer is found by now (document and identities); [] if it does not exist. */
export async function customerTermsOf(m: Models, customerId: Types.ObjectId | string): Promise<string[]> {
  const customer = await m.customers.byId(customerId);
  return customer ? termsOfCustomer(m, customer) : [];
}

/**
 * (Re)indexes one customer from its current document and identities. `previousName` (a rename) and `staleTerms`
 * (what it may have been found by before, e.g. a merged-in customer's addresses after an undo) remove those terms
 * that the customer no longer has. Merged customers stay indexed; the query skips them.
 */
export async function indexCustomer(
  m: Models,
  customerId: Types.ObjectId | string,
  opts: { previousName?: string | null; staleTerms?: string[] } = {},
): Promise<number> {
  const customer = await m.customers.byId(customerId);
  if (!customer) return 0;
  const tagged = await customerPostings(m, customer);
  const terms = tagged.map((t) => t.term);
  const written = await write(m, 'c', tagged);
  const stale = [...(opts.previousName ? customerTerms({ name: opts.previousName }) : []), ...(opts.staleTerms ?? [])];
  if (stale.length) {
    const now = new Set(terms);
    const gone = [...new Set(stale)].filter((t) => !now.has(t));
    await m.searchPostings.delete(gone.map((t) => postingId('c', t, customer._id)));
  }
  return written;
}

/**
 * Indexes a customer about to be created on first contact (name and the sender's address), before its document is
 * written: if this fails, the document is not there either, so the retried job takes the creation path (and
 * this) again. Once the document exists, the customer's postings exist.
 */
export async function indexNewCustomer(
  m: Models,
  customerId: Types.ObjectId,
  profile: { name?: string | null; kind: string; address: string },
  at = new Date(),
): Promise<number> {
  return write(m, 'c', await customerPostings(m, { _id: customerId, name: profile.name }, [{ kind: profile.kind, address: profile.address }], at));
}

/**
 * Indexes customers and messages written in bulk without the repositories (an import, the scale benchmark's seed),
 * from the documents in hand: no store read. Idempotent, counted in the Redis directory like ingest's postings.
 */
export async function indexImported(
  m: Models,
  docs: { customers: { customer: { _id: Types.ObjectId; name?: string | null; email?: string | null; phone?: string | null; createdAt?: Date }; identities: { kind: string; address: string }[] }[]; messages: IndexableMessage[] },
): Promise<number> {
  const customers: Tagged[] = [];
  for (const { customer, identities } of docs.customers) customers.push(...(await customerPostings(m, customer, identities)));
  return (await write(m, 'c', customers)) + (await write(m, 'm', docs.messages.flatMap(messagePostings)));
}

/**
 * Reindexes everything that existed before the index (or after a lost Redis directory): customers and messages,
 * read in batches through one cursor per collection (one pass, no per-batch query), postings written idempotently.
 * With `resetCounts`, the Redis directory is cleared first and every posting is counted again (counts written by
 * ingest while it runs may then be counted twice: they are estimates, and only ever too high, never too low).
 */
export async function rebuildSearchIndex(
  m: Models,
  opts: { batchSize?: number; resetCounts?: boolean; onProgress?: (p: { customers: number; messages: number; postings: number }) => void } = {},
): Promise<{ customers: number; messages: number; postings: number }> {
  const size = opts.batchSize ?? 500;
  const progress = { customers: 0, messages: 0, postings: 0 };
  const w = wirings.get(m);
  if (opts.resetCounts && w) {
    let cursor = '0';
    do {
      const [next, keys] = await w.redis.scan(cursor, 'MATCH', `${w.prefix}:search:df:*`, 'COUNT', 1000);
      if (keys.length) await w.redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  }
  const persist = async (space: PostingSpace, tagged: Tagged[]) => {
    if (!opts.resetCounts) return write(m, space, tagged);
    await m.searchPostings.insert(tagged.map((t) => t.posting));
    await countPostings(m, space, tagged.map((t) => ({ term: t.term, at: t.posting.at })));
    return tagged.length;
  };
  await m.customers.eachBatch(size, async (customers) => {
    const tagged: Tagged[] = [];
    await inParallel(customers, async (c) => {
      tagged.push(...(await customerPostings(m, c)));
    });
    progress.postings += await persist('c', tagged);
    progress.customers += customers.length;
    opts.onProgress?.({ ...progress });
  });
  await m.messages.eachBatch(size, async (messages) => {
    progress.postings += await persist('m', messages.flatMap(messagePostings));
    progress.messages += messages.length;
    opts.onProgress?.({ ...progress });
  });
  return progress;
}
