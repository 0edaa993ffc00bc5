import type { Redis } from 'ioredis';
import type { ConversationStatus } from '../domain/views';

/** What the index reads of a stored conversation (src/store/conversations.ts StoredConversation has it all). */
export interface IndexedConversation {
  _id: unknown;
  status: ConversationStatus;
  assigneeId?: unknown;
  teamId?: unknown;
  lastInboundChannel?: string;
  labels?: string[];
  lastActivityAt: Date;
  updatedAt?: Date;
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
}

export interface Cursor { at: number; id: string }

const NONE = 'none';
const SEP = '\n';

/** The view keys a conversation belongs to: per status and across statuses ('*'), alone and by one dimension. */
export function viewKeys(c: Omit<IndexedConversation, '_id' | 'lastActivityAt'>): string[] {
  const keys: string[] = [];
  for (const s of [c.status, '*']) {
    keys.push(s, `${s}|a:${c.assigneeId ? String(c.assigneeId) : NONE}`, `${s}|t:${c.teamId ? String(c.teamId) : NONE}`, `${s}|c:${c.lastInboundChannel ?? NONE}`);
    for (const label of new Set(c.labels ?? [])) keys.push(`${s}|l:${label}`);
  }
  return keys;
}

/** The one sorted set a filter reads (its most selective dimension), and whether a document passes the whole filter. */
export function primaryKey(f: ViewFilter): string {
  const s = f.status ?? '*';
  if (f.assigneeId !== undefined) return `${s}|a:${f.assigneeId ?? NONE}`;
  if (f.teamId !== undefined) return `${s}|t:${f.teamId ?? NONE}`;
  if (f.label !== undefined) return `${s}|l:${f.label}`;
  if (f.channel !== undefined) return `${s}|c:${f.channel}`;
  return s;
}
export function matches(c: IndexedConversation, f: ViewFilter): boolean {
  const keys = new Set(viewKeys(c));
  const s = f.status ?? '*';
  return keys.has(s)
    && (f.assigneeId === undefined || keys.has(`${s}|a:${f.assigneeId ?? NONE}`))
    && (f.teamId === undefined || keys.has(`${s}|t:${f.teamId ?? NONE}`))
    && (f.label === undefined || keys.has(`${s}|l:${f.label}`))
    && (f.channel === undefined || keys.has(`${s}|c:${f.channel}`));
}

// Applies one stored image: moves the id between sorted sets by the difference of its keys and keeps its row,
// unless a newer image was applied already. KEYS: members, teams, rows. ARGV: id, version, score, key prefix, keys
// joined by "\n", row JSON. Dynamic keys: single-node Redis.
const APPLY = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
local old = {}
if cur then
  local sep = string.find(cur, '|', 1, true)
  if tonumber(string.sub(cur, 1, sep - 1)) > tonumber(ARGV[2]) then return 0 end
  for k in string.gmatch(string.sub(cur, sep + 1), '[^\\n]+') do old[k] = true end
end
local new = {}
for k in string.gmatch(ARGV[5], '[^\\n]+') do
  new[k] = true
  redis.call('ZADD', ARGV[4] .. k, ARGV[3], ARGV[1])
  local t = string.match(k, '^%*|t:(.+)$')
  if t then redis.call('SADD', KEYS[2], t) end
end
for k in pairs(old) do if not new[k] then redis.call('ZREM', ARGV[4] .. k, ARGV[1]) end end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '|' .. ARGV[5])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[6])
return 1`;

export function inboxIndex(redis: Redis, prefix: string) {
  const base = `${prefix}:inbox`;
  const members = `${base}:members`;
  const teams = `${base}:teams`;
  const rows = `${base}:rows`;
  const names = `${base}:names`;
  const built = `${base}:built`;
  const zkey = (k: string) => `${base}:z:${k}`;

  async function apply(c: IndexedConversation): Promise<void> {
    await redis.eval(APPLY, 3, members, teams, rows, String(c._id), String(c.updatedAt?.getTime() ?? 0), String(c.lastActivityAt.getTime()), `${base}:z:`, viewKeys(c).join(SEP), JSON.stringify(c));
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
     * Ids of the filter's primary view after the cursor, newest activity first (ties: higher id first), in chunks of
     * `chunk`; the caller checks each against the store and asks for more while its page is not full.
     */
    async *ids(f: ViewFilter, cursor?: Cursor, chunk = 50): AsyncGenerator<{ id: string; at: number }[]> {
      const key = zkey(primaryKey(f));
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
    /** How many conversations each key holds (ZCARD per key, one round trip). */
    async count(filters: ViewFilter[]): Promise<number[]> {
      const tx = redis.pipeline();
      for (const f of filters) tx.zcard(zkey(primaryKey(f)));
      const res = (await tx.exec()) ?? [];
      return res.map(([, n]) => Number(n ?? 0));
    },
    /** Team ids that have ever had a conversation (for per-team counts). */
    teamIds: (): Promise<string[]> => redis.smembers(teams),
    /** Whether the index was built for this store (a fresh Redis, or one that lost its data, says no). */
    isBuilt: async (): Promise<boolean> => (await redis.exists(built)) === 1,
    /**
     * Makes the index again from every stored conversation. Writes meanwhile apply as usual; an image read here
     * never replaces a newer one they applied. One process at a time (a Redis lock); false if another holds it.
     */
    async rebuild(all: AsyncIterable<IndexedConversation[]>): Promise<number | false> {
      const lock = `${base}:rebuilding`;
      if ((await redis.set(lock, String(process.pid), 'EX', 3600, 'NX')) !== 'OK') return false;
      try {
        await deleteByPattern(redis, `${base}:z:*`);
        await redis.del(members, teams, rows, names);
        let n = 0;
        for await (const batch of all) {
          await Promise.all(batch.map(apply));
          n += batch.length;
        }
        await redis.set(built, new Date().toISOString());
        return n;
      } finally {
        await redis.del(lock);
      }
    },
  };
}
export type InboxIndex = ReturnType<typeof inboxIndex>;

async function deleteByPattern(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}

/** JSON.parse reviver: the document's date fields (ISO strings in the row) back to Dates. */
const DATE_KEY = /(At|Until|For)$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
function reviveDates(key: string, value: unknown): unknown {
  return typeof value === 'string' && DATE_KEY.test(key) && ISO.test(value) ? new Date(value) : value;
}
