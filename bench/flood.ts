// One visitor must not stall the hub (bench/README.md, phase `flood`): p99 of another visitor's message:send -> ack
// and message -> agent latency, of an agent's GET /api/me and of GET /healthz, first with normal traffic only, then
// while one visitor floods history, typing, reconnects and session creation as fast as its CPU budget allows (a
// separate process, bench/flooder.ts). The target is flood/normal <= 2 for each p99.
// The same run repeats both windows on a hub with every WIDGET_RATE_* budget off (`unlimited`), to show what the
// limits buy (BENCH_FLOOD_COMPARE=0 skips it). Run alone with
//   node scripts/with-services.mjs --own-store sh -c 'BENCH_ONLY=flood node --import tsx bench/run.ts'
import { spawn } from 'node:child_process';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { io, type Socket } from 'socket.io-client';
import { createAgent } from '../src/services/agents/agents';
import { connectStore, ensureIndexes, models } from '../src/store';
import { startChildHub, type RunningHub } from './hub';
import type { FloodCounts } from './flooder';
import { cpuMsOf, deleteKeys, machineBusyMs, processCpu, runQueueMsOf, envInt, percentile, round, sleep, STORE_OPTIONS, waitUntil } from './lib';

/** Each window's length; ROUNDS pairs of a normal and a flooded window. */
const SECONDS = envInt('BENCH_FLOOD_SECONDS', 10, 2, 300);
const ROUNDS = envInt('BENCH_FLOOD_ROUNDS', 6, 1, 20);
/** Other visitors, each sending one message per second (under the default 20 per 10 s of WIDGET_RATE_SEND). */
const VISITORS = envInt('BENCH_FLOOD_VISITORS', 20, 1, 200);
/** Pause between an agent's probes (each probe loop is closed: one request at a time). */
const PROBE_EVERY_MS = envInt('BENCH_FLOOD_PROBE_MS', 50, 1, 10_000);
/** The flooder's CPU, as a share of one core (bench/flooder.ts). */
const FLOOD_CPU_SHARE = Number(process.env.BENCH_FLOOD_CPU_SHARE ?? 0.25);
/**
 * The flooder's scheduling priority (`nice`, 0-19). A real flooder's CPU is elsewhere; on the hub's own two cores
 * its process would otherwise be scheduled against the hub's exactly when the hub has its requests to answer, and
 * the figure would measure the test rig. At 19 it runs on the CPU the hub and the store leave idle (most of it: the
 * machine is about a third busy), and still floods (its request counts are reported).
 */
const FLOOD_NICE = envInt('BENCH_FLOOD_NICE', 19, 0, 19);
/** After the measured windows: this long a flood with Redis MONITOR on, counting the limiter's Redis calls. */
const MONITOR_SECONDS = envInt('BENCH_FLOOD_MONITOR_SECONDS', 3, 0, 60);
/**
 * BENCH_FLOOD_CONTROL=burn: the "flooded" windows run the flooder process burning its CPU share without sending a
 * single request. Ratios near the flood's say the machine (two shared cores), not the hub, made the difference.
 */
const CONTROL = process.env.BENCH_FLOOD_CONTROL === 'burn' ? 'burn' : null;
/** Requests of each kind for the per-request cost figures (0 skips them). */
const COST_REQUESTS = envInt('BENCH_FLOOD_COST_REQUESTS', 3000, 0, 1_000_000);
/** History requests the flooder keeps in flight, and concurrent session-creation loops. */
const HISTORY_WINDOW = envInt('BENCH_FLOOD_HISTORY_WINDOW', 64, 1, 10_000);
const SESSION_LOOPS = envInt('BENCH_FLOOD_SESSION_LOOPS', 16, 1, 1000);
const COMPARE = process.env.BENCH_FLOOD_COMPARE !== '0';
/** A probe slower than this counts as this long (and as a timeout). */
const PROBE_TIMEOUT_MS = 15_000;
const FLOODER_ADDRESS = '10.66.0.1';
const TARGET_RATIO = 2;

