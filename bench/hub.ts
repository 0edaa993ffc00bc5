import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type Config } from '../src/config';
import { startHub } from '../src/hub';
import { envInt, freePort, sleep, waitUntil } from './lib';

const root = path.resolve(__dirname, '..');
/** How long a hub child may take to answer /healthz: on a loaded 2-core machine starting two of them took over 40 s. */
const HUB_START_MS = envInt('BENCH_HUB_START_MS', 120_000, 1000, 600_000);

export interface RunningHub {
  url: string;
  kind: 'child-process' | 'in-process';
  /** Every process of the hub (one per role). */
  pids: number[];
  stop(): Promise<void>;
}

export function hubEnv(o: { mongoUri: string; redisUrl: string; prefix: string; port: number; concurrency: number; secrets: { jwt: string; widget: string } }): Record<string, string> {
  return {
    NODE_ENV: process.env.BENCH_NODE_ENV ?? 'production',
    HOST: '127.0.0.1',
    PORT: String(o.port),
    PUBLIC_URL: `http://127.0.0.1:${o.port}`, // production requires it
    MONGODB_URI: o.mongoUri,
    REDIS_URL: o.redisUrl,
    QUEUE_PREFIX: o.prefix,
    JWT_SECRET: o.secrets.jwt,
    WIDGET_TOKEN_SECRET: o.secrets.widget,
    LOG_LEVEL: process.env.BENCH_HUB_LOG_LEVEL ?? 'warn',
    WORKER_CONCURRENCY: String(o.concurrency),
    // Every bench visitor comes from this machine's one address: per-address budgets off, per-visitor ones as shipped.
    WIDGET_RATE_SESSION: '20,0/60s',
    WIDGET_RATE_CONNECT: '10,0/60s',
    WIDGET_RATE_SEND: '20,0/10s',
  };
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/healthz`);
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * The hub as child processes (their own event loops), one per role of `roles`: `all` (default) is hub and workers
 * in one process; `hub,worker` are the two processes that `npm start` and docker-compose.yml run. Output in
 * bench/results/hub-child.log. `extraEnv`: channel settings a phase needs on top of the common ones.
 */
/** `loopDelayPrefix`: each child records its event loop's delay (bench/loop-delay.mjs) to `<prefix>.<pid>.jsonl`. */
export async function startChildHub(env: Omit<Parameters<typeof hubEnv>[0], 'port'>, extraEnv: Record<string, string> = {}, roles: string[] = ['all'], opts: { loopDelayPrefix?: string } = {}): Promise<RunningHub> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = path.join(root, 'bench', 'results', 'hub-child.log');
  const fd = openSync(logFile, 'w');
  // BENCH_HUB_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the hub (Node refuses --cpu-prof in NODE_OPTIONS).
  const nodeArgs = process.env.BENCH_HUB_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  if (opts.loopDelayPrefix) nodeArgs.push('--import', path.join(root, 'bench', 'loop-delay.mjs'));
  const children = roles.map((role) => {
    const child: ChildProcess = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/main.ts', role], {
      cwd: root,
      env: { ...process.env, ...hubEnv({ ...env, port }), ...extraEnv, ...(opts.loopDelayPrefix ? { BENCH_LOOP_DELAY_PREFIX: opts.loopDelayPrefix } : {}) },
      stdio: ['ignore', fd, fd],
    });
    const state: { child: ChildProcess; exited: number | null; exit?: Promise<void> } = { child, exited: null };
    state.exit = new Promise<void>((r) => child.once('exit', (code, sig) => { state.exited = code ?? (sig ? 1 : 0); r(); }));
    return state as Required<typeof state>;
  });
  closeSync(fd);
  const stop = async () => {
    await Promise.all(children.map(async (c) => {
      if (c.exited !== null) return;
      c.child.kill('SIGTERM');
      await Promise.race([c.exit, sleep(15_000)]);
      if (c.exited === null) { c.child.kill('SIGKILL'); await Promise.race([c.exit, sleep(2000)]); }
    }));
  };
  try {
    await waitUntil(async () => {
      const dead = children.find((c) => c.exited !== null);
      if (dead) throw new Error(`hub child exited with ${dead.exited} before it was healthy (see ${logFile})`);
      return healthy(url);
    }, HUB_START_MS, `hub child healthy at ${url}/healthz (see ${logFile})`, 200);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, kind: 'child-process', pids: children.map((c) => c.child.pid!), stop };
}

/** startHub(config, 'all') in this process: load generator and hub share one event loop. */
export async function startInProcessHub(env: Omit<Parameters<typeof hubEnv>[0], 'port'>): Promise<RunningHub> {
  const config: Config = loadConfig({ ...hubEnv({ ...env, port: 0 }), LOG_LEVEL: 'silent' });
  const hub = await startHub(config, 'all');
  if (!hub.url) throw new Error('in-process hub has no url');
  return { url: hub.url, kind: 'in-process', pids: [process.pid], stop: () => hub.close() };
}
