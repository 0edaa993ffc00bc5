import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import type { Config } from '../../src/config';
import { envOf } from './env';

const root = path.resolve(__dirname, '../..');

/** Runs `src/main.ts <role>` as its own process with the given config in its environment. */
export function spawnKanal(role: 'hub' | 'worker' | 'all', config: Config, extraEnv: Record<string, string> = {}): ChildProcess {
  // The same environment the test's config was loaded from, so the child parses exactly what the test did.
  const env: Record<string, string> = { ...(process.env as Record<string, string>), ...envOf(config), ...extraEnv };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', role], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d) => (err = (err + d).slice(-4000)));
  child.on('exit', (code, signal) => {
    if (code && code !== 0 && signal !== 'SIGKILL') console.error(`kanal ${role} exited ${code}: ${err}`);
  });
  return child;
}

/**
 * Runs a hub node on a port the kernel picks (PORT=0) and resolves with its URL once it listens, read from its
 * start-up log line. A port chosen by the test beforehand can be taken by any outgoing connection in the meantime.
 */
export function spawnHub(config: Config, extraEnv: Record<string, string> = {}): { child: ChildProcess; url: Promise<string> } {
  const child = spawnKanal('hub', config, { ...extraEnv, PORT: '0', LOG_LEVEL: 'info' });
  const url = new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout?.on('data', (chunk) => {
      buffered += chunk;
      const found = /"url":"(http:\/\/[^"]+)"/.exec(buffered);
      if (found?.[1]) resolve(found[1]);
      buffered = buffered.slice(-2000); // the log keeps flowing (and is drained here) after the line we wanted
    });
    child.once('exit', (code) => reject(new Error(`hub exited (${code}) before it listened`)));
  });
  return { child, url };
}

/** Stops a child and waits for it to be gone (SIGTERM, then SIGKILL after a grace period). */
export async function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
}

/** Polls `fn` until it returns a truthy value, and returns that value; rejects after `ms`. */
/** A TCP port free right now (for a server whose URL must be known before it starts, e.g. PUBLIC_URL). */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, ms = 10_000, what = 'a condition'): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function waitUntil(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  await waitFor(check, ms, what);
}
