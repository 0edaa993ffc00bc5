// Ingest cost of the search index (docs/architecture.md, "Search"): the same messages ingested by this tree and by a
// checkout of the commit before the index (BASE_SRC, a directory holding that tree's `src/`), in alternating
// rounds, each into its own database, with Redis. Prints ms per message for ingest() one by one and for the batch
// path (BENCH_BATCH per batch, default 50). Usage (from the repository root; BASE_SRC made with `git archive <commit> src | tar -x`):
//   BASE_SRC=/tmp/kanal-base node scripts/with-services.mjs --own-store node --import tsx bench/search-ingest.ts
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { InboundMessage } from '../src/domain/messages';
import { envInt, now, round } from './lib';

const N = envInt('BENCH_MESSAGES', 500);
const ROUNDS = envInt('BENCH_ROUNDS', 2);
/** Messages per batch (the worker's is up to 50; smaller keeps PostgreSQL connections down on a shared machine). */
const BATCH = envInt('BENCH_BATCH', 50, 1, 50);
const words = ('merhaba sipariş kargo iade fatura ürün teslimat adres numara kırık geldi nerede istiyorum yardım ' +
  'lütfen teşekkürler hâlâ gelmedi bugün yarın İstanbul Ankara İzmir ödeme kart iptal değişim').split(' ');
const text = (n: number) => Array.from({ length: 12 }, (_, k) => words[(n * 7 + k * 13) % words.length]).join(' ') + ` ${10_000 + n}`;
const message = (run: string, n: number, sender = n % 50): InboundMessage => ({
  channel: 'webchat', dedupeKey: `webchat:${run}-${n}`, providerId: `${run}-${n}`,
  from: { address: `v-${run}-${sender}`, name: `Müşteri ${sender}` }, text: text(n), attachments: [], sentAt: new Date().toISOString(),
});

async function variant(label: string, srcDir: string) {
  const store = await import(path.join(srcDir, 'store/index.ts'));
  const { ingest } = await import(path.join(srcDir, 'services/ingest.ts'));
  const { ingestBatchSettled } = await import(path.join(srcDir, 'services/ingest-batch.ts'));
  const { redisConnection } = await import(path.join(srcDir, 'queues/index.ts'));
  const search = await import(path.join(srcDir, 'services/search-index.ts')).catch(() => null);
  return async (round: number) => {
    const run = `${label}${round}_${randomBytes(3).toString('hex')}`;
    const db = await store.connectStore(`${process.env.KANAL_MONGO_BASE}/bench_si_${run}`);
    const redis = redisConnection(process.env.REDIS_URL!);
    try {
      await store.ensureIndexes(db);
      const m = store.models(db);
      search?.wireSearch(m, { redis, prefix: `bench:si:${run}` });
      for (let n = 0; n < 50; n++) await ingest(m, null, message(`${run}w`, n, n)); // warm-up: connections
      for (let n = 0; n < 50; n++) await ingest(m, null, message(run, 10 * N + n)); // the 50 senders exist
      let retries = 0;
      let t = now();
      for (let n = 0; n < N; n++) await ingest(m, null, message(run, n));
      const single = (now() - t) / N;
      t = now();
      for (let n = 0; n < N; n += BATCH) {
        const batch = Array.from({ length: Math.min(BATCH, N - n) }, (_, k) => message(run, N + n + k)); // the same, known senders
        // As the worker's job retries would: failed messages (e.g. the shared PostgreSQL refusing connections) again.
        let todo = batch;
        for (let attempt = 0; todo.length; attempt++) {
          if (attempt === 5) throw new Error(`${label}: batch still failing after 5 attempts`);
          if (attempt) retries += todo.length;
          const res = await ingestBatchSettled(m, null, todo);
          todo = todo.filter((_, k) => res[k] instanceof Error);
        }
      }
      const batched = (now() - t) / N;
      return { single, batched, retries };
    } finally {
      await db.dropDatabase().catch(() => undefined);
      if (search) for (const k of await redis.keys(`bench:si:${run}:*`)) await redis.del(k);
      redis.disconnect();
      await db.close();
    }
  };
}

async function main() {
  const base = process.env.BASE_SRC;
  if (!base) throw new Error('BASE_SRC must name a directory with the pre-index tree (see the header)');
  const withIndex = await variant('idx', path.resolve(__dirname, '../src'));
  const without = await variant('base', path.resolve(base, 'src'));
  const rows: Record<string, { single: number[]; batched: number[] }> = { withIndex: { single: [], batched: [] }, without: { single: [], batched: [] } };
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, fn] of [['without', without], ['withIndex', withIndex]] as const) {
      const res = await fn(r);
      rows[name]!.single.push(res.single);
      rows[name]!.batched.push(res.batched);
      console.error(`round ${r} ${name}: ingest() ${res.single.toFixed(2)} ms/msg, batch ${res.batched.toFixed(2)} ms/msg (${res.retries} retried)`);
    }
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(JSON.stringify({
    messages: N, rounds: ROUNDS, batch: BATCH,
    ingestMsPerMessage: { without: round(med(rows.without!.single), 2), withIndex: round(med(rows.withIndex!.single), 2) },
    batchMsPerMessage: { without: round(med(rows.without!.batched), 2), withIndex: round(med(rows.withIndex!.batched), 2) },
    raw: rows,
  }, null, 2));
  process.exit(0);
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
