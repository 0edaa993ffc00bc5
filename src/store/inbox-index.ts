import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ConversationStatus, InboxSort } from '../domain/views';
import { READ_STORED_IMAGE } from './redis-images';

/** What the index reads of a stored conversation (src/store/conversations.ts StoredConversation has it all). */
export interface IndexedConversation {
  _id: unknown;
  status: ConversationStatus;
  assigneeId?: unknown;
  teamId?: unknown;
  lastInboundChannel?: string;
  labels?: string[];
  /** View segments of its customer (src/services/crm/segment-stamps.ts). */
  segments?: string[];
  lastActivityAt: Date;
  updatedAt?: Date;
  /** When the customer's unanswered wait began (unset once answered); the waiting queues are ordered by it. */
  waitingSince?: Date | null;
  openedAt?: Date;
  /** Routing priority (-40..40; 0 when unset): the "priority" sort and the `p:` view keys. */
  priority?: number;
}

/**
 * The inbox index: which conversations each inbox view holds, ordered by last activity, in Redis sorted sets.
 *
 * Why not the store: on FerretDB 1.24 every sort, range and `$in` runs in its Go code over every document the
 * pushed-down equality returned (~0.3 ms each), so "newest 25 of the open ones" costs the whole view, and the
 * resolved views grow with history; counting is the same full read. A sorted set per view answers a page in
 * O(log n) and a count in O(1) on any store, MongoDB included, and the store is then read only by `_id` for the
 * rows of the page.
 *
 * What it holds: for each conversation, its id in one sorted set per view key (score = lastActivityAt),
 * `members` (id -> "<updatedAt ms>|<keys>") to diff the keys on the next write, and `rows` (id -> the stored document
 * as JSON), so a page is read from Redis alone. Every write through the
 * conversations repository applies the stored document here (conversationRepo's listeners); an older image never
 * replaces a newer one (compared by updatedAt), so concurrent writers converge. A write whose index update was
 * lost (a crash between the two) is repaired when a page meets it: pages check a sample of their rows against the
 * store after answering, and a row missing here is read from the store; `rebuild` makes it all again from the
 * store (at start when the `built` marker is missing, and on demand).
 */
export interface ViewFilter {
  status?: ConversationStatus;
  /** An agent id, or null for unassigned. */
  assigneeId?: string | null;
  /** A team id, or null for "no team". */
  teamId?: string | null;
  channel?: string;
  label?: string;
  /** A view segment's id. */
  segment?: string;
  /** An exact routing priority (low -10, normal 0, high 10, urgent 20, or any other value set through the API). */
  priority?: number;
}

export interface Cursor { at: number; id: string }


const NONE = 'none';
/** Bumped when viewKeys changes: an index built with other keys is built again at the next start. */
const INDEX_VERSION = 'v5';
const SEP = '\n';

/**
 * The waiting queue of a team (null: "no team"): its open, unassigned conversations, scored by when their wait
 * began instead of by activity, so the oldest wait is the first member. Routing's own queue holds only what a
 * team's policy routes; this one holds every customer nobody has taken (the wallboard counts it).
 */
const WAITING = 'w|t:';
export const waitingKey = (teamId: string | null): string => `${WAITING}${teamId ?? NONE}`;
/** When a conversation's wait began, for its score in a waiting queue. */
const waitScore = (c: IndexedConversation): number =>
  new Date(c.waitingSince ?? c.openedAt ?? c.lastActivityAt).getTime();

/**
 * Sort sets: the status views (each status and '*') and their per-assignee views (Mine, Unassigned, an agent's) exist
 * twice more, scored for the other orders, under `sw|<key>` (oldest waiting) and `sp|<key>` (priority). Scores are
 * such that the highest comes first in the page's order (pages are read high to low, so one cursor shape and one
 * merge serve every sort). A view without its own sort set (by team, channel, label, ...) is intersected with its
 * status's sort set (weights 0 and 1): the view says which, the sort set says in what order. Scores stay exact
 * doubles: |priority| <= 40, so 40e13 + 2e12 is far below 2^53.
 */
