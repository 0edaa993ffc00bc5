import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RECENT_WINDOWS } from '../domain/customer-health';
import { READ_STORED_IMAGE } from './redis-images';

/**
 * The customer directory index: which customers each filter value holds and their order by each sort key, in Redis,
 * so the Customers page filters, sorts and pages 100k customers without reading the store beyond the page's rows.
 *
 * Why not the store: on FerretDB 1.24 only top-level equality is pushed down; ranges, `$in` and every sort run in
 * its Go code over all matched rows (~0.3-0.5 ms each), so "customers with label vip, newest contact first" would
 * read every vip customer, and "all, sorted" every customer. Same mechanism as the inbox index (inbox-index.ts).
 *
 * What it holds (under `<prefix>:cdir:`):
 * - sorted sets `z|first` (createdAt), `z|last` (lastSeenAt, 0 = never; only moves forward), `z|convs` (number of
 *   conversations), `z|attr:<key>` (number, currency amount, date as ms): sort keys and range filters;
 * - sets `s|label:<tag>`, `s|lang:<language>`, `s|ch:<channel>`, `s|attr:<key>:<value>` (text, URL, boolean, list
 *   options, lowercased): equality filters;
 * - `members` (customer id -> "<updatedAt ms>|<its entries>") to diff a customer's entries on its next write, `rows`
 *   (customer id -> what a page shows of it, as JSON, so a page reads no store), and
 *   `convof` (conversation id -> customer id) so a conversation is counted once and moves with a merge.
 * A customer's entries come from its stored document (`directoryEntries`), applied by every write through the
 * customers repository (an older image, by updatedAt, never replaces a newer one); conversation counts and channels
 * from every conversation write. `z|first` holds every (unmerged) customer: it is the directory itself.
 * A filtered or sorted page: ZINTERSTORE of the sort key (weight 1) with the filter sets and range slices (ZRANGESTORE
 * BYSCORE; weight 0) into a temporary key that lives TEMP_TTL_S seconds, so the next pages of the same query read it
 * (ZRANGE by rank, O(log n + page)). Redis walks the smallest input and probes the others, so the cost follows the
 * most selective filter. Without filters a page reads the sort key itself. `rebuild` makes it all from the store.
 */
export type DirectoryEntry = { name: string; score?: number };

// v2: open conversation counts (z|open, openof): an older directory is rebuilt at start to get them.
const INDEX_VERSION = 'v2';
const TEMP_TTL_S = 30;
const SEP = '\n';

/**
 * A value as equality keys hold it: trimmed, lowercased the Turkish way with I, İ and ı folded to i (as search terms
 * are: "VIP" is "vıp" in Turkish, and people type "vip"), at most 100 characters.
 */
export const equalityValue = (v: string) => v.trim().toLocaleLowerCase('tr').replace(/ı/g, 'i').slice(0, 100);
/** Names of the directory's keys (sets start with s|, sorted sets with z|). */
export const directoryKeys = {
  first: 'z|first', last: 'z|last', convs: 'z|convs',
  /** Unresolved (open, pending, snoozed) conversations per customer, kept on every conversation write. */
  open: 'z|open',
  /** Customers with at least one conversation: "has written" is an equality, not a slice of `z|convs`. */
  hasConversations: 's|hasconv',
  label: (tag: string) => `s|label:${equalityValue(tag)}`,
  lang: (language: string) => `s|lang:${equalityValue(language)}`,
  channel: (channel: string) => `s|ch:${channel}`,
  attrValue: (key: string, value: string) => `s|attr:${key}:${equalityValue(value)}`,
  attrOrder: (key: string) => `z|attr:${key}`,
};

/** What the directory reads of a stored customer (and keeps as its row, so a page reads no store). */
export interface DirectoryCustomer {
  _id: unknown;
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  language?: string | null;
  tags?: string[] | null;
  attributes?: Record<string, unknown> | null;
  createdAt?: Date | null;
  lastSeenAt?: Date | null;
  updatedAt?: Date | null;
  mergedInto?: unknown;
  erasedAt?: Date | null;
}

