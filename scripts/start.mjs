// `npm start`: the whole hub on one machine: Redis and FerretDB (started if not running), the API and Socket.IO
// hub, the BullMQ workers, the web chat widget and its demo page. Ctrl-C stops everything it started.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDeps } from './ensure-deps.mjs';
import { startServices } from './services.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
ensureDeps();

// Local secrets are generated once and kept in .data/ (gitignored); production passes them in the environment.
const secretsFile = path.join(root, '.data', 'local-secrets.json');
mkdirSync(path.dirname(secretsFile), { recursive: true });
if (!existsSync(secretsFile)) {
  const s = () => randomBytes(32).toString('hex');
  writeFileSync(secretsFile, JSON.stringify({ JWT_SECRET: s(), WIDGET_TOKEN_SECRET: s() }), { mode: 0o600 });
}
const secrets = JSON.parse(readFileSync(secretsFile, 'utf8'));

const services = await startServices();
const env = {
  ...secrets,
  ...process.env,
  // Routing works out of the box: conversations without a team go to this one (the seed and the hub create it).
  ROUTING_DEFAULT_TEAM: process.env.ROUTING_DEFAULT_TEAM ?? 'Destek',
  REDIS_URL: services.redisUrl,
  MONGODB_URI: process.env.MONGODB_URI ?? `${services.mongoBase}/kanal`,
  ...(services.postgresqlUrl ? { FERRETDB_POSTGRESQL_URL: services.postgresqlUrl } : {}),
};
const run = (args) => spawnSync(process.execPath, args, { cwd: root, env, stdio: 'inherit' });
if (run(['scripts/build-widget.mjs']).status !== 0) process.exit(1);
if (run(['scripts/build-ui.mjs']).status !== 0) process.exit(1);

const seededMarker = path.join(root, '.data', 'seeded');
if (!existsSync(seededMarker) && existsSync(path.join(root, 'scripts', 'seed.ts'))) {
  if (run(['--import', 'tsx', 'scripts/seed.ts']).status === 0) writeFileSync(seededMarker, new Date().toISOString());
}

// Hub (API, sockets) and workers run as two processes, as docker-compose.yml deploys them: each gets a core, and
// worker load never delays socket traffic (bench/README.md measures both ways). `main.ts all` runs both in one.
const children = ['hub', 'worker'].map((role) => spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', role], { cwd: root, env, stdio: 'inherit' }));
const port = env.PORT ?? 3000;
setTimeout(() => {
  if (children.some((c) => c.exitCode !== null)) return;
  console.log(`\n  Kanal is running:\n    agent console  http://127.0.0.1:${port}/\n    web chat demo  http://127.0.0.1:${port}/demo\n    API document   http://127.0.0.1:${port}/api/openapi.json\n    health         http://127.0.0.1:${port}/healthz\n  (sign in with an account the seed printed on first start; Ctrl-C stops everything)\n`);
}, 3000).unref();

let stopping = false;
const stop = (sig) => {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill(sig);
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
// When one process ends, the other is stopped too: half a hub is no hub.
const codes = await Promise.all(children.map((c) => new Promise((r) => c.on('exit', (code) => { stop('SIGTERM'); r(code ?? 0); }))));
await services.stop();
process.exit(codes.find((c) => c !== 0) ?? 0);
