import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import type { Redis } from 'ioredis';
import { Types } from 'mongoose';
import type { InboundMessage } from '../src/domain/messages';

/** The local FerretDB's PostgreSQL database (set by scripts/with-services.mjs), so ensureIndexes tunes it. */
export const STORE_OPTIONS = { embeddedPostgresqlUrl: process.env.FERRETDB_POSTGRESQL_URL };

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const now = () => performance.now();

export function envInt(name: string, dflt: number, min = 1, max = 1_000_000): number {
  const raw = process.env[name];
  const v = raw === undefined || raw === '' ? dflt : Number(raw);
  if (!Number.isFinite(v)) throw new Error(`${name} must be a number (got "${raw}")`);
  return Math.min(max, Math.max(min, Math.floor(v)));
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export const round = (v: number, d = 1) => (Number.isFinite(v) ? Math.round(v * 10 ** d) / 10 ** d : null);

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Polls fn until it returns truthy or the deadline passes (then throws with `what`). */
export async function waitUntil<T>(fn: () => T | Promise<T>, ms: number, what: string, every = 50): Promise<NonNullable<T>> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(every);
  }
}

export function machine(redisVersion: string | null) {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
    totalMemGiB: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    store: process.env.BENCH_STORE_LABEL ?? process.env.KANAL_STORE_LABEL ?? 'unknown',
    redis: redisVersion,
  };
}

const TEXTS = [
  'Merhaba, siparişim nerede? Kargo takip numarası çalışmıyor.',
  'İade işlemim ne zaman tamamlanır? Ödeme kartıma yansımadı.',
  'Şu ürünün beden tablosunu gönderebilir misiniz? Teşekkürler.',
  'Faturamı e-posta ile alabilir miyim? Şirket adına düzenlenmeli.',
  'Ürün hasarlı geldi, değişim için ne yapmam gerekiyor?',
];
/** A Turkish customer text carrying a bench marker, so a receipt can be matched to its send. */
export const benchText = (id: string, i: number) => `bench#${id}#${TEXTS[i % TEXTS.length]}`;

/** The InboundJob payload a web chat message becomes (the shape the ingress enqueues), for the floors. */
export function inboundFor(runId: string, i: number, visitors: number, tag = 'f'): InboundMessage {
  const clientId = `${runId}-${tag}-${i}`;
  return {
    channel: 'webchat',
    dedupeKey: `webchat:${clientId}`,
    providerId: clientId,
    from: { address: `bench-visitor-${runId}-${i % visitors}` },
    text: benchText(String(i), i),
    attachments: [],
    sentAt: new Date().toISOString(),
  };
}

/** The message document ingest stores for such a message (same fields as src/services/ingest/ingest.ts writes). */
export function messageDocFor(msg: InboundMessage, conversationId: Types.ObjectId, customerId: Types.ObjectId) {
  const at = new Date();
  return {
    _id: new Types.ObjectId(),
    conversationId,
    customerId,
    direction: 'in',
    kind: 'message',
    channel: msg.channel,
    author: { type: 'customer' },
    text: msg.text,
    attachments: [],
    dedupeKey: msg.dedupeKey,
    providerId: msg.providerId ?? null,
    sentAt: new Date(msg.sentAt),
    delivery: { status: 'received', at, attempts: 0 },
    createdAt: at,
    updatedAt: at,
    __v: 0,
  };
}

/** Runs `total` tasks with at most `window` in flight; returns when all settled. Rejections are counted. */
export async function pool(total: number, window: number, task: (i: number) => Promise<unknown>): Promise<{ errors: number; firstError?: unknown }> {
  let next = 0;
  let errors = 0;
  let firstError: unknown;
  const lane = async () => {
    while (next < total) {
      const i = next++;
      try {
        await task(i);
      } catch (err) {
        errors++;
        firstError ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, total) }, lane));
  return { errors, firstError };
}

/** CPU time (user + system) of a process so far, ms, from /proc (Linux); null when unreadable. */
export function cpuMsOf(pid: number): number | null {
  try {
    return cpuMsOfStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/** utime + stime of a `/proc/<pid>/stat` line, in ms (clock ticks of USER_HZ = 100). */
function cpuMsOfStat(stat: string): number {
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}

/**
 * How long a process' main thread (its event loop) has waited for a CPU while ready to run, in ms
 * (`/proc/<pid>/schedstat`, second field); null where unknown. What the machine's other work costs it.
 */
export function runQueueMsOf(pid: number): number | null {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e6;
  } catch {
    return null;
  }
}

/** Every process' CPU so far (ms) and its command name, by pid: diff two to see who used the machine meanwhile. */
export function processCpu(): Map<number, { comm: string; ms: number }> {
  const out = new Map<number, { comm: string; ms: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      out.set(Number(entry), { comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), ms: cpuMsOfStat(stat) });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** CPU time the whole machine spent busy (every core, user + system + interrupts), in ms; null where unknown. */
export function machineBusyMs(): number | null {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = f;
    return ((user! + nice! + system! + irq! + softirq! + (steal ?? 0)) * 1000) / 100;
  } catch {
    return null;
  }
}

/** The pid listening on a local TCP port (to account the store's CPU), via `ss`; null when unknown. */
export function pidListeningOn(port: number): number | null {
  try {
    const out = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8', timeout: 2000 });
    const m = /pid=(\d+)/.exec(out);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Deletes the Redis keys matching a pattern (SCAN, never KEYS); returns how many. */
export async function deleteKeys(redis: Redis, pattern: string): Promise<number> {
  let cursor = '0';
  let n = 0;
  for (let guard = 0; guard < 100_000; guard++) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length) n += await redis.del(...keys);
    cursor = next;
    if (cursor === '0') break;
  }
  return n;
}
