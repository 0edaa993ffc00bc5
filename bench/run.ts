// `npm run bench`: phases run in order, each reported as ratios to a baseline measured in the same run (see
// bench/README.md). `ingest`: web chat end to end (widget socket -> queue -> worker -> store -> agent socket)
// against the floors of its two substrates (bare BullMQ, bare driver inserts); `console`: the agent console's
// first pages on a large store; `email`: SMTP intake vs a bare smtp-server, and the hub's RSS with a 10 MB attachment and with 20 maximal mails at once.
// `routing`: routing decisions/s vs bare Redis Lua calls (bench/routing.ts).
// `reports`: report generation time for 90 days at 1M vs 10k messages (bench/reports.ts).
// `scale`: inbox, counts, thread, search, identity and ingest at empty, 10 % and 100 % of a year of history (bench/scale.ts).
// `flood`: p99 of another visitor's messages, /api/me and /healthz while one visitor floods the widget (bench/flood.ts).
// `automation`: ingest cost per message with 20 enabled automation rules vs none, same hub, same run (bench/automation.ts).
// BENCH_ONLY=ingest,console,email,routing selects phases; `scale` runs only when named there.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { createAgent } from '../src/services/agents/agents';
import { connectStore, ensureIndexes, models, type Db } from '../src/store';
import { runConsoleBench } from './console';
import { runCrmBench } from './crm';
import { runAutomationBench } from './automation';
import { runEmailBench } from './email';
import { runReplyTrimBench } from './reply-trim';
import { runFloodBench } from './flood';
import { runRoutingBench } from './routing';
import { runReportsBench } from './reports';
import { runScaleBench, SCALE_BUDGET_S } from './scale';
import { runE2E, type E2EResult } from './e2e';
import { bullmqFloor, driverInsertFloor, ingestStoreMinFloor, storeOpRates } from './floors';
import { startChildHub, startInProcessHub, type RunningHub } from './hub';
import { cpuMsOf, deleteKeys, envInt, machine, pidListeningOn, round, STORE_OPTIONS } from './lib';
import { profileIngest, type IngestProfile } from './profile';
import { collectionsOf } from '../src/store/collections';

const N = envInt('BENCH_N', 3000, 10, 200_000);
const SOCKETS = envInt('BENCH_SOCKETS', 200, 1, 2000);
// WIDGET_RATE_SEND: 20 messages per 10 s per visitor (a small margin is kept; the per-address budget is off, bench/hub.ts).
const VISITOR_LIMIT = { messages: envInt('BENCH_VISITOR_LIMIT', 19, 1, 1_000_000), windowMs: envInt('BENCH_VISITOR_WINDOW_MS', 10_250, 1, 3_600_000) };
const WINDOW = envInt('BENCH_WINDOW', 64, 1, 10_000);
const CONCURRENCY = envInt('BENCH_CONCURRENCY', 16, 1, 1000);
/**
 * The hub's processes for `e2e`: `hub,worker` (default), the split deployment of docker-compose.yml, or `all`.
 * `e2eOneProcess` always measures `all` too (hub and workers in one process).
 */