type Stats = { n: number; p50: number | null; p99: number | null; max: number | null; timeouts: number };
interface Window {
  sendAck: Stats & { lost: number };
  message: Stats & { lost: number };
  me: Stats & { non200: number };
  healthz: Stats & { non200: number };
  hubCpuMs: number | null;
  /** Time the hub's and the worker's main threads waited for a CPU while ready to run (the machine's other work). */
  runQueueMs?: number | null;
  /** The same for this bench's own main thread, and its loop delay (p99 and longest over the windows, ms): what of a
   * probe's latency the measuring side added. */
  bench?: { runQueueMs: number | null; loopDelayP99: number; loopDelayMax: number };
  /** CPU the whole machine spent (both cores: hub, store, Redis, this bench, the flooder, the kernel). */
  machineBusyMs?: number | null;
  /** Of that, by process: the hub's two, the flooder, this bench, and the rest by command name (store, Redis). */
  cpuByProcessMs?: Record<string, number>;
  /** Per child role: the event loop's delay in the 250 ms intervals of these windows (bench/loop-delay.mjs). */
  loopDelayMs?: Record<string, LoopDelay>;
  flooder?: FloodCounts & { flooderCpuMs: number | null };
  /** The hub's extra CPU over the normal window, per request the flooder made (sessions, history, typing, connects). */
  hubCpuMsPerFloodRequest?: number | null;
}

/** Over intervals of 250 ms: the median and 90th percentile of each interval's longest delay, and the longest. */
type LoopDelay = { intervals: number; maxP50: number | null; maxP90: number | null; max: number | null };
type LoopSample = { t: number; role: string; p50: number; p99: number; max: number };

function loopDelayOf(samples: LoopSample[], spans: Array<[number, number]>): Record<string, LoopDelay> {
  const inside = samples.filter((x) => spans.some(([a, b]) => x.t > a && x.t <= b));
  const out: Record<string, LoopDelay> = {};
  for (const role of [...new Set(inside.map((x) => x.role))]) {
    const maxima = inside.filter((x) => x.role === role).map((x) => x.max).sort((a, b) => a - b);
    out[role] = { intervals: maxima.length, maxP50: round(percentile(maxima, 50)), maxP90: round(percentile(maxima, 90)), max: round(maxima.at(-1) ?? NaN) };
  }
  return out;
}

/** Per-key sums (CPU by process over several windows). */
function sumBy(records: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of records) for (const [k, v] of Object.entries(r)) out[k] = (out[k] ?? 0) + v;
  return Object.fromEntries(Object.entries(out).sort((a, b) => b[1] - a[1]));
}

/** The files bench/loop-delay.mjs wrote under `prefix` (one per child process). */
const loopDelayFiles = (prefix: string) =>
  readdirSync(path.dirname(prefix)).filter((f) => f.startsWith(`${path.basename(prefix)}.`)).map((f) => path.join(path.dirname(prefix), f));

function readLoopDelay(prefix: string): LoopSample[] {
  return loopDelayFiles(prefix).flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as LoopSample));
}

const stats = (values: number[], timeouts: number): Stats => {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, p50: round(percentile(s, 50)), p99: round(percentile(s, 99)), max: round(s[s.length - 1] ?? NaN), timeouts };
};

async function post(url: string, body: unknown, address: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': address }, body: JSON.stringify(body), signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  return { status: res.status, json: (await res.json().catch(() => ({}))) as Record<string, unknown> };
}

function connect(url: string, auth: Record<string, string>, address?: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = io(url, { auth, extraHeaders: address ? { 'x-forwarded-for': address } : {}, transports: ['websocket'], forceNew: true, reconnection: false, timeout: 10_000 });
    s.once('connect', () => resolve(s));
    s.once('connect_error', (err) => { s.close(); reject(new Error(`socket ${url}: ${err.message}`)); });
  });
}

/** A closed loop of one request at a time until `until()`: latencies (a timeout as PROBE_TIMEOUT_MS), timeouts, non-200 answers. */
async function probeLoop(url: string, headers: Record<string, string>, until: () => boolean) {
  const latencies: number[] = [];
  let timeouts = 0;
  let non200 = 0;
  while (!until()) {
    const t0 = performance.now();
    try {
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
      await res.arrayBuffer();
      if (res.status !== 200) non200++;
      latencies.push(performance.now() - t0);
    } catch {
      timeouts++;
      latencies.push(PROBE_TIMEOUT_MS);
    }
    await sleep(PROBE_EVERY_MS);
  }
  return { values: latencies, timeouts, non200 };
}

/**
 * The flooder runs in its own process (bench/flooder.ts), so its loops do not starve this process' probes and
 * receipts: what is measured is the hub's answer, not the load generator's queue.
 */
type FloodResult = FloodCounts & { flooderCpuMs: number | null };

