// Rebuilds the search index (docs/operations.md, "Search index"): postings for every customer and message, and the
// Redis directory of term counts. Idempotent and safe while the hub and workers run. Usage:
//   MONGODB_URI=... REDIS_URL=... QUEUE_PREFIX=... node --import tsx scripts/rebuild-search-index.ts [--keep-counts]
// --keep-counts only adds what is missing (no counter reset): for postings lost or never written, with Redis intact.
import { loadConfig } from '../src/config';
import { redisConnection } from '../src/queues';
import { rebuildSearchIndex, wireSearch } from '../src/services/search/search-index';
import { connectStore, ensureIndexes, models } from '../src/store';

// The rebuild signs nothing, so placeholder secrets only satisfy the config schema when the caller has none.
const placeholder = 'rebuild-does-not-sign-anything-000000000';
const config = loadConfig({
  JWT_SECRET: placeholder,
  WIDGET_TOKEN_SECRET: placeholder,
  ...(process.env.KANAL_MONGO_BASE ? { MONGODB_URI: `${process.env.KANAL_MONGO_BASE}/kanal` } : {}),
  ...process.env,
});

async function main() {
  const db = await connectStore(config.MONGODB_URI);
  const redis = redisConnection(config.REDIS_URL);
  try {
    await ensureIndexes(db);
    const m = models(db);
    wireSearch(m, { redis, prefix: config.QUEUE_PREFIX });
    const started = Date.now();
    let last = 0;
    const done = await rebuildSearchIndex(m, {
      resetCounts: !process.argv.includes('--keep-counts'),
      onProgress: (p) => {
        if (Date.now() - last < 5000) return;
        last = Date.now();
        console.log(`  ${p.customers} customers, ${p.messages} messages, ${p.postings} postings`);
      },
    });
    console.log(`search index rebuilt in ${((Date.now() - started) / 1000).toFixed(1)} s: ${done.customers} customers, ${done.messages} messages, ${done.postings} postings`);
  } finally {
    redis.disconnect();
    await db.close();
  }
}

main().catch((err: unknown) => {
  console.error('rebuild failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