const HUB_ROLES = (process.env.BENCH_HUB_ROLES ?? 'hub,worker').split(',').filter(Boolean);
const LATENCY_S = envInt('BENCH_LATENCY_SECONDS', 10, 1, 120);
const FLOOR_N = envInt('BENCH_FLOOR_N', Math.min(N, 1000), 10, 200_000);
const MAX_SECONDS = envInt('BENCH_MAX_SECONDS', 45, 1, 3600);
const PROFILE_N = envInt('BENCH_PROFILE_N', 100, 0, 100_000);
const PROFILE_PRELOAD = envInt('BENCH_PROFILE_PRELOAD', 0, 0, 1_000_000);
const INPROCESS = process.env.BENCH_INPROCESS === '1';
/** Each phase with the share of the default deadline it needs; a phase returns what goes under its name in the JSON. */
const PHASE_BUDGET_S: Record<string, number> = { ingest: 175, console: 120, email: 300, routing: 60, reports: 420, flood: 900, replyTrim: 60, scale: SCALE_BUDGET_S, crm: 900, automation: 600 };
const ONLY = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',').map((p) => p.trim()) : null;
/** Phases that run only when BENCH_ONLY names them (`scale` seeds a year of history: up to 90 minutes at 1M messages; `crm` seeds 100k customers). */
const OPT_IN = new Set(['scale', 'crm']);
const selected = (phase: string) => (ONLY ? ONLY.includes(phase) : !OPT_IN.has(phase));
const DEADLINE_MS = envInt('BENCH_DEADLINE_MS', Object.keys(PHASE_BUDGET_S).filter(selected).reduce((t, p) => t + PHASE_BUDGET_S[p]! * 1000, 0), 10_000, 24 * 3_600_000);

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const MONGO_BASE = process.env.KANAL_MONGO_BASE ?? 'mongodb://127.0.0.1:27017';
const runId = `${process.pid}_${randomBytes(3).toString('hex')}`;
const prefix = `kb:${runId}`;
const dbName = `kb_${runId}`;
const log = (msg: string) => console.log(`[bench ${((performance.now() - started) / 1000).toFixed(1)}s] ${msg}`);
const started = performance.now();

const cleanups: Array<() => Promise<unknown>> = [];
let cleaned = false;
async function cleanup() {
  if (cleaned) return;
  cleaned = true;
  for (const c of cleanups.reverse()) await c().catch((err) => console.error('[bench] cleanup:', (err as Error).message));
}

async function e2eWith(kind: 'child' | 'in-process', n: number, latencySeconds: number, suffix: string, roles = HUB_ROLES): Promise<E2EResult & { hub: string }> {
  const mongoUri = `${MONGO_BASE}/${dbName}${suffix}`;
  const hubPrefix = `${prefix}${suffix.replace('_', ':')}`;
  const db: Db = await connectStore(mongoUri, STORE_OPTIONS);
  cleanups.push(async () => { await db.dropDatabase(); await db.close(); });
  await ensureIndexes(db);
  const m = models(db);
  const agent = { email: `bench-${runId}@kanal.test`, password: randomBytes(12).toString('hex') };
  await createAgent(m, { ...agent, name: 'Bench Agent', role: 'admin' });
  const env = {
    mongoUri, redisUrl: REDIS_URL, prefix: hubPrefix, concurrency: CONCURRENCY,
    secrets: { jwt: randomBytes(32).toString('hex'), widget: randomBytes(32).toString('hex') },
  };
  const hub: RunningHub = kind === 'child' ? await startChildHub(env, {}, roles) : await startInProcessHub(env);
  let stopped = false;
  const stop = async () => { if (!stopped) { stopped = true; await hub.stop(); } };
  cleanups.push(stop);
  log(`${hub.kind} hub up at ${hub.url} (db ${dbName}${suffix}, prefix ${hubPrefix}, WORKER_CONCURRENCY ${CONCURRENCY})`);
  const storePid = process.env.BENCH_STORE_PID ? Number(process.env.BENCH_STORE_PID) : pidListeningOn(Number(new URL(MONGO_BASE).port || 27017));
  const cpu = () => ({
    hub: hub.kind === 'child-process' ? hub.pids.reduce<number | null>((sum, pid) => { const ms = cpuMsOf(pid); return sum === null || ms === null ? null : sum + ms; }, 0) : null,
    bench: (() => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; })(),
    store: storePid ? cpuMsOf(storePid) : null,
  });
  try {
    const r = await runE2E({
      cpu,
      url: hub.url, runId, sockets: SOCKETS, n, window: WINDOW, maxSeconds: MAX_SECONDS, latencySeconds, visitorLimit: VISITOR_LIMIT, agent,
      countStored: () => collectionsOf(m).Message.countDocuments({ dedupeKey: { $regex: `^webchat:[^:]+:${runId}-m[0-9]+$` } }),
      phaseTimeoutMs: 60_000, log,
    });
    return { ...r, hub: kind === 'child' ? `child processes: ${roles.join(' + ')}` : hub.kind };
  } finally {
    await stop();
  }
}