const SORT_PREFIX: Record<Exclude<InboxSort, 'newest'>, string> = { waiting: 'sw|', priority: 'sp|' };
const SORTED_VIEW = /^[^|]+(\|a:[^|]+)?$/;
const SPAN = 1e13;
/** Waiting ones by -waitingSince (the oldest wait highest); the others below every waiting one, newest first. */
export const waitingSortScore = (c: Pick<IndexedConversation, 'waitingSince' | 'lastActivityAt'>): number =>
  c.waitingSince ? -new Date(c.waitingSince).getTime() : -SPAN + new Date(c.lastActivityAt).getTime();
/** Priority first, then last activity. */
export const prioritySortScore = (c: Pick<IndexedConversation, 'priority' | 'lastActivityAt'>): number =>
  (c.priority ?? 0) * SPAN + new Date(c.lastActivityAt).getTime();

/**
 * The view keys a conversation belongs to: per status and across statuses ('*'), alone and by one dimension, and
 * by the pairs and the triple of assignee, team and channel. The combined keys make a team-restricted agent's
 * views (their teams, their own, the "no team" queue: src/services/access) exact unions and differences of whole
 * sorted sets, so their pages and counts stay index-served. An open, unassigned one is also in its team's waiting
 * queue.
 */
export function viewKeys(c: Omit<IndexedConversation, '_id' | 'lastActivityAt'>): string[] {
  const keys: string[] = [];
  const a = c.assigneeId ? String(c.assigneeId) : NONE;
  const t = c.teamId ? String(c.teamId) : NONE;
  const ch = c.lastInboundChannel ?? NONE;
  for (const s of [c.status, '*']) {
    keys.push(s, `${s}|a:${a}`, `${s}|t:${t}`, `${s}|c:${ch}`, `${s}|at:${a}:${t}`, `${s}|ac:${a}:${ch}`, `${s}|tc:${t}:${ch}`, `${s}|atc:${a}:${t}:${ch}`);
    for (const label of new Set(c.labels ?? [])) keys.push(`${s}|l:${label}`);
    for (const segment of new Set(c.segments ?? [])) keys.push(`${s}|g:${segment}`);
    keys.push(`${s}|p:${c.priority ?? 0}`);
    for (const sorted of [s, `${s}|a:${a}`]) keys.push(`sw|${sorted}`, `sp|${sorted}`);
  }
  if (c.status === 'open' && a === NONE) keys.push(`${WAITING}${t}`);
  return keys;
}

/**
 * The one sorted set a filter reads (the key covering most of its dimensions), and whether a document passes the
 * whole filter. A filter of status plus any of assignee, team and channel (no label) is exactly one sorted set.
 */
export function primaryKey(f: ViewFilter): string {
  const s = f.status ?? '*';
  const a = f.assigneeId === undefined ? undefined : (f.assigneeId ?? NONE);
  const t = f.teamId === undefined ? undefined : (f.teamId ?? NONE);
  const c = f.channel;
  if (a !== undefined && t !== undefined && c !== undefined) return `${s}|atc:${a}:${t}:${c}`;
  if (a !== undefined && t !== undefined) return `${s}|at:${a}:${t}`;
  if (a !== undefined && c !== undefined) return `${s}|ac:${a}:${c}`;
  if (t !== undefined && c !== undefined) return `${s}|tc:${t}:${c}`;
  if (a !== undefined) return `${s}|a:${a}`;
  if (t !== undefined) return `${s}|t:${t}`;
  if (f.segment !== undefined) return `${s}|g:${f.segment}`;
  if (f.label !== undefined) return `${s}|l:${f.label}`;
  if (f.priority !== undefined) return `${s}|p:${f.priority}`;
  if (c !== undefined) return `${s}|c:${c}`;
  return s;
}
export function matches(c: IndexedConversation, f: ViewFilter): boolean {
  const keys = new Set(viewKeys(c));
  const s = f.status ?? '*';
  return keys.has(s)
    && (f.assigneeId === undefined || keys.has(`${s}|a:${f.assigneeId ?? NONE}`))
    && (f.teamId === undefined || keys.has(`${s}|t:${f.teamId ?? NONE}`))
    && (f.label === undefined || keys.has(`${s}|l:${f.label}`))
    && (f.segment === undefined || keys.has(`${s}|g:${f.segment}`))
    && (f.priority === undefined || keys.has(`${s}|p:${f.priority}`))
    && (f.channel === undefined || keys.has(`${s}|c:${f.channel}`));
}