async function startFlood(url: string, token: string, extraEnv: Record<string, string> = {}): Promise<{ pid: number; stop(): Promise<FloodResult>; finished: Promise<FloodCounts> }> {
  // Through nice(1), so every thread of the process has the priority (it execs node: the pid stays the flooder's).
  const child = spawn('nice', ['-n', String(FLOOD_NICE), process.execPath, '--import', 'tsx', path.join(__dirname, 'flooder.ts')], {
    env: {
      ...process.env, FLOOD_URL: url, FLOOD_TOKEN: token, FLOOD_ADDRESS: FLOODER_ADDRESS, FLOOD_HISTORY_WINDOW: String(HISTORY_WINDOW),
      FLOOD_SESSION_LOOPS: String(SESSION_LOOPS), FLOOD_CPU_SHARE: String(FLOOD_CPU_SHARE), ...extraEnv,
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  // Its two lines: `ready`, then its counts (after a stop line, or by itself with FLOOD_COUNT).
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`flooder exited with ${code}`))));
  exited.catch(() => {});
  const next = () => Promise.race([lines.next().then((r) => String(r.value)), exited]);
  if ((await next()) !== 'ready') throw new Error('flooder did not start');
  const cpu0 = cpuMsOf(child.pid!);
  const finished = next().then((line) => JSON.parse(line) as FloodCounts);
  finished.catch(() => {});
  return {
    pid: child.pid!,
    finished,
    async stop() {
      // Its CPU is taken from the same two cores as the hub's: the figure says how much of the slowdown it is.
      const cpu1 = cpuMsOf(child.pid!);
      child.stdin!.end('stop\n');
      return { ...(await finished), flooderCpuMs: cpu0 === null || cpu1 === null ? null : Math.round(cpu1 - cpu0) };
    },
  };
}

/**
 * The hub's CPU per refused request of one kind: the flooder makes FLOOD_COUNT requests of that kind only (after the
 * measured windows, so every budget of its visitor and address is already spent); the hub's CPU over that time, less
 * what it uses idle over as long, divided by the requests. Typing and history include the reconnects they cause.
 */
async function rejectionCosts(url: string, token: string, pids: number[]) {
  const cpu = () => { const c = pids.map(cpuMsOf); return c.some((x) => x === null) ? null : c.reduce((t, x) => t! + x!, 0)!; };
  const idle0 = cpu();
  const t0 = performance.now();
  await sleep(2000);
  const idleRate = idle0 === null ? null : (cpu()! - idle0) / (performance.now() - t0);
  const out: Record<string, { requests: number; hubCpuMsPerRequest: number | null; requestsPerSecond: number }> = {};
  for (const kind of ['session', 'history', 'typing', 'connect']) {
    const flood = await startFlood(url, token, { FLOOD_ONLY: kind, FLOOD_COUNT: String(COST_REQUESTS), FLOOD_CPU_SHARE: '0.5' });
    const c0 = cpu();
    const s0 = performance.now();
    const counts = await Promise.race([flood.finished, sleep(60_000).then(() => null)]);
    const c1 = cpu();
    const ms = performance.now() - s0;
    const f = counts ?? (await flood.stop());
    if (counts) await flood.stop().catch(() => {});
    const requests = floodRequests(f);
    const used = c0 === null || c1 === null || idleRate === null ? null : c1 - c0 - idleRate * ms;
    out[kind] = { requests, hubCpuMsPerRequest: used === null || !requests ? null : round(used / requests, 3), requestsPerSecond: round((requests / ms) * 1000)! };
  }
  return out;
}

/** Every request the flooder made: sessions, history pages, typing toggles and (re)connects. */
const floodRequests = (f: FloodCounts) =>
  f.sessions200 + f.sessions429 + f.sessionsOther + f.historyAnswered + f.historyLimited + f.historyFailed + f.typingSent + f.reconnects + f.connectsRefused;

/**
 * How many Redis calls the limiter makes while one visitor floods: the flood runs again for MONITOR_SECONDS with
 * Redis MONITOR on (not during the measured windows: MONITOR slows Redis), counting calls on this hub's rate-limit
 * keys; `perFloodRequest` divides them by the flooder's requests (almost all of them refused).
 */
