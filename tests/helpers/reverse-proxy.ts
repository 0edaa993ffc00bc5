import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, waitFor } from './process';

// Debian's packages; .ci/run installs them (nginx-light, caddy).
export const NGINX = '/usr/sbin/nginx';
export const CADDY = '/usr/bin/caddy';

export interface ReverseProxy {
  /** Where the proxy listens (HTTPS, a self-signed certificate for `name`). */
  port: number;
  stop(): Promise<void>;
}

/** The first fenced block of `lang` in a markdown file: the tests run the documented example, not a copy of it. */
export function docBlock(file: string, lang: string): string {
  const match = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(readFileSync(file, 'utf8'));
  if (!match) throw new Error(`${file} has no \`\`\`${lang} block`);
  return match[1]!;
}

/** Replaces each documented value by the test's; one the example no longer has fails here, loudly. */
export function adapt(text: string, replacements: Array<[string, string]>): string {
  return replacements.reduce((out, [from, to]) => {
    if (!out.includes(from)) throw new Error(`the documented example no longer contains ${JSON.stringify(from)}`);
    return out.split(from).join(to);
  }, text);
}

function selfSigned(dir: string, name: string): { cert: string; key: string } {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`, '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { cert, key };
}

async function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => { socket.destroy(); resolve(true); });
    socket.on('error', () => resolve(false));
  });
}

/** Starts `command` and waits until it listens on `port`; an early exit fails with its output. */
async function run(command: string, args: string[], port: number, dir: string, env: NodeJS.ProcessEnv = process.env): Promise<ReverseProxy> {
  const child: ChildProcess = spawn(command, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => (output = (output + d).slice(-4000)));
  child.stderr?.on('data', (d) => (output = (output + d).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`${path.basename(command)} exited ${child.exitCode}: ${output}`);
    return listening(port);
  }, 15_000, `${path.basename(command)} to listen`);
  return {
    port,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * nginx (foreground, its own prefix, pid and temp folders) with `server` (the http-level part of a config, e.g. the
 * docs' example after `adapt`) inside a minimal main config. `server` gets `{port}`, `{cert}` and `{key}` filled in.
 */
export async function startNginx(server: (where: { port: number; cert: string; key: string }) => string, name: string): Promise<ReverseProxy> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kanal-nginx-'));
  const port = await freePort();
  const { cert, key } = selfSigned(dir, name);
  for (const d of ['body', 'proxy']) mkdirSync(path.join(dir, d));
  const conf = path.join(dir, 'nginx.conf');
  writeFileSync(conf, `
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log stderr warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
${server({ port, cert, key })}
}
`);
  return run(NGINX, ['-p', dir, '-c', conf, '-e', 'stderr'], port, dir);
}

/** Caddy with a Caddyfile site block (`{port}`, `{cert}`, `{key}` filled in); no admin endpoint, no ACME, state kept in its folder. */
export async function startCaddy(site: (where: { port: number; cert: string; key: string }) => string, name: string): Promise<ReverseProxy> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kanal-caddy-'));
  const port = await freePort();
  const { cert, key } = selfSigned(dir, name);
  const file = path.join(dir, 'Caddyfile');
  writeFileSync(file, `{
	admin off
	auto_https disable_redirects
	storage file_system ${dir}/data
}

${site({ port, cert, key })}
`);
  const env = { ...process.env, HOME: dir, XDG_DATA_HOME: `${dir}/data`, XDG_CONFIG_HOME: `${dir}/config` };
  return run(CADDY, ['run', '--config', file, '--adapter', 'caddyfile'], port, dir, env);
}
