import { Types } from 'mongoose';
import { connectStore, ensureIndexes, idForKey, models, scanCounters, type Db } from '../../src/store';
import { testConfig } from '../helpers/env';
import { collectionsOf } from '../../src/store/collections';

// npm test runs on FerretDB 1.24 over PostgreSQL (scripts/services.mjs); these tests prove that the store layer makes
// its lookups index-served there. They fail if the GIN tuning or the plan cache setting is switched off.
const config = testConfig('tuning');
const pgUrl = config.FERRETDB_POSTGRESQL_URL;
let db: Db;

beforeAll(async () => {
  db = await connectStore(config.MONGODB_URI, { embeddedPostgresqlUrl: pgUrl });
  await ensureIndexes(db);
});
afterAll(async () => {
  await db.dropDatabase().catch(() => {});
  await db.close();
});

/** Waits until PostgreSQL's (asynchronously flushed) counters satisfy `ok`; fails with the last reading. */
async function countersUntil(fields: string[], ok: (c: { seqScan: number; indexScans: Record<string, number> }) => boolean) {
  const until = Date.now() + 20_000;
  let last = await scanCounters(pgUrl!, db.name, 'identities', fields);
  while (!(last && ok(last)) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 200));
    last = await scanCounters(pgUrl!, db.name, 'identities', fields);
  }
  return last;
}

test('the test store is FerretDB on PostgreSQL with the tuning configured', () => {
  expect(pgUrl).toMatch(/^postgres(ql)?:\/\//);
});

test('lookups by _id and by an indexed field are served by GIN indexes, with no sequential scan', async () => {
  const m = models(db);
  const customers = Array.from({ length: 200 }, () => new Types.ObjectId());
  const docs = Array.from({ length: 4000 }, (_, i) => ({
    _id: idForKey('identity', `email:user${i}@example.com`),
    kind: 'email', address: `user${i}@example.com`, customerId: customers[i % customers.length], verified: false,
  }));
  for (let i = 0; i < docs.length; i += 1000) await collectionsOf(m).Identity.insertMany(docs.slice(i, i + 1000), { ordered: false });

  const fields = ['_id', 'customerId'];
  const before = await countersUntil(fields, () => true);
  expect(before).not.toBeNull();
  expect(before!.indexScans._id).toBeGreaterThanOrEqual(0); // the index exists (-1 would mean it does not)
  expect(before!.indexScans.customerId).toBeGreaterThanOrEqual(0);

  // More than five executions of the same statement: PostgreSQL would switch a prepared statement to a generic plan
  // (which cannot use the expression index) unless plan_cache_mode forces custom plans.
  const lookups = 12;
  for (let i = 0; i < lookups; i += 1) {
    const doc = docs[(i * 331) % docs.length]!;
    expect((await collectionsOf(m).Identity.findById(doc._id).lean())?.address).toBe(doc.address);
    expect(await collectionsOf(m).Identity.find({ customerId: customers[i] }).lean()).toHaveLength(docs.length / customers.length);
  }
  const after = await countersUntil(fields, (c) => c.indexScans._id! >= before!.indexScans._id! + lookups && c.indexScans.customerId! >= before!.indexScans.customerId! + lookups);
  expect(after!.indexScans._id! - before!.indexScans._id!).toBeGreaterThanOrEqual(lookups);
  expect(after!.indexScans.customerId! - before!.indexScans.customerId!).toBeGreaterThanOrEqual(lookups);
  expect(after!.seqScan - before!.seqScan).toBeLessThan(lookups);
});

test('GIN indexes update in place (no pending list), tables are analyzed, and short lookups are never JIT-compiled', async () => {
  const { default: pg } = await import('pg');
  await collectionsOf(models(db)).Identity.collection.insertMany(Array.from({ length: 2000 }, (_, i) => ({ _id: idForKey('identity', `stats:${i}`), kind: 'email', address: `s${i}@example.com`, customerId: new Types.ObjectId() })));
  const { refreshStoreStatistics } = await import('../../src/store');
  await refreshStoreStatistics(db); // what the hub does every few minutes and a bulk import does after it
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    const gin = await client.query<{ relname: string; reloptions: string[] | null }>(
      `SELECT c.relname, c.reloptions FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname LIKE '%_kgin'`, [db.name]);
    expect(gin.rows.length).toBeGreaterThan(10);
    for (const r of gin.rows) expect([r.relname, r.reloptions]).toEqual([r.relname, ['fastupdate=off']]);
    const analyzed = await client.query<{ relname: string; last_analyze: Date | null }>(
      `SELECT relname, last_analyze FROM pg_stat_user_tables WHERE schemaname = $1`, [db.name]);
    expect(analyzed.rows.length).toBeGreaterThan(0);
    for (const r of analyzed.rows) expect([r.relname, r.last_analyze]).toEqual([r.relname, expect.any(Date)]);
    const settings = await client.query<{ setconfig: string[] }>(
      `SELECT setconfig FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = current_database() AND s.setrole = 0`);
    expect(settings.rows[0]?.setconfig).toEqual(expect.arrayContaining(['jit=off', 'max_parallel_workers_per_gather=0', 'plan_cache_mode=force_custom_plan']));
  } finally {
    await client.end();
  }
});

test("FerretDB's non-unique btree indexes, which no FerretDB query can use, are kept empty; unique ones still enforce uniqueness", async () => {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    const btrees = await client.query<{ table: string; index: string; unique: boolean; predicate: string | null }>(
      `SELECT t.relname AS table, i.relname AS index, x.indisunique AS unique, pg_get_expr(x.indpred, x.indrelid) AS predicate
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_am a ON a.oid = i.relam
        WHERE n.nspname = $1 AND a.amname = 'btree' AND t.relname <> '_ferretdb_database_metadata'`, [db.name]);
    const nonUnique = btrees.rows.filter((r) => !r.unique);
    expect(nonUnique.length).toBeGreaterThan(10); // the models declare many (MongoDB uses them)
    for (const r of nonUnique) expect([r.index, r.predicate]).toEqual([r.index, 'false']);
    for (const r of btrees.rows.filter((b) => b.unique)) expect([r.index, r.predicate]).toEqual([r.index, null]);
  } finally {
    await client.end();
  }
  // FerretDB still lists every declared index (MongoDB tooling and ensureIndexes see the same set) ...
  const names = (await collectionsOf(models(db)).Message.collection.listIndexes().toArray()).map((i) => i.name);
  expect(names).toEqual(expect.arrayContaining(['_id_', 'dedupeKey_1', 'providerId_1']));
  // ... and a unique index still refuses a duplicate.
  const Message = collectionsOf(models(db)).Message.collection;
  await Message.insertOne({ _id: new Types.ObjectId(), dedupeKey: 'tuning:dup' } as never);
  await expect(Message.insertOne({ _id: new Types.ObjectId(), dedupeKey: 'tuning:dup' } as never)).rejects.toMatchObject({ code: 11000 });
});
