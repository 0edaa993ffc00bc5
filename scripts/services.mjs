// Local services for `npm start`, `npm test` and `npm run bench`: Redis and the store (FerretDB on PostgreSQL).
// Uses REDIS_URL / MONGODB_URI when given; otherwise reuses what answers on the default ports, and starts what
// does not. Returns a stop() that stops only what it started.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const toolsDir = path.join(root, '.tools');
const ferretBin = path.join(toolsDir, 'ferretdb');
const log = (...a) => console.error('[services]', ...a);

function portOpen(port, host = '127.0.0.1', timeout = 500) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    const done = (ok) => { s.destroy(); resolve(ok); };
    s.setTimeout(timeout, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

async function waitForPort(port, ms, what) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await portOpen(port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not open port ${port} within ${ms} ms`);
}

/** Builds FerretDB 1.24.2 from the pinned tools module (tools/ferretdb) once; later runs reuse the binary. */
export function buildFerretDB() {
  if (existsSync(ferretBin)) return ferretBin;
  if (spawnSync('go', ['version']).status !== 0) throw new Error('Go is needed to build FerretDB (apt-get install golang, or put go on PATH)');
  log('building FerretDB 1.24.2 into .tools/ (first run only, about 2 minutes)...');
  mkdirSync(toolsDir, { recursive: true });
  execFileSync('go', ['build', '-o', ferretBin, '.'], { cwd: path.join(root, 'tools/ferretdb'), stdio: 'inherit' });
  return ferretBin;
}

async function ensureRedis(started) {
  if (process.env.REDIS_URL) return process.env.REDIS_URL;
  const url = 'redis://127.0.0.1:6379';
  if (await portOpen(6379)) return url;
  if (spawnSync('sh', ['-c', 'command -v redis-server']).status !== 0) throw new Error('redis-server not found: apt-get install -y redis-server');
  log('starting redis-server on 127.0.0.1:6379');
  const child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', '6379', '--save', '', '--appendonly', 'no'], { stdio: 'ignore', detached: true });
  started.push(child);
  await waitForPort(6379, 10_000, 'redis-server');
  return url;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const PG_BASE = process.env.FERRETDB_POSTGRESQL_BASE ?? 'postgres://postgres@127.0.0.1:5432';

function psql(sql) {
  const url = new URL(PG_BASE);
  const r = spawnSync('psql', ['-h', url.hostname, '-p', url.port || '5432', '-U', url.username || 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qc', sql], { encoding: 'utf8' });
  return r.status === 0;
}

/**
 * FerretDB's backend is the local PostgreSQL (every machine of this kind runs one; .ci/run installs and starts it
 * where missing). SQLite is no longer offered: it pushes down only `_id` filters, so every other lookup reads the
 * whole collection, and it cannot be tuned the way PostgreSQL is (docs/operations.md).
 */
async function ensurePostgres() {
  const port = Number(new URL(PG_BASE).port || 5432);
  if ((await portOpen(port)) && psql('SELECT 1')) return;
  throw new Error(`PostgreSQL does not answer at ${PG_BASE} (FerretDB's backend). Install and start it: apt-get install -y postgresql && pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start; or set FERRETDB_POSTGRESQL_BASE, or MONGODB_URI for a MongoDB of your own`);
}

/**
 * Settings of a FerretDB PostgreSQL database, applied to every connection FerretDB opens after this.
 * - plan_cache_mode: FerretDB sends the filtered field as a statement parameter (`_jsonb->$1 @> $2`); a generic plan
 *   cannot match it to the GIN expression indexes that src/store/embedded-tuning.ts builds, a custom plan can.
 * - synchronous_commit off: commits return before their WAL is flushed (flushed within ~200 ms by the WAL writer;
 *   a crash of the machine, never of FerretDB or Node alone, can lose that much): MongoDB's own default for an
 *   unjournaled w:1 write, which production runs on. A per-commit fsync made every store round trip wait for the disk.
 * - jit off, no parallel workers: every FerretDB command is a short lookup; when the planner overestimates one on a
 *   big table (stale statistics) it compiled it with JIT and started workers, 100 ms for a 0.1 ms index lookup.
 */
function tunePostgresDatabase(db) {
  psql(`ALTER DATABASE ${db} SET plan_cache_mode = force_custom_plan`);
  psql(`ALTER DATABASE ${db} SET synchronous_commit = off`);
  psql(`ALTER DATABASE ${db} SET jit = off`);
  psql(`ALTER DATABASE ${db} SET max_parallel_workers_per_gather = 0`);
}

/**
 * `own`: a private FerretDB on a free port with a throwaway database (tests, benchmarks), so a run never
 * shares, or stops, a store that another run or `npm start` is using. Otherwise the local default on 27017.
 */
async function ensureStore(started, cleanups, own) {
  if (process.env.MONGODB_URI) return { uri: process.env.MONGODB_URI, label: process.env.KANAL_STORE_LABEL ?? 'external (MONGODB_URI)' };
  const port = own ? await freePort() : Number(process.env.FERRETDB_PORT ?? 27017);
  const base = `mongodb://127.0.0.1:${port}`;
  const db = own ? `kanal_run_${process.pid}_${Date.now().toString(36)}` : 'kanal_ferretdb';
  const postgresqlUrl = `${PG_BASE}/${db}`;
  if (!own && (await portOpen(port))) return { uri: base, postgresqlUrl, label: 'FerretDB already running on ' + port };
  const bin = buildFerretDB();
  mkdirSync(path.join(root, '.data'), { recursive: true });
  await ensurePostgres();
  psql(`CREATE DATABASE ${db}`); // fails harmlessly when it exists already (npm start's database)
  tunePostgresDatabase(db);
  if (own) cleanups.push(() => psql(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`));
  log(`starting FerretDB (PostgreSQL database ${db}) on 127.0.0.1:${port}`);
  const out = openSync(path.join(root, '.data', 'ferretdb.log'), 'a');
  // 40 PostgreSQL connections per FerretDB (its default is 50): two local stores (npm start beside npm test) and the
  // tuning connection fit PostgreSQL's default max_connections of 100.
  const child = spawn(bin, ['--handler=postgresql', `--postgresql-url=${postgresqlUrl}?pool_max_conns=40`, `--listen-addr=127.0.0.1:${port}`], { stdio: ['ignore', out, out], detached: true });
  started.push(child);
  await waitForPort(port, 20_000, 'FerretDB');
  return { uri: base, postgresqlUrl, label: 'FerretDB 1.24.2 postgresql' };
}

/** Starts (or finds) Redis and the store; the returned URIs carry no database name. */
export async function startServices({ ownStore = false } = {}) {
  const started = [];
  const cleanups = [];
  const stop = async () => {
    for (const child of started.reverse()) {
      if (child.exitCode !== null) continue;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    for (const cleanup of cleanups) cleanup(); // after the server is gone, so its database can be dropped
  };
  try {
    const redisUrl = await ensureRedis(started);
    const store = await ensureStore(started, cleanups, ownStore);
    return { redisUrl, mongoBase: store.uri, storeLabel: store.label, postgresqlUrl: store.postgresqlUrl, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