// Applies one stored image: moves the id between sorted sets by the difference of its keys and keeps its row,
// unless a newer image was applied already. KEYS: members, teams, rows, labels. ARGV: id, version, score, key prefix, keys
// joined by "\n", row JSON, waiting score (for the "w|" keys), waiting sort score ("sw|" keys), priority sort score
// ("sp|" keys). Dynamic keys: single-node Redis.
const APPLY = `
${READ_STORED_IMAGE}local new = {}
for k in string.gmatch(ARGV[5], '[^\\n]+') do
  new[k] = true
  local score = ARGV[3]
  local head = string.sub(k, 1, 3)
  if string.sub(k, 1, 2) == 'w|' then score = ARGV[7] elseif head == 'sw|' then score = ARGV[8] elseif head == 'sp|' then score = ARGV[9] end
  redis.call('ZADD', ARGV[4] .. k, score, ARGV[1])
  local t = string.match(k, '^%*|t:(.+)$')
  if t then redis.call('SADD', KEYS[2], t) end
  local l = string.match(k, '^%*|l:(.+)$')
  if l then redis.call('SADD', KEYS[4], l) end
end
for k in pairs(old) do if not new[k] then redis.call('ZREM', ARGV[4] .. k, ARGV[1]) end end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '|' .. ARGV[5])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[6])
return 1`;

// Each label of the set with its any-status view's size; one whose view is empty leaves the set in the same step, so
// a conversation labelled meanwhile (its APPLY adds the name again) is never dropped from it. KEYS: labels. ARGV: prefix.
const LABELS = `
local out = {}
for _, l in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local n = redis.call('ZCARD', ARGV[1] .. l)
  if n == 0 then redis.call('SREM', KEYS[1], l) else table.insert(out, l) table.insert(out, tostring(n)) end
end
return out`;

