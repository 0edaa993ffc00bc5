// Search query cost (docs/architecture.md, "Search") as a growth curve: messages ingested through the batch path (with
// the index) over six months, queries timed at 10 % and 100 % of the data with the GIN index on search_postings.k
// (STORE.md: what makes FerretDB's pushed-down equality index-served), and at 100 % without it. Usage:
//   BENCH_MESSAGES=3000 node scripts/with-services.mjs --own-store node --import tsx bench/search-query.ts
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { InboundMessage } from '../src/domain/messages';
import { redisConnection } from '../src/queues';
import { ingestBatchSettled } from '../src/services/ingest/ingest';
import { search } from '../src/services/search/search';
import { wireSearch } from '../src/services/search/search-index';
import { connectStore, ensureIndexes, models, type Models } from '../src/store';
import { envInt, now, round } from './lib';
import { collectionsOf } from '../src/store/collections';

const N = envInt('BENCH_MESSAGES', 3000);
const SENDERS = 200;
const common = 'merhaba sipariş kargo iade fatura ürün teslimat adres numara lütfen teşekkürler yardım'.split(' ');
const rare = 'kırık eksik yanlış gecikme ödeme kart iptal değişim garanti montaj kurulum fiyat indirim kupon'.split(' ');
const text = (n: number) =>
  [...Array.from({ length: 6 }, (_, k) => common[(n + k * 5) % common.length]), ...Array.from({ length: 3 }, (_, k) => rare[(n * 3 + k * 7) % rare.length]), `${10_000 + n}`].join(' ');
const monthStart = (back: number) => { const d = new Date(); return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1); };

/** psql, retried: the machine's PostgreSQL is shared and sometimes has no connection left. */
function psql(sql: string, db = 'postgres'): string {
  for (let attempt = 0; ; attempt++) {
    try {
      return execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', db, '-tAc', sql], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    } catch (err) {
      if (attempt >= 30 || !/too many clients/.test(String((err as { stderr?: string }).stderr))) throw err;
      execFileSync('sleep', ['1']);
    }
  }
}

async function seed(m: Models, run: string, from: number, to: number) {
  // Six months, oldest first, evenly: message n of N at its slot in time.
  const span = Date.now() - monthStart(5);
  for (let n = from; n < to; n += 10) {
    let todo = Array.from({ length: Math.min(10, to - n) }, (_, k) => n + k);
    for (let attempt = 0; todo.length; attempt++) {
      if (attempt === 8) throw new Error('seeding keeps failing');
      const msgs: InboundMessage[] = todo.map((k) => ({
        channel: 'webchat', dedupeKey: `webchat:${run}-${k}`, providerId: `${run}-${k}`, attachments: [], sentAt: new Date().toISOString(),
        from: { address: `v-${run}-${k % SENDERS}`, name: `Müşteri${k % SENDERS} Soyad` }, text: text(k),
      }));
      const res = await ingestBatchSettled(m, null, msgs, todo.map((k) => new Date(monthStart(5) + Math.floor((span * k) / N))));
      todo = todo.filter((_, i) => res[i] instanceof Error);
    }
  }
}

async function timeQueries(m: Models) {
  const queries = { commonWord: 'merhaba', twoCommon: 'kargo iade', rarePlusCommon: `sipariş ${10_000 + Math.floor(N / 2)}`, rareWords: 'garanti montaj', customerPrefix: 'müşteri1', nothing: 'yokböylebirşey' };
  const out: Record<string, { medianMs: number | null; hits: number }> = {};
  for (const [name, q] of Object.entries(queries)) {
    const times: number[] = [];
    let hits = 0;
    for (let k = 0; k < 5; k++) {
      const t = now();
      const r = await search(m, q, 20);
      times.push(now() - t);
      hits = r.messages.length + r.customers.length;
    }
    out[name] = { medianMs: round(times.sort((a, b) => a - b)[2]!, 1), hits };
  }
  // Three pages of the common word.
  const t = now();
  let cursor: string | undefined;
  for (let p = 0; p < 3; p++) cursor = (await search(m, 'merhaba', 20, cursor)).next ?? undefined;
  out.commonWord3Pages = { medianMs: round(now() - t, 1), hits: 60 };
  return out;
}

async function main() {
  const run = `sq_${randomBytes(3).toString('hex')}`;
  const db = await connectStore(`${process.env.KANAL_MONGO_BASE}/${run}`);
  const redis = redisConnection(process.env.REDIS_URL!);
  const m = models(db);
  wireSearch(m, { redis, prefix: `bench:${run}` });
  try {
    await ensureIndexes(db);
    const pgDb = psql(`select datname from pg_database where datname like 'kanal_run_${process.ppid}_%'`);
    const table = () => {
      const row = psql(`select _jsonb->>'table' from "${run}"._ferretdb_database_metadata where _jsonb->>'_id' = 'search_postings'`, pgDb);
      if (!row) throw new Error('search_postings table not found');
      return `"${run}"."${row}"`;
    };
    psql(`alter database "${pgDb}" set plan_cache_mode = force_custom_plan`, pgDb);
    const results: Record<string, unknown> = {};
    let t = now();
    await seed(m, run, 0, Math.floor(N / 10));
    const seed10 = now() - t;
    psql(`create index if not exists search_k_gin on ${table()} using gin ((_jsonb->'k') jsonb_path_ops)`, pgDb);
    results.at10pct = { messages: Math.floor(N / 10), postings: await collectionsOf(m).SearchPosting.estimatedDocumentCount(), seedMsPerMessage: round(seed10 / (N / 10), 1), queries: await timeQueries(m) };
    t = now();
    await seed(m, run, Math.floor(N / 10), N);
    const seedRest = now() - t;
    results.at100pct = { messages: N, postings: await collectionsOf(m).SearchPosting.estimatedDocumentCount(), seedMsPerMessage: round(seedRest / (N - N / 10), 1), queries: await timeQueries(m) };
    psql(`drop index if exists "${run}".search_k_gin`, pgDb);
    results.at100pctWithoutGin = { queries: await timeQueries(m) };
    console.log(JSON.stringify({ messages: N, store: process.env.KANAL_STORE_LABEL, ...results }, null, 2));
  } finally {
    await db.dropDatabase().catch(() => undefined);
    for (const k of await redis.keys(`bench:${run}:*`)) await redis.del(k);
    redis.disconnect();
    await db.close();
  }
  process.exit(0);
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