/** The keys a customer is in (none once merged into another, the survivor standing for both, or once erased). */
export function directoryEntries(c: DirectoryCustomer): DirectoryEntry[] {
  if (c.mergedInto || c.erasedAt) return [];
  const out: DirectoryEntry[] = [
    { name: directoryKeys.first, score: c.createdAt ? new Date(c.createdAt).getTime() : 0 },
    { name: directoryKeys.last, score: c.lastSeenAt ? new Date(c.lastSeenAt).getTime() : 0 },
  ];
  if (c.language) out.push({ name: directoryKeys.lang(c.language) });
  for (const tag of new Set(c.tags ?? [])) out.push({ name: directoryKeys.label(tag) });
  for (const [key, v] of Object.entries(c.attributes ?? {})) {
    if (typeof v === 'number' && Number.isFinite(v)) out.push({ name: directoryKeys.attrOrder(key), score: v });
    else if (v instanceof Date) out.push({ name: directoryKeys.attrOrder(key), score: v.getTime() });
    else if (v && typeof v === 'object' && typeof (v as { amount?: unknown }).amount === 'number') out.push({ name: directoryKeys.attrOrder(key), score: (v as { amount: number }).amount });
    else if (typeof v === 'string' || typeof v === 'boolean') out.push({ name: directoryKeys.attrValue(key, String(v)) });
    else if (Array.isArray(v)) for (const x of new Set(v.map(String))) out.push({ name: directoryKeys.attrValue(key, x) });
  }
  return out;
}

// Applies one customer image. KEYS: members, convs, channel names, rows. ARGV: id, version, key prefix, entry names
// joined by "\n", their scores joined by "\n" ('' for sets), the row as JSON, the behaviour sorted sets other writers
// keep (open conversations, CSAT average, recent conversations) joined by "\n", which a merged customer leaves. `z|last` only moves forward; `z|convs` gets 0 when absent. With no
// entries (merged) the customer also leaves the conversation counts and channel sets. Dynamic keys: single-node Redis.
const APPLY = `
${READ_STORED_IMAGE}local names, scores = {}, {}
for k in string.gmatch(ARGV[4], '[^\\n]+') do names[#names + 1] = k end
for s in string.gmatch(ARGV[5] .. '\\n', '([^\\n]*)\\n') do scores[#scores + 1] = s end
local new = {}
for i, k in ipairs(names) do
  new[k] = true
  if string.sub(k, 1, 2) == 's|' then redis.call('SADD', ARGV[3] .. k, ARGV[1])
  elseif k == 'z|last' then redis.call('ZADD', ARGV[3] .. k, 'GT', scores[i], ARGV[1])
  else redis.call('ZADD', ARGV[3] .. k, scores[i], ARGV[1]) end
end
for k in pairs(old) do
  if not new[k] then
    if string.sub(k, 1, 2) == 's|' then redis.call('SREM', ARGV[3] .. k, ARGV[1]) else redis.call('ZREM', ARGV[3] .. k, ARGV[1]) end
  end
end
if #names == 0 then
  redis.call('HDEL', KEYS[4], ARGV[1])
  redis.call('ZREM', KEYS[2], ARGV[1])
  for k in string.gmatch(ARGV[7], '[^\\n]+') do redis.call('ZREM', ARGV[3] .. k, ARGV[1]) end
  redis.call('SREM', ARGV[3] .. 's|hasconv', ARGV[1])
  for _, ch in ipairs(redis.call('SMEMBERS', KEYS[3])) do redis.call('SREM', ARGV[3] .. 's|ch:' .. ch, ARGV[1]) end
else
  redis.call('ZADD', KEYS[2], 'NX', 0, ARGV[1])
  redis.call('HSET', KEYS[4], ARGV[1], ARGV[6])
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '|' .. ARGV[4])
return 1`;

// Counts a conversation for its customer once (and moves it when the conversation changed customer: a merge), and
// records the channel it came in on; counts it among the customer's open (unresolved) ones while it is, moving or
// dropping that count as its status or customer changes. KEYS: convof, convs, channel set, channel names,
// has-conversations, openof (unresolved conversation id -> customer id), open counts. ARGV: conversation id,
// customer id, channel ('' none), '1' when unresolved.
const CONVERSATION = `
local was = redis.call('HGET', KEYS[6], ARGV[1])
if ARGV[4] == '1' then
  if was ~= ARGV[2] then
    if was then redis.call('ZINCRBY', KEYS[7], -1, was) end
    redis.call('HSET', KEYS[6], ARGV[1], ARGV[2])
    redis.call('ZINCRBY', KEYS[7], 1, ARGV[2])
  end
elseif was then
  redis.call('HDEL', KEYS[6], ARGV[1])
  redis.call('ZINCRBY', KEYS[7], -1, was)
end
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur ~= ARGV[2] then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  if cur and tonumber(redis.call('ZINCRBY', KEYS[2], -1, cur)) < 1 then redis.call('SREM', KEYS[5], cur) end
  redis.call('ZINCRBY', KEYS[2], 1, ARGV[2])
  redis.call('SADD', KEYS[5], ARGV[2])
end
if ARGV[3] ~= '' then
  redis.call('SADD', KEYS[3], ARGV[2])
  redis.call('SADD', KEYS[4], ARGV[3])
end
return 1`;