export function inboxIndex(redis: Redis, prefix: string) {
  const base = `${prefix}:inbox`;
  const members = `${base}:members`;
  const teams = `${base}:teams`;
  /** Label names that have been on a conversation (the label catalog's "in use" part; emptied ones are dropped on read). */
  const labels = `${base}:labels`;
  const rows = `${base}:rows`;
  const names = `${base}:names`;
  const built = `${base}:built`;
  const zkey = (k: string) => `${base}:z:${k}`;

  async function apply(c: IndexedConversation): Promise<void> {
    await redis.eval(APPLY, 4, members, teams, rows, labels, String(c._id), String(c.updatedAt?.getTime() ?? 0), String(c.lastActivityAt.getTime()), `${base}:z:`, viewKeys(c).join(SEP), JSON.stringify(c), String(waitScore(c)),
      String(waitingSortScore(c)), String(prioritySortScore(c)));
  }

  /** Ids of one sorted set after the cursor, highest score first (ties: higher id first), in chunks. */
  async function* readNewestFirst(key: string, cursor: Cursor | undefined, chunk: number): AsyncGenerator<{ id: string; at: number }[]> {
    let max = '+inf';
    if (cursor) {
      // The rest of the cursor's own instant first (equal scores come in descending member order), then strictly older.
      const same = await redis.zrevrangebyscore(key, cursor.at, cursor.at);
      const rest = same.filter((id) => id < cursor.id).map((id) => ({ id, at: cursor.at }));
      if (rest.length) yield rest;
      max = `(${cursor.at}`;
    }
    for (let offset = 0; ; offset += chunk) {
      const raw = await redis.zrevrangebyscore(key, max, '-inf', 'WITHSCORES', 'LIMIT', offset, chunk);
      const out: { id: string; at: number }[] = [];
      for (let i = 0; i < raw.length; i += 2) out.push({ id: raw[i]!, at: Number(raw[i + 1]) });
      if (out.length) yield out;
      if (out.length < chunk) return;
    }
  }

  return {
    apply,
    /** Forgets a conversation (deleted from the store). */
    async remove(id: string): Promise<void> {
      const cur = await redis.hget(members, id);
      if (!cur) return;
      const keys = cur.slice(cur.indexOf('|') + 1).split(SEP).filter(Boolean);
      const tx = redis.multi();
      for (const k of keys) tx.zrem(zkey(k), id);
      tx.hdel(members, id);
      tx.hdel(rows, id);
      await tx.exec();
    },
    /**
     * Ids of the filter's primary view after the cursor, in the sort's order (newest activity first by default; ties:
     * higher id first), in chunks of `chunk`; `at` is the entry's score in that order (the cursor's `at`). The caller checks each
     * against the store and asks for more while its page is not full. Several filters: their views merged in the same order (an id in two of them comes twice; the caller skips repeats).
     */
    async *ids(f: ViewFilter | ViewFilter[], cursor?: Cursor, chunk = 50, sort: InboxSort = 'newest'): AsyncGenerator<{ id: string; at: number }[]> {
      if (Array.isArray(f)) {
        yield* mergeNewestFirst(f.map((one) => this.ids(one, cursor, chunk, sort)), chunk);
        return;
      }
      const primary = primaryKey(f);
      if (sort !== 'newest' && SORTED_VIEW.test(primary)) {
        // A status view or its per-assignee part: kept in this order too.
        yield* readNewestFirst(zkey(SORT_PREFIX[sort] + primary), cursor, chunk);
        return;
      }
      if (sort !== 'newest') {
        // Another view in the sort's order: its set intersected with its status's sort set (the view's own scores
        // weigh 0), into a key of this request alone. Cost: O(size of the view) in Redis, never the store.
        const sorted = `${base}:tmp:${randomUUID()}`;
        await redis.multi().zinterstore(sorted, 2, zkey(primary), zkey(SORT_PREFIX[sort] + (f.status ?? '*')), 'WEIGHTS', 0, 1).expire(sorted, 60).exec();
        try {
          yield* readNewestFirst(sorted, cursor, chunk);
        } finally {
          await redis.del(sorted);
        }
        return;
      }
      yield* readNewestFirst(zkey(primary), cursor, chunk);
    },
    /** The rows last applied for these ids (the stored documents, dates revived), null where there is none. */
    async rows(ids: string[]): Promise<(Record<string, unknown> | null)[]> {
      if (!ids.length) return [];
      return (await redis.hmget(rows, ...ids)).map((json) => (json ? (JSON.parse(json, reviveDates) as Record<string, unknown>) : null));
    },
    /**
     * Customer names shown on rows, cached ('' = no name; undefined = not cached). Filled only where absent
     * (HSETNX), set outright when a name changes: a fill that read the store before a rename cannot undo it.
     */
    async names(ids: string[]): Promise<(string | undefined)[]> {
      if (!ids.length) return [];
      return (await redis.hmget(names, ...ids)).map((v) => (v === null ? undefined : v));
    },
    async fillNames(found: [id: string, name: string | undefined][]): Promise<void> {
      if (!found.length) return;
      const tx = redis.pipeline();
      for (const [id, name] of found) tx.hsetnx(names, id, name ?? '');
      await tx.exec();
    },
    async setName(id: string, name: string | null | undefined): Promise<void> {
      await redis.hset(names, id, name ?? '');
    },
    /**
     * How many conversations each filter selects, one round trip: ZCARD of its primary key, or, when the filter also
     * names a segment or label that key does not cover (a segment view within a team-restricted agent's views),
     * ZINTERCARD of the primary key and those keys (exact, O(smallest set)).
     */
    async count(filters: ViewFilter[]): Promise<number[]> {
      const tx = redis.pipeline();
      for (const f of filters) {
        const primary = primaryKey(f);
        const s = f.status ?? '*';
        const extra = [f.segment !== undefined ? `${s}|g:${f.segment}` : null, f.label !== undefined ? `${s}|l:${f.label}` : null]
          .filter((k): k is string => k !== null && k !== primary);
        if (extra.length) tx.call('ZINTERCARD', 1 + extra.length, zkey(primary), ...extra.map(zkey));
        else tx.zcard(zkey(primary));
      }
      const res = (await tx.exec()) ?? [];
      return res.map(([, n]) => Number(n ?? 0));
    },
    /**
     * Per team (null: "no team"), how many conversations wait for someone (open, unassigned) and since when the
     * oldest has waited (ms epoch; null when none): ZCARD and the first member of each waiting queue, one round trip.
     */
    async waiting(teamIds: (string | null)[]): Promise<{ count: number; oldestSince: number | null }[]> {
      const tx = redis.pipeline();
      for (const t of teamIds) tx.zcard(zkey(waitingKey(t))).zrange(zkey(waitingKey(t)), 0, 0, 'WITHSCORES');
      const res = (await tx.exec()) ?? [];
      return teamIds.map((_, i) => {
        const first = res[i * 2 + 1]?.[1] as string[] | undefined;
        return { count: Number(res[i * 2]?.[1] ?? 0), oldestSince: first?.[1] !== undefined ? Number(first[1]) : null };
      });
    },
    /** Team ids that have ever had a conversation (for per-team counts). */
    teamIds: (): Promise<string[]> => redis.smembers(teams),
    /**
     * Every label on at least one conversation, with how many carry it (ZCARD of its any-status view). A label no
     * conversation carries any more is forgotten here (an empty sorted set no longer exists).
     */
    async labels(): Promise<{ name: string; count: number }[]> {
      const found = (await redis.eval(LABELS, 1, labels, `${base}:z:*|l:`)) as string[];
      const out: { name: string; count: number }[] = [];
      for (let i = 0; i < found.length; i += 2) out.push({ name: found[i]!, count: Number(found[i + 1]) });
      return out;
    },
    /**
     * Whether the index was built for this store with today's keys (a fresh Redis, one that lost its data, or an
     * index built before the keys changed says no).
     */
    isBuilt: async (): Promise<boolean> => (await redis.get(built))?.startsWith(`${INDEX_VERSION}|`) === true,
    /**
     * Makes the index again from every stored conversation. Writes meanwhile apply as usual; an image read here
     * never replaces a newer one they applied. One process at a time (a Redis lock); false if another holds it.
     */
    async rebuild(all: AsyncIterable<IndexedConversation[]>): Promise<number | false> {
      const lock = `${base}:rebuilding`;
      if ((await redis.set(lock, String(process.pid), 'EX', 3600, 'NX')) !== 'OK') return false;
      try {
        await deleteByPattern(redis, `${base}:z:*`);
        await redis.del(members, teams, labels, rows, names);
        let n = 0;
        for await (const batch of all) {
          await Promise.all(batch.map(apply));
          n += batch.length;
        }
        await redis.set(built, `${INDEX_VERSION}|${new Date().toISOString()}`);
        return n;
      } finally {
        await redis.del(lock);
      }
    },
  };
}
export type InboxIndex = ReturnType<typeof inboxIndex>;