async function ingestPhase(redisVersion: string | null) {
  log(`run ${runId}: N=${N} (max ${MAX_SECONDS}s) sockets=${SOCKETS} window=${WINDOW} concurrency=${CONCURRENCY} latency=${LATENCY_S}s floorN=${FLOOR_N}; redis ${redisVersion}, store ${MONGO_BASE}`);

  // The store's CPU per message in each measurement (FerretDB does the work the hub asks of it on these cores).
  const storePid = process.env.BENCH_STORE_PID ? Number(process.env.BENCH_STORE_PID) : pidListeningOn(Number(new URL(MONGO_BASE).port || 27017));
  const storeCpu: Record<string, number | null> = {};
  const measureStoreCpu = async <T>(name: string, perN: number, fn: () => Promise<T>): Promise<T> => {
    const c0 = storePid ? cpuMsOf(storePid) : null;
    const r = await fn();
    const c1 = storePid ? cpuMsOf(storePid) : null;
    storeCpu[name] = c0 == null || c1 == null ? null : round((c1 - c0) / perN, 2);
    return r;
  };
  const floorOpts = { runId, n: FLOOR_N, window: WINDOW, concurrency: CONCURRENCY, visitors: SOCKETS, redisUrl: REDIS_URL, mongoBase: MONGO_BASE, timeoutMs: 60_000 };
  const bullmq = await bullmqFloor({ ...floorOpts, prefix: `${prefix}:floor` });
  log(`floor bullmq: ${bullmq.rate} jobs/s (${FLOOR_N} in ${bullmq.ms} ms)`);
  const driverInsert = await measureStoreCpu('driverInsert', FLOOR_N, () => driverInsertFloor({ ...floorOpts, prefix }));
  log(`floor driver insertOne: ${driverInsert.rate} docs/s (${FLOOR_N} in ${driverInsert.ms} ms); store CPU ${storeCpu.driverInsert} ms/doc`);
  const storeMin = await measureStoreCpu('ingestStoreMin', FLOOR_N, () => ingestStoreMinFloor({ ...floorOpts, prefix }));
  log(`floor ingest store minimum (insertOne + conversation updateOne): ${storeMin.rate} msg/s; store CPU ${storeCpu.ingestStoreMin} ms/message`);

  let profile: IngestProfile | null = null;
  let opRates: Awaited<ReturnType<typeof storeOpRates>> | null = null;
  if (PROFILE_N > 0) {
    opRates = await storeOpRates({ ...floorOpts, n: Math.min(FLOOR_N, 300), prefix }, () => (storePid ? cpuMsOf(storePid) : null));
    log(`store commands/s (plain driver, concurrency ${CONCURRENCY}): ${JSON.stringify(opRates)}`);
    profile = await profileIngest({ mongoBase: MONGO_BASE, runId, n: PROFILE_N, visitors: SOCKETS, concurrency: CONCURRENCY, preload: PROFILE_PRELOAD, storeCpuMs: () => (storePid ? cpuMsOf(storePid) : null) });
    log(`ingest() direct: ${profile.rate} msg/s, ${profile.opsPerMessage} store commands/message, mean ingest ${profile.ingestMsFirstFifth} ms (first fifth) -> ${profile.ingestMsLastFifth} ms (last fifth); store CPU ${profile.storeCpuMsPerMessage} ms/message`);
  }

  let e2e: (E2EResult & { hub: string }) | null = null;
  let e2eError: string | null = null;
  try {
    e2e = await e2eWith('child', N, LATENCY_S, '');
  } catch (err) {
    e2eError = (err as Error).message;
    console.error('[bench] e2e (child process) failed:', e2eError);
  }
  let oneProcess: (E2EResult & { hub: string }) | null = null;
  if (HUB_ROLES.join() !== 'all') {
    try {
      oneProcess = await e2eWith('child', N, LATENCY_S, '_1p', ['all']);
    } catch (err) {
      console.error('[bench] e2e (one process) failed:', (err as Error).message);
    }
  }
  let inProcess: (E2EResult & { hub: string }) | null = null;
  if (INPROCESS) {
    try {
      inProcess = await e2eWith('in-process', Math.max(10, Math.floor(N / 2)), Math.max(1, Math.floor(LATENCY_S / 2)), '_ip');
    } catch (err) {
      console.error('[bench] e2e (in-process) failed:', (err as Error).message);
    }
  }

  const lower = Math.min(bullmq.rate, driverInsert.rate);
  const targets = { e2eVsLowerFloorMin: 0.5, p99MaxMs: 100 };
  const ratio = e2e ? round(e2e.maxRate / lower, 3) : null;
  const complete = e2e ? e2e.received === e2e.n && e2e.stored === e2e.n && e2e.ackErrors === 0 && e2e.latency.lost === 0 : false;
  const result = {
    config: { n: N, maxSeconds: MAX_SECONDS, sockets: SOCKETS, window: WINDOW, workerConcurrency: CONCURRENCY, latencySeconds: LATENCY_S, floorN: FLOOR_N },
    e2e: e2e
      ? {
          hub: e2e.hub, maxRate: e2e.maxRate, n: e2e.n, received: e2e.received, stored: e2e.stored, ackErrors: e2e.ackErrors,
          ...(e2e.firstAckError ? { firstAckError: e2e.firstAckError } : {}),
          nTarget: e2e.nTarget, limiterWaitMs: e2e.limiterWaitMs, cpuMsPerMessage: e2e.cpuMsPerMessage, maxRateMs: e2e.maxRateMs, meanAckMs: e2e.meanAckMs, warmupMs: e2e.warmupMs, latency: e2e.latency,
        }
      : { error: e2eError },
    ...(oneProcess ? { e2eOneProcess: { hub: oneProcess.hub, maxRate: oneProcess.maxRate, ratioToLowerFloor: round(oneProcess.maxRate / Math.min(bullmq.rate, driverInsert.rate), 3), n: oneProcess.n, received: oneProcess.received, stored: oneProcess.stored, cpuMsPerMessage: oneProcess.cpuMsPerMessage, meanAckMs: oneProcess.meanAckMs, latency: oneProcess.latency } } : {}),
    ...(inProcess ? { e2eInProcess: { maxRate: inProcess.maxRate, n: inProcess.n, received: inProcess.received, stored: inProcess.stored, latency: inProcess.latency } } : {}),
    floors: { bullmq: bullmq.rate, driverInsert: driverInsert.rate, lower, ingestStoreMin: storeMin.rate, storeCpuMsPerMessage: storeCpu },
    ingestProfile: profile ? { ...profile, storeOpRates: opRates?.rates, storeCpuMsPerOp: opRates?.storeCpuMsPerOp } : null,
    ratios: {
      e2eVsLowerFloor: ratio,
      e2eVsIngestStoreMin: e2e ? round(e2e.maxRate / storeMin.rate, 3) : null,
    },
    targets,
    pass: {
      complete,
      throughput: ratio !== null && ratio >= targets.e2eVsLowerFloorMin,
      p99: e2e ? e2e.latency.samples > 0 && e2e.latency.p99 <= targets.p99MaxMs : false,
    },
  };
  console.log('\n=== Kanal web chat ingest bench ===');
  if (e2e) {
    console.log(`e2e (${e2e.hub} hub): ${e2e.maxRate} msg/s max (${e2e.received}/${e2e.n} to agent, ${e2e.stored}/${e2e.n} stored of ${e2e.nTarget} planned, ${e2e.ackErrors} ack errors)`);
    console.log(`latency @ ${e2e.latency.offeredRate} msg/s offered: p50 ${e2e.latency.p50} ms, p95 ${e2e.latency.p95} ms, p99 ${e2e.latency.p99} ms (${e2e.latency.samples} samples, ${e2e.latency.lost} lost)`);
  } else console.log(`e2e: FAILED (${e2eError})`);
  if (oneProcess) console.log(`e2e (${oneProcess.hub}): ${oneProcess.maxRate} msg/s, p99 ${oneProcess.latency.p99} ms @ ${oneProcess.latency.offeredRate} msg/s`);
  if (inProcess) console.log(`e2e (in-process hub): ${inProcess.maxRate} msg/s, p99 ${inProcess.latency.p99} ms`);
  console.log(`floors: bullmq ${bullmq.rate}/s, driver insertOne ${driverInsert.rate}/s -> lower ${lower}/s; ingest store minimum ${storeMin.rate}/s`);
  if (profile) console.log(`ingest(): ${profile.opsPerMessage} store commands per message, ${profile.rate} msg/s direct`);
  console.log(`e2e / lower floor = ${ratio} (target >= ${targets.e2eVsLowerFloorMin}); pass ${JSON.stringify(result.pass)}`);
  return result;
}

