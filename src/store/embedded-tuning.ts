import { createHash } from 'node:crypto';
import type { Model } from 'mongoose';
import pg from 'pg';
import { revisionGuardSql } from './revisions';

/**
 * Makes FerretDB 1.24's pushed-down filters index-served on its PostgreSQL backend (see docs/operations.md).
 *
 * FerretDB pushes a top-level equality down as `_jsonb->'field' @> '<value>'`, but the indexes it creates for
 * `createIndexes` are btree expression indexes that cannot serve `@>`, so every lookup reads the whole table. A GIN
 * `jsonb_path_ops` index on the same expression serves `@>`. One is made for `_id` and for every top-level field
 * named in a model's index declarations (so the list follows the schemas; dotted paths are never pushed down).
 * PostgreSQL only matches the expression when the field name is a constant in the plan, so the database also needs
 * `plan_cache_mode = force_custom_plan` (set by scripts/services.mjs; checked here).
 *
 * On MongoDB this is never called: `embeddedPostgresqlUrl` is set only for a local FerretDB on PostgreSQL.
 */
export async function tuneEmbeddedStore(postgresqlUrl: string, database: string, all: Model<never>[]): Promise<{ created: number; emptied: number; planCacheMode: string }> {
  const client = new pg.Client({ connectionString: postgresqlUrl });
  await client.connect();
  try {
    const tables = await collectionTables(client, database);
    let created = 0;
    let emptied = 0;
    const guardedTables = all.map((model) => tables.get(model.collection.collectionName)).filter((t): t is string => !!t);
    await guardRevisions(client, database, guardedTables);
    for (const model of all) {
      const table = tables.get(model.collection.collectionName);
      if (!table) continue; // FerretDB creates the table with the collection's first index or document
      for (const field of indexedFields(model)) {
        const name = ginIndexName(table, field);
        // IF NOT EXISTS: every process (hub, worker, each test) tunes at start; the first one builds it.
        const res = await client.query(
          `CREATE INDEX IF NOT EXISTS ${ident(name)} ON ${ident(database)}.${ident(table)} USING gin ((_jsonb->${literal(field)}) jsonb_path_ops) WITH (fastupdate = off)`,
        ).catch((err: { code?: string }) => {
          if (err.code === '23505' || err.code === '42P07') return null; // another process built it concurrently
          throw err;
        });
        if (res) created += 1;
        // Indexes built before fastupdate was turned off: off now, and their pending list merged once (only then:
        // the ALTER locks the index against writes for a moment).
        const qualified = `${ident(database)}.${ident(name)}`;
        const options = await client.query<{ reloptions: string[] | null }>(`SELECT reloptions FROM pg_class WHERE oid = ${literal(qualified)}::regclass`);
        if (!options.rows[0]?.reloptions?.includes('fastupdate=off')) {
          await client.query(`ALTER INDEX ${qualified} SET (fastupdate = off)`);
          await client.query(`SELECT gin_clean_pending_list(${literal(qualified)}::regclass)`);
        }
      }
      emptied += await emptyUnservingBtrees(client, database, table);
    }
    await refreshStatistics(client, database);
    const { rows } = await client.query<{ plan_cache_mode: string }>('SHOW plan_cache_mode');
    return { created, emptied, planCacheMode: rows[0]?.plan_cache_mode ?? 'unknown' };
  } finally {
    await client.end();
  }
}

/**
 * The revision guard on every table of the models (revisions.ts): a write that lost a race with a concurrent update
 * of the same document is refused instead of silently undoing it. Every process tunes at start: one at a time.
 */
async function guardRevisions(client: pg.Client, database: string, tables: string[]): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`kanal-revision-guard:${database}`]);
    await client.query(revisionGuardSql(ident(database)));
    const { rows } = await client.query<{ table: string }>(
      `SELECT c.relname AS table FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND g.tgname = 'kanal_revision_guard'`,
      [database],
    );
    const done = new Set(rows.map((r) => r.table));
    for (const table of tables.filter((t) => !done.has(t))) {
      await client.query(`CREATE TRIGGER kanal_revision_guard BEFORE UPDATE ON ${ident(database)}.${ident(table)} FOR EACH ROW EXECUTE FUNCTION ${ident(database)}.kanal_revision_guard()`);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

/**
 * Empties the btree indexes FerretDB built for the models' non-unique index declarations: no FerretDB query can use
 * them (it pushes down only `@>`, which a btree cannot serve, and sorts only by `$natural`), yet every insert, and
 * every update (a changed `_jsonb` is never a HOT update), writes an entry into each. Measured on 3M postings: 30k
 * inserts took 6.7 s with the two btrees on `k` and `d`, 2.8 s without. Each becomes a partial index `WHERE false`
 * under the same name, so FerretDB's metadata stays true (createIndexes skips it by name, dropIndexes still drops it)
 * and PostgreSQL never writes to it. Unique indexes stay whole: they enforce uniqueness.
 */
async function emptyUnservingBtrees(client: pg.Client, database: string, table: string): Promise<number> {
  const unserving = `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS def
      FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_am a ON a.oid = i.relam
     WHERE n.nspname = $1 AND t.relname = $2 AND a.amname = 'btree' AND NOT x.indisunique AND x.indpred IS NULL`;
  if (!(await client.query(unserving, [database, table])).rowCount) return 0;
  // Every process tunes at start: one at a time per table, and what another already emptied is not touched again.
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`kanal-empty-btrees:${database}.${table}`]);
    const { rows } = await client.query<{ name: string; def: string }>(unserving, [database, table]);
    for (const { name, def } of rows) {
      await client.query(`DROP INDEX ${ident(database)}.${ident(name)}`);
      await client.query(`${def} WHERE false`);
    }
    await client.query('COMMIT');
    return rows.length;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