type Entry = { id: string; at: number };
const newer = (x: Entry, y: Entry) => x.at > y.at || (x.at === y.at && x.id > y.id);

/** Merges streams of chunks, each newest first, into one such stream (chunks of `chunk`), reading each lazily. */
async function* mergeNewestFirst(streams: AsyncGenerator<Entry[]>[], chunk: number): AsyncGenerator<Entry[]> {
  const heads = streams.map(() => ({ buf: [] as Entry[], done: false }));
  const fill = async (i: number) => {
    const h = heads[i]!;
    while (!h.buf.length && !h.done) {
      const r = await streams[i]!.next();
      if (r.done) h.done = true;
      else h.buf.push(...r.value);
    }
  };
  await Promise.all(heads.map((_, i) => fill(i)));
  let out: Entry[] = [];
  for (;;) {
    let best = -1;
    for (const [i, h] of heads.entries()) if (h.buf.length && (best < 0 || newer(h.buf[0]!, heads[best]!.buf[0]!))) best = i;
    if (best < 0) break;
    out.push(heads[best]!.buf.shift()!);
    await fill(best);
    if (out.length >= chunk) {
      yield out;
      out = [];
    }
  }
  if (out.length) yield out;
}

async function deleteByPattern(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}

/** JSON.parse reviver: the document's date fields (ISO strings in the row) back to Dates. */
// `waitingSince` too: without it the list's rows lost their wait (the API said null while the store had it).
const DATE_KEY = /(At|Until|For|Since)$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
function reviveDates(key: string, value: unknown): unknown {
  return typeof value === 'string' && DATE_KEY.test(key) && ISO.test(value) ? new Date(value) : value;
}