async function limiterRedisCalls(redisUrl: string, prefix: string, flood: () => ReturnType<typeof startFlood>) {
  // A plain socket speaking RESP: MONITOR's lines are counted as they come (ioredis' monitor mode mistook the shared
  // Redis' traffic for replies). Only the scripts themselves: MONITOR also lists the GET/SET each one runs inside Redis.
  const u = new URL(redisUrl);
  const conn = net.connect(Number(u.port || 6379), u.hostname);
  conn.on('error', () => {});
  let calls = 0;
  let rest = '';
  const needle = `"${prefix}:rl:`;
  conn.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString('utf8')).split('\r\n');
    rest = lines.pop() ?? '';
    for (const l of lines) if (/\] "eval(sha)?" /i.test(l) && l.includes(needle)) calls++;
  });
  if (u.password) conn.write(`AUTH ${decodeURIComponent(u.username || 'default')} ${decodeURIComponent(u.password)}\r\n`);
  conn.write('MONITOR\r\n');
  try {
    const running = await flood();
    await sleep(MONITOR_SECONDS * 1000);
    const f = await running.stop();
    const requests = floodRequests(f);
    return { seconds: MONITOR_SECONDS, calls, floodRequests: requests, perFloodRequest: requests ? round(calls / requests, 4) : null };
  } finally {
    conn.destroy();
  }
}

type FloodOpts = { mongoBase: string; redisUrl: string; runId: string; log: (m: string) => void; onCleanup(fn: () => Promise<unknown>): void };

