// Runs a command with Redis and the store available (see services.mjs), then stops what it started.
import { spawn } from 'node:child_process';
import { ensureDeps } from './ensure-deps.mjs';
import { startServices } from './services.mjs';

// --own-store: a private FerretDB for this run (tests, benchmarks); see services.mjs.
const argv = process.argv.slice(2);
const ownStore = argv[0] === '--own-store';
const [cmd, ...args] = ownStore ? argv.slice(1) : argv;
if (!cmd) {
  console.error('usage: node scripts/with-services.mjs [--own-store] <command> [args...]');
  process.exit(2);
}
ensureDeps();
const services = await startServices({ ownStore });
const env = { ...process.env, REDIS_URL: services.redisUrl, KANAL_MONGO_BASE: services.mongoBase, KANAL_STORE_LABEL: services.storeLabel,
  ...(services.postgresqlUrl ? { FERRETDB_POSTGRESQL_URL: services.postgresqlUrl } : {}) };
const child = spawn(cmd, args, { stdio: 'inherit', env });
const forward = (sig) => child.kill(sig);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
const code = await new Promise((resolve) => child.on('exit', (c, sig) => resolve(c ?? (sig ? 1 : 0))));
await services.stop();
process.exit(code);