async function main() {
  const runDeadline = Date.now() + DEADLINE_MS;
  const deadline = setTimeout(() => {
    console.error(`[bench] deadline of ${DEADLINE_MS} ms reached: cleaning up and exiting`);
    void cleanup().finally(() => process.exit(3));
  }, DEADLINE_MS);
  deadline.unref();

  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
  cleanups.push(async () => {
    const n = await deleteKeys(redis, `${prefix}*`);
    log(`deleted ${n} bench Redis keys (${prefix}*)`);
    await redis.quit();
  });
  // Every database this run may create, dropped at the end even if a phase died (or the deadline hit) mid-way.
  cleanups.push(async () => {
    const db = await connectStore(`${MONGO_BASE}/${dbName}`, STORE_OPTIONS);
    try {
      for (const suffix of ['', '_fi', '_fm', '_fo', '_pr', '_ip', '_rpsmall', '_rplarge', '_scale', '_flood', '_crm', '_automation']) await db.useDb(`${dbName}${suffix}`).dropDatabase().catch(() => {});
    } finally {
      await db.close();
    }
  });
  const info = await redis.info('server');
  const redisVersion = /redis_version:(\S+)/.exec(info)?.[1] ?? null;

  const phases: Record<string, () => Promise<unknown>> = {
    ingest: () => ingestPhase(redisVersion),
    console: () => runConsoleBench({ mongoBase: MONGO_BASE, redisUrl: REDIS_URL, runId, log }),
    email: () => runEmailBench({ mongoBase: MONGO_BASE, redisUrl: REDIS_URL, runId, log }),
    routing: () => runRoutingBench({ mongoBase: MONGO_BASE, redisUrl: REDIS_URL, runId, log }),
    reports: () => runReportsBench({ mongoBase: MONGO_BASE, redisUrl: REDIS_URL, runId, log }),
    replyTrim: () => runReplyTrimBench({ log }),
    flood: () => runFloodBench({ mongoBase: MONGO_BASE, redisUrl: REDIS_URL, runId, log, onCleanup: (fn) => cleanups.push(fn) }),
    crm: () => runCrmBench({ mongoBase: MONGO_BASE, redisUrl: REDIS_URL, runId, log }),
    automation: () => runAutomationBench({ mongoBase: MONGO_BASE, redisUrl: REDIS_URL, runId, log }),
    scale: () => runScaleBench({
      mongoBase: MONGO_BASE, redisUrl: REDIS_URL, runId, log, onCleanup: (fn) => cleanups.push(fn),
      deadline: Math.min(runDeadline, Date.now() + SCALE_BUDGET_S * 1000),
    }),
  };
  // The file is rewritten after every phase, so a run stopped by the deadline still leaves what it measured.
  const result: Record<string, unknown> = { date: new Date().toISOString(), machine: machine(redisVersion), phases: Object.keys(phases).filter(selected) };
  const out = path.join(__dirname, 'results', 'latest.json');
  mkdirSync(path.dirname(out), { recursive: true });
  for (const [name, run] of Object.entries(phases)) {
    if (!selected(name)) continue;
    log(`phase ${name}`);
    result[name] = await run().catch((err: Error) => {
      console.error(`[bench] phase ${name} failed:`, err);
      return { error: err.message };
    });
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  }
  console.log(`written ${path.relative(process.cwd(), out)} (deadline ${DEADLINE_MS / 1000} s)`);
}

main()
  .then(async () => { await cleanup(); process.exit(0); })
  .catch(async (err) => {
    console.error('[bench] failed:', err);
    await cleanup();
    process.exit(1);
  });