async function oneHub(opts: FloodOpts, label: 'limited' | 'unlimited') {
  const { log, runId } = opts;
  const mongoUri = `${opts.mongoBase}/kb_${runId}_flood`;
  const prefix = `kb:${runId}:flood`;
  const db = await connectStore(mongoUri, STORE_OPTIONS);
  const redis = new Redis(opts.redisUrl, { maxRetriesPerRequest: 3 });
  const sockets: Socket[] = [];
  const loopDelayPrefix = path.join(os.tmpdir(), `kanal-bench-loop-${runId}-${label}`);
  let hub: RunningHub | undefined;
  try {
    await ensureIndexes(db);
    const agent = { email: `flood-${runId}@kanal.test`, password: randomBytes(12).toString('hex') };
    await createAgent(models(db), { ...agent, name: 'Bench Agent', role: 'admin' });
    const off = label === 'unlimited' ? Object.fromEntries(['SESSION', 'CONNECT', 'SEND', 'HISTORY', 'TYPING'].map((k) => [`WIDGET_RATE_${k}`, '0,0/1s'])) : {};
    // The bench is every visitor's proxy: X-Forwarded-For gives each its own address (the flooder one of its own).
    hub = await startChildHub(
      { mongoUri, redisUrl: opts.redisUrl, prefix, concurrency: 16, secrets: { jwt: randomBytes(32).toString('hex'), widget: randomBytes(32).toString('hex') } },
      { TRUST_PROXY: 'loopback', WIDGET_RATE_SESSION: '20,60/60s', WIDGET_RATE_CONNECT: '10,100/60s', WIDGET_RATE_SEND: '20,200/10s', ...off },
      ['hub', 'worker'],
      { loopDelayPrefix },
    );
    opts.onCleanup(() => hub!.stop()); // also when the run's deadline ends it mid-phase (stopping twice is harmless)
    const url = hub.url;
    log(`flood (${label}): hub ${hub.pids.join(' + ')} at ${url}`);
    const login = await post(`${url}/api/auth/login`, agent, '127.0.0.1');
    const agentToken = String(login.json.token);
    const agentSocket = await connect(`${url}/agents`, { token: agentToken });
    sockets.push(agentSocket);

    // Other visitors (one address each) and the agent's view of their messages.
    const sent = new Map<string, number>();
    const latencies: number[] = [];
    agentSocket.on('message.created', (view: { text?: string }) => {
      const id = /^flood#([^#]+)#/.exec(view?.text ?? '')?.[1];
      const t0 = id ? sent.get(id) : undefined;
      if (id && t0 !== undefined) { latencies.push(performance.now() - t0); sent.delete(id); }
    });
    const visitors: Socket[] = [];
    for (let i = 0; i < VISITORS; i++) {
      const address = `10.1.${Math.floor(i / 250)}.${(i % 250) + 1}`;
      const { json } = await post(`${url}/api/widget/session`, {}, address);
      visitors.push(await connect(`${url}/widget`, { token: String(json.token) }, address));
    }
    sockets.push(...visitors);
    let seq = 0;
    const ackLatencies: number[] = [];
    let unacked = 0;
    const send = (s: Socket) => {
      const id = `${label}-${seq++}`;
      const t0 = performance.now();
      sent.set(id, t0);
      unacked++;
      s.emit('message:send', { clientId: id, text: `flood#${id}#Siparişim nerede? Kargo takip numarası çalışmıyor.` }, (ack: { ok?: boolean }) => {
        unacked--;
        if (ack?.ok) ackLatencies.push(performance.now() - t0);
      });
    };
    visitors.forEach(send); // warm-up: customers and conversations exist before anything is measured
    await waitUntil(() => sent.size === 0, 30_000, 'warm-up messages at the agent', 50);

    // The flooder: a visitor with a thread, so each history page is real work (identity, customer, weeks, buckets).
    const session = await post(`${url}/api/widget/session`, { name: 'Flood' }, FLOODER_ADDRESS);
    const flooderToken = String(session.json.token);
    const flooderSocket = await connect(`${url}/widget`, { token: flooderToken }, FLOODER_ADDRESS);
    for (let i = 0; i < 10; i++) send(flooderSocket);
    await waitUntil(() => sent.size === 0, 30_000, 'the flooder\'s messages at the agent', 50);
    flooderSocket.close();

    /** One window: raw samples (a lost or refused one as PROBE_TIMEOUT_MS) and the hub's CPU. */
    const measure = async (flooding: boolean) => {
      latencies.length = 0;
      ackLatencies.length = 0;
      unacked = 0;
      sent.clear();
      const flood = flooding ? await startFlood(url, flooderToken, CONTROL ? { FLOOD_ONLY: CONTROL } : {}) : null;
      if (flood) await sleep(1000); // measured in the flood's steady state
      const seqAtStart = seq;
      const startedAt = Date.now();
      const cpu0 = hub!.pids.map(cpuMsOf);
      const queued0 = hub!.pids.map(runQueueMsOf);
      const busy0 = machineBusyMs();
      const benchQueued0 = runQueueMsOf(process.pid);
      const benchLoop = monitorEventLoopDelay({ resolution: 1 });
      benchLoop.enable();
      const procs0 = processCpu();
      const end = performance.now() + SECONDS * 1000;
      const over = () => performance.now() >= end;
      // Open loop: VISITORS messages per second, spread evenly, whatever the hub's state.
      const sender = (async () => {
        for (let k = 0; !over(); k++) {
          send(visitors[k % VISITORS]!);
          await sleep(1000 / VISITORS);
        }
      })();
      const [me, healthz] = await Promise.all([
        probeLoop(`${url}/api/me`, { authorization: `Bearer ${agentToken}` }, over),
        probeLoop(`${url}/healthz`, {}, over),
        sender,
      ]);
      const cpu1 = hub!.pids.map(cpuMsOf);
      const queued1 = hub!.pids.map(runQueueMsOf);
      const busy1 = machineBusyMs();
      benchLoop.disable();
      const benchQueued1 = runQueueMsOf(process.pid);
      const procs1 = processCpu();
      const span: [number, number] = [startedAt, Date.now()];
      const flooder = await flood?.stop();
      const roles = new Map<number, string>([[process.pid, 'bench'], ...hub!.pids.map((p, i): [number, string] => [p, ['hub', 'worker'][i]!]), ...(flood ? [[flood.pid, 'flooder'] as [number, string]] : [])]);
      const cpuByProcessMs: Record<string, number> = {};
      for (const [pid, end] of procs1) {
        const used = end.ms - (procs0.get(pid)?.ms ?? 0);
        const who = roles.get(pid) ?? end.comm;
        if (used > 0) cpuByProcessMs[who] = Math.round((cpuByProcessMs[who] ?? 0) + used);
      }
      const deadline = performance.now() + PROBE_TIMEOUT_MS;
      while ((sent.size || unacked) && performance.now() < deadline) await sleep(50);
      const lost = sent.size;
      // An unanswered or refused send counts as a timeout (the other visitors stay within their own budgets).
      const notAcked = Math.max(0, seq - seqAtStart - ackLatencies.length);
      const spent = (a: (number | null)[], b: (number | null)[]) => (a.some((c) => c === null) || b.some((c) => c === null) ? null : Math.round(b.reduce((t, c, i) => t! + c! - a[i]!, 0)!));
      const hubCpuMs = spent(cpu0, cpu1);
      const runQueueMs = spent(queued0, queued1);
      const machine = spent([busy0], [busy1]);
      const bench = { runQueueMs: spent([benchQueued0], [benchQueued1]), loopDelayP99: round(benchLoop.percentile(99) / 1e6)!, loopDelayMax: round(benchLoop.max / 1e6)! };
      return {
        sendAck: { values: [...ackLatencies, ...Array(notAcked).fill(PROBE_TIMEOUT_MS)], timeouts: notAcked },
        message: { values: [...latencies, ...Array(lost).fill(PROBE_TIMEOUT_MS)], timeouts: lost },
        me, healthz, hubCpuMs, runQueueMs, machineBusyMs: machine, cpuByProcessMs, bench, flooder, span,
      };
    };
    type Sample = Awaited<ReturnType<typeof measure>>;
    const FIGURES = ['sendAck', 'message', 'me', 'healthz'] as const;
    const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? null : round(a / b, 2));
    const p99Of = (values: number[]) => round(percentile([...values].sort((a, b) => a - b), 99));
    /** Every window of one kind pooled: p99 over all their samples, CPU summed. */
    const pooled = (windows: Sample[], loop: LoopSample[]): Window => {
      const of = (k: (typeof FIGURES)[number]) => {
        const values = windows.flatMap((w) => w[k].values);
        return { ...stats(values, windows.reduce((t, w) => t + w[k].timeouts, 0)), lost: windows.reduce((t, w) => t + w[k].timeouts, 0) };
      };
      const non200 = (k: 'me' | 'healthz') => windows.reduce((t, w) => t + w[k].non200, 0);
      const sum = (k: 'hubCpuMs' | 'runQueueMs' | 'machineBusyMs') => (windows.some((w) => w[k] === null) ? null : windows.reduce((t, w) => t + w[k]!, 0));
      const cpu = sum('hubCpuMs');
      const floods = windows.flatMap((w) => (w.flooder ? [w.flooder] : []));
      const flooder = floods.length
        ? (Object.fromEntries(Object.keys(floods[0]!).map((k) => [k, floods.reduce((t, f) => t + Number((f as unknown as Record<string, number | null>)[k] ?? NaN), 0)])) as unknown as Window['flooder'])
        : undefined;
      const loopDelayMs = loopDelayOf(loop, windows.map((w) => w.span));
      return { sendAck: of('sendAck'), message: of('message'), me: { ...of('me'), non200: non200('me') }, healthz: { ...of('healthz'), non200: non200('healthz') }, hubCpuMs: cpu, runQueueMs: sum('runQueueMs'), machineBusyMs: sum('machineBusyMs'), cpuByProcessMs: sumBy(windows.map((w) => w.cpuByProcessMs)), loopDelayMs,
        bench: {
          runQueueMs: windows.some((w) => w.bench.runQueueMs === null) ? null : windows.reduce((t, w) => t + w.bench.runQueueMs!, 0),
          loopDelayP99: Math.max(...windows.map((w) => w.bench.loopDelayP99)), loopDelayMax: Math.max(...windows.map((w) => w.bench.loopDelayMax)),
        }, ...(flooder ? { flooder } : {}) };
    };
    const line = (w: Window) => `send->ack p99 ${w.sendAck.p99} ms, message p99 ${w.message.p99} ms, /api/me p99 ${w.me.p99} ms, /healthz p99 ${w.healthz.p99} ms, hub CPU ${w.hubCpuMs} ms, waiting for a CPU ${w.runQueueMs} ms, bench ${JSON.stringify(w.bench)}, machine busy ${w.machineBusyMs} ms ${JSON.stringify(w.cpuByProcessMs)}, loop delay ${JSON.stringify(w.loopDelayMs)}`;
    // Normal and flooded windows alternate (ROUNDS pairs), so the machine's drift (other work on the same two cores)
    // falls on both kinds alike; each figure's p99 is taken over all windows of its kind.
    const normals: Sample[] = [];
    const floods: Sample[] = [];
    const roundRatios: Record<string, number | null>[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const n = await measure(false);
      const fl = await measure(true);
      normals.push(n);
      floods.push(fl);
      roundRatios.push(Object.fromEntries(FIGURES.map((k) => [k, ratio(p99Of(fl[k].values), p99Of(n[k].values))])));
      const samples = readLoopDelay(loopDelayPrefix);
      const hubLoop = (w: Sample) => loopDelayOf(samples, [w.span]).hub;
      log(`flood (${label}) round ${r + 1}/${ROUNDS}: p99 ratios ${JSON.stringify(roundRatios[r])}; waiting for a CPU ${n.runQueueMs} -> ${fl.runQueueMs} ms, bench ${JSON.stringify(n.bench)} -> ${JSON.stringify(fl.bench)}, machine busy ${n.machineBusyMs} -> ${fl.machineBusyMs} ms; hub loop delay normal ${JSON.stringify(hubLoop(n))}, flooded ${JSON.stringify(hubLoop(fl))}`);
    }
    const loop = readLoopDelay(loopDelayPrefix);
    const normal = pooled(normals, loop);
    const flooded = pooled(floods, loop);
    log(`flood (${label}) normal: ${line(normal)}`);
    const f = flooded.flooder;
    if (f && flooded.hubCpuMs !== null && normal.hubCpuMs !== null) {
      const requests = floodRequests(f);
      flooded.hubCpuMsPerFloodRequest = requests ? round((flooded.hubCpuMs - normal.hubCpuMs) / requests, 3) : null;
    }
    log(`flood (${label}) flooding: ${line(flooded)}; hub CPU per flood request ${flooded.hubCpuMsPerFloodRequest} ms; flooder ${JSON.stringify(f)}`);
    const ratios = {
      sendAckP99: ratio(flooded.sendAck.p99, normal.sendAck.p99), messageP99: ratio(flooded.message.p99, normal.message.p99),
      meP99: ratio(flooded.me.p99, normal.me.p99), healthzP99: ratio(flooded.healthz.p99, normal.healthz.p99),
    };
    const redisCalls = label === 'limited' && MONITOR_SECONDS ? await limiterRedisCalls(opts.redisUrl, prefix, () => startFlood(url, flooderToken)) : null;
    if (redisCalls) log(`flood (${label}): limiter Redis calls with MONITOR on for ${MONITOR_SECONDS} s: ${JSON.stringify(redisCalls)}`);
    const costs = label === 'limited' && COST_REQUESTS ? await rejectionCosts(url, flooderToken, hub.pids) : null;
    if (costs) log(`flood (${label}): hub CPU per refused request: ${JSON.stringify(costs)}`);
    // The median round's ratio: one window that met a burst of other work on the machine does not decide it.
    const median = (xs: (number | null)[]) => {
      const v = xs.filter((x): x is number => x !== null).sort((a, b) => a - b);
      return v.length ? round((v[Math.floor((v.length - 1) / 2)]! + v[Math.floor(v.length / 2)]!) / 2, 2) : null;
    };
    const medianRoundRatios = Object.fromEntries(FIGURES.map((k) => [`${k}P99`, median(roundRatios.map((r) => r[k] ?? null))]));
    return { normal, flood: flooded, ratios, roundRatios, medianRoundRatios, ...(redisCalls ? { redisCalls } : {}), ...(costs ? { rejectionCosts: costs } : {}) };
  } finally {
    for (const s of sockets) s.close();
    await hub?.stop();
    await db.dropDatabase().catch(() => {});
    await db.close();
    for (const f of loopDelayFiles(loopDelayPrefix)) rmSync(f, { force: true });
    const keys = await deleteKeys(redis, `${prefix}*`).catch(() => 0);
    log(`flood (${label}): dropped kb_${runId}_flood, deleted ${keys} Redis keys (${prefix}*)`);
    await redis.quit();
  }
}

export async function runFloodBench(opts: FloodOpts) {
  const limited = await oneHub(opts, 'limited');
  const unlimited = COMPARE ? await oneHub(opts, 'unlimited') : null;
  const within = (r: number | null) => r !== null && r <= TARGET_RATIO;
  return {
    config: {
      seconds: SECONDS, rounds: ROUNDS, control: CONTROL, visitors: VISITORS, historyWindow: HISTORY_WINDOW, sessionLoops: SESSION_LOOPS, probeEveryMs: PROBE_EVERY_MS,
      flooderCpuShare: FLOOD_CPU_SHARE, flooderNice: FLOOD_NICE, probeTimeoutMs: PROBE_TIMEOUT_MS,
    },
    limited,
    ...(unlimited ? { unlimited } : {}),
    target: { p99RatioMax: TARGET_RATIO },
    pass: {
      sendAck: within(limited.ratios.sendAckP99), message: within(limited.ratios.messageP99), me: within(limited.ratios.meP99),
      healthz: within(limited.ratios.healthzP99),
    },
  };
}