/**
 * ANALYZE of every table whose rows changed by more than a tenth since its last analysis (or never analyzed): what
 * autovacuum would do, which these machines run without (their PostgreSQL sets `autovacuum = off`). Without it the
 * planner estimates a lookup on a table of a million documents at 150k rows and compiles it with JIT in parallel
 * workers: 100 ms instead of 0.1 ms. Run at every start (`tuneEmbeddedStore`), every few minutes by the hub
 * (`maintainEmbeddedStore`) and after bulk writes.
 */
async function refreshStatistics(client: pg.Client, database: string): Promise<number> {
  const { rows } = await client.query<{ relname: string }>(
    `SELECT relname FROM pg_stat_user_tables WHERE schemaname = $1
       AND (last_analyze IS NULL OR n_mod_since_analyze > 0.1 * GREATEST(n_live_tup, 1000))`,
    [database],
  );
  for (const { relname } of rows) await client.query(`ANALYZE ${ident(database)}.${ident(relname)}`);
  return rows.length;
}

/** refreshStatistics on its own connection: after bulk writes (imports, the scale benchmark's seed). */
export async function refreshEmbeddedStatistics(postgresqlUrl: string, database: string): Promise<number> {
  const client = new pg.Client({ connectionString: postgresqlUrl });
  await client.connect();
  try {
    return await refreshStatistics(client, database);
  } finally {
    await client.end();
  }
}

/** Refreshes the statistics every `everyMs` (a hub process on the embedded store); returns the stop. */
export function maintainEmbeddedStore(postgresqlUrl: string, database: string, onError: (err: unknown) => void, everyMs = 5 * 60_000): () => void {
  const timer = setInterval(() => void refreshEmbeddedStatistics(postgresqlUrl, database).catch(onError), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** `_id` and every top-level field of the model's declared indexes, in declaration order. */
export function indexedFields(model: Model<never>): string[] {
  const fields = new Set<string>(['_id']);
  for (const [keys] of model.schema.indexes()) for (const field of Object.keys(keys)) if (!field.includes('.')) fields.add(field);
  return [...fields];
}

/** The PostgreSQL index name for one field of one FerretDB table (≤ 63 bytes, stable). */
export function ginIndexName(table: string, field: string): string {
  return `${table.slice(0, 40)}_${createHash('sha256').update(field).digest('hex').slice(0, 10)}_kgin`;
}

/**
 * PostgreSQL's scan counters for one collection's table: sequential scans, and index scans per GIN-indexed field.
 * For operations (docs/operations.md) and the test that proves lookups are index-served. The counters are
 * cumulative and reach other sessions after the server flushes them (within about a second of idle).
 */
export async function scanCounters(postgresqlUrl: string, database: string, collection: string, fields: string[]): Promise<{ seqScan: number; indexScans: Record<string, number> } | null> {
  const client = new pg.Client({ connectionString: postgresqlUrl });
  await client.connect();
  try {
    const table = (await collectionTables(client, database)).get(collection);
    if (!table) return null;
    const seq = await client.query<{ n: string }>('SELECT seq_scan AS n FROM pg_stat_user_tables WHERE schemaname = $1 AND relname = $2', [database, table]);
    const indexScans: Record<string, number> = {};
    for (const field of fields) {
      const r = await client.query<{ n: string }>('SELECT idx_scan AS n FROM pg_stat_user_indexes WHERE schemaname = $1 AND indexrelname = $2', [database, ginIndexName(table, field)]);
      indexScans[field] = Number(r.rows[0]?.n ?? -1);
    }
    return { seqScan: Number(seq.rows[0]?.n ?? 0), indexScans };
  } finally {
    await client.end();
  }
}

/** Collection name → table name, from FerretDB's own metadata table in the database's schema. */
async function collectionTables(client: pg.Client, schema: string): Promise<Map<string, string>> {
  const exists = await client.query('SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2', [schema, '_ferretdb_database_metadata']);
  if (!exists.rowCount) return new Map();
  const { rows } = await client.query<{ name: string; table: string }>(
    `SELECT _jsonb->>'_id' AS name, _jsonb->>'table' AS table FROM ${ident(schema)}._ferretdb_database_metadata`,
  );
  return new Map(rows.map((r) => [r.name, r.table]));
}

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;