/**
 * Sorted sets of behaviour kept by other writers (docs/segments.md): a merged or erased customer leaves them with the
 * directory, so a count over one of them alone (ZCOUNT) never counts a customer the directory no longer holds.
 */
const BEHAVIOUR_KEYS = ['z|open', 'hz|csat', ...RECENT_WINDOWS.map((d) => `hz|recent:${d}`)]; // names as in ./customer-health.ts

/** What the directory reads of a conversation: whose it is, its channel, and whether it is still unresolved. */
export interface DirectoryConversation { _id: unknown; customerId: unknown; lastInboundChannel?: string | null; status?: string | null }

/** A customer as a directory page shows it (kept in Redis beside the keys). */
export interface DirectoryRow {
  name?: string; email?: string; phone?: string; language?: string; tags: string[]; attributes: Record<string, unknown>; createdAt?: string;
}

/** A directory query: equality sets, range filters over sorted sets, one sort key; offset-paginated. */
export interface DirectoryQuery {
  sets: string[];
  ranges: { key: string; min?: number; max?: number }[];
  sort: { key: string; dir: 'asc' | 'desc' };
}

export function customerDirectory(redis: Redis, prefix: string) {
  const base = `${prefix}:cdir`;
  const k = (name: string) => `${base}:${name}`;
  const members = k('members');
  const convof = k('convof');
  const openof = k('openof');
  const channels = k('channels');
  const rows = k('rows');
  const built = k('built');
  const bound = (v: number | undefined, dflt: string) => (v === undefined ? dflt : String(v));
  // As commands (EVALSHA, the script sent once per connection): the scripts run on every customer and conversation write.
  if (!('kanalDirectoryApply' in redis)) {
    redis.defineCommand('kanalDirectoryApply', { numberOfKeys: 4, lua: APPLY });
    redis.defineCommand('kanalDirectoryConversation', { numberOfKeys: 7, lua: CONVERSATION });
  }
  const scripts = redis as unknown as Record<'kanalDirectoryApply' | 'kanalDirectoryConversation', (...args: string[]) => Promise<number>>;

  async function apply(c: DirectoryCustomer): Promise<void> {
    const entries = directoryEntries(c);
    const row: DirectoryRow = {
      name: c.name ?? undefined, email: c.email ?? undefined, phone: c.phone ?? undefined, language: c.language ?? undefined,
      tags: c.tags ?? [], attributes: c.attributes ?? {}, createdAt: c.createdAt ? new Date(c.createdAt).toISOString() : undefined,
    };
    await scripts.kanalDirectoryApply(members, k(directoryKeys.convs), channels, rows, String(c._id), String(c.updatedAt ? new Date(c.updatedAt).getTime() : 0), `${base}:`,
      entries.map((e) => e.name).join(SEP), entries.map((e) => (e.score === undefined ? '' : String(e.score))).join(SEP), JSON.stringify(row),
      BEHAVIOUR_KEYS.join(SEP));
  }
  async function conversation(conv: DirectoryConversation): Promise<void> {
    const ch = conv.lastInboundChannel ?? '';
    await scripts.kanalDirectoryConversation(convof, k(directoryKeys.convs), k(directoryKeys.channel(ch || 'none')), channels, k(directoryKeys.hasConversations), openof, k(directoryKeys.open),
      String(conv._id), String(conv.customerId), ch, conv.status && conv.status !== 'resolved' ? '1' : '0');
  }

  /**
   * The temporary sorted set of a filtered query: made afresh for a first page, reused by the next pages while it
   * lives (they page through one snapshot, so nobody is skipped or shown twice when customers change meanwhile).
   */
  async function materialize(q: DirectoryQuery, fresh: boolean): Promise<string> {
    const hash = createHash('sha1').update(JSON.stringify([q.sets, q.ranges, q.sort.key])).digest('hex');
    const tmp = k(`tmp:${hash}`);
    if (!fresh && (await redis.expire(tmp, TEMP_TTL_S))) return tmp;
    const inputs = [k(q.sort.key), ...q.sets.map(k)];
    const tx = redis.multi();
    for (const [i, r] of q.ranges.entries()) {
      const slice = k(`tmpr:${hash}:${i}`);
      tx.zrangestore(slice, k(r.key), bound(r.min, '-inf'), bound(r.max, '+inf'), 'BYSCORE');
      tx.expire(slice, TEMP_TTL_S);
      inputs.push(slice);
    }
    tx.zinterstore(tmp, inputs.length, ...inputs, 'WEIGHTS', 1, ...inputs.slice(1).map(() => 0));
    tx.expire(tmp, TEMP_TTL_S);
    await tx.exec();
    return tmp;
  }

  return {
    apply,
    conversation,
    /**
     * One page of the query: customer ids in the sort key's order (ties by id), and how many match in all. A first
     * page (offset 0) is always computed now; later pages of a filtered query read the first page's snapshot.
     */
    async page(q: DirectoryQuery, offset: number, limit: number): Promise<{ ids: string[]; total: number }> {
      const key = q.sets.length || q.ranges.length ? await materialize(q, offset === 0) : k(q.sort.key);
      const [[, ids], [, total]] = (await redis.multi()
        .call('ZRANGE', key, offset, offset + limit - 1, ...(q.sort.dir === 'desc' ? ['REV'] : []))
        .zcard(key)
        .exec()) as [[null, string[]], [null, number]];
      return { ids, total };
    },
    /**
     * How many customers the query selects (a segment's live count), without storing the result: ZCARD (no filter),
     * ZCOUNT (one range: O(log n)), SINTERCARD (equality sets only: walks the smallest), else ZINTERCARD of the sets
     * and the ranges' slices (ZRANGESTORE, short-lived). Every key holds only unmerged customers, like the sort keys.
     */
    async count(q: DirectoryQuery): Promise<number> {
      if (!q.sets.length && !q.ranges.length) return redis.zcard(k(q.sort.key));
      if (!q.sets.length && q.ranges.length === 1) {
        const r = q.ranges[0]!;
        return redis.zcount(k(r.key), bound(r.min, '-inf'), bound(r.max, '+inf'));
      }
      if (!q.ranges.length) return Number(await redis.call('SINTERCARD', q.sets.length, ...q.sets.map(k)));
      const tag = createHash('sha1').update(JSON.stringify(q.ranges)).digest('hex');
      const tx = redis.multi();
      const slices = q.ranges.map((r, i) => {
        const slice = k(`tmpc:${tag}:${i}`);
        tx.zrangestore(slice, k(r.key), bound(r.min, '-inf'), bound(r.max, '+inf'), 'BYSCORE').expire(slice, TEMP_TTL_S);
        return slice;
      });
      const keys = [...slices, ...q.sets.map(k)];
      tx.call('ZINTERCARD', keys.length, ...keys);
      const res = (await tx.exec()) ?? [];
      return Number(res[res.length - 1]?.[1] ?? 0);
    },
    /**
     * Whether one customer passes each of `qs` (segment membership on the ingest path): one pipeline of a SISMEMBER
     * per set and a ZSCORE per range, so its cost follows the conditions of the queries, never the directory size.
     */
    async passes(qs: DirectoryQuery[], id: string): Promise<boolean[]> {
      if (!qs.length) return [];
      const tx = redis.pipeline().zscore(k(directoryKeys.first), id);
      for (const q of qs) {
        for (const s of q.sets) tx.sismember(k(s), id);
        for (const r of q.ranges) tx.zscore(k(r.key), id);
      }
      const res = ((await tx.exec()) ?? []).map(([, v]) => v);
      if (res[0] === null) return qs.map(() => false); // not in the directory: merged, or gone
      let i = 1;
      return qs.map((q) => {
        const sets = q.sets.map(() => Number(res[i++]) === 1);
        const ranges = q.ranges.map((r) => inRange(res[i++], r));
        return sets.every(Boolean) && ranges.every(Boolean);
      });
    },
    /**
     * Which of `ids` (a search's candidates) pass the query, in its order: membership of each set, each range and
     * the sort key checked per id in one pipeline (no intersection over whole sets).
     */
    async filterIds(q: DirectoryQuery, ids: string[]): Promise<string[]> {
      if (!ids.length) return [];
      const tx = redis.pipeline();
      for (const id of ids) {
        tx.zscore(k(q.sort.key), id);
        for (const s of q.sets) tx.sismember(k(s), id);
        for (const r of q.ranges) tx.zscore(k(r.key), id);
      }
      const res = ((await tx.exec()) ?? []).map(([, v]) => v);
      const per = 1 + q.sets.length + q.ranges.length;
      const kept: { id: string; score: number }[] = [];
      for (const [i, id] of ids.entries()) {
        const row = res.slice(i * per, (i + 1) * per);
        if (row[0] === null) continue;
        if (q.sets.some((_, j) => Number(row[1 + j]) !== 1)) continue;
        if (q.ranges.every((r, j) => inRange(row[1 + q.sets.length + j], r))) kept.push({ id, score: Number(row[0]) });
      }
      const sign = q.sort.dir === 'desc' ? -1 : 1;
      return kept.sort((a, b) => sign * (a.score - b.score) || sign * a.id.localeCompare(b.id)).map((x) => x.id);
    },
    /**
     * The rows of a page as last applied (null where missing: the caller reads the store), with conversation counts,
     * channels and last contact (0 = never) from the index; one pipeline.
     */
    async rows(ids: string[]): Promise<{ row: DirectoryRow | null; conversations: number; channels: string[]; lastContact: number }[]> {
      if (!ids.length) return [];
      const known = await redis.smembers(channels);
      const tx = redis.pipeline();
      for (const id of ids) {
        tx.hget(rows, id);
        tx.zscore(k(directoryKeys.convs), id);
        tx.zscore(k(directoryKeys.last), id);
        for (const ch of known) tx.sismember(k(directoryKeys.channel(ch)), id);
      }
      const res = ((await tx.exec()) ?? []).map(([, v]) => v);
      const per = 3 + known.length;
      return ids.map((_, i) => ({
        row: res[i * per] ? (JSON.parse(res[i * per] as string) as DirectoryRow) : null,
        conversations: Number(res[i * per + 1] ?? 0),
        lastContact: Number(res[i * per + 2] ?? 0),
        channels: known.filter((_, j) => Number(res[i * per + 3 + j]) === 1).sort(),
      }));
    },
    /** Moves lastSeenAt forward for a customer seen again (ingest's touch; no store read). */
    async touchLastSeen(id: string, at: Date): Promise<void> {
      await redis.zadd(k(directoryKeys.last), 'XX', 'GT', at.getTime(), id);
    },
    /** Channels any customer has used (for the console's channel filter). */
    channels: (): Promise<string[]> => redis.smembers(channels),
    /** How many customers the directory holds. */
    size: (): Promise<number> => redis.zcard(k(directoryKeys.first)),
    isBuilt: async (): Promise<boolean> => (await redis.get(built))?.startsWith(`${INDEX_VERSION}|`) === true,
    /**
     * Makes the directory again from every stored customer and conversation. One process at a time (a Redis lock);
     * false if another holds it. Writes meanwhile apply as usual (an older image never replaces a newer one).
     */
    async rebuild(customers: AsyncIterable<DirectoryCustomer[]>, conversations: AsyncIterable<DirectoryConversation[]>): Promise<number | false> {
      const lock = k('rebuilding');
      if ((await redis.set(lock, String(process.pid), 'EX', 3600, 'NX')) !== 'OK') return false;
      try {
        await deleteByPattern(redis, `${base}:[sz]|*`);
        await redis.del(members, convof, openof, channels, rows);
        let n = 0;
        for await (const batch of customers) {
          await Promise.all(batch.map(apply));
          n += batch.length;
        }
        for await (const batch of conversations) await Promise.all(batch.map(conversation));
        await redis.set(built, `${INDEX_VERSION}|${new Date().toISOString()}`);
        return n;
      } finally {
        await redis.del(lock);
      }
    },
  };
}
export type CustomerDirectory = ReturnType<typeof customerDirectory>;

/** Whether a sorted-set score (null: not in the set) lies within a range filter's bounds. */
const inRange = (v: unknown, r: { min?: number; max?: number }) =>
  v !== null && v !== undefined && (r.min === undefined || Number(v) >= r.min) && (r.max === undefined || Number(v) <= r.max);

/** Deletes every key matching `pattern` (SCAN: maintenance and rebuilds, never requests). */
export async function deleteByPattern(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}
