// Runs a command with Redis and the store available (see services.mjs), then stops what it started.
import { spawn } from 'node:child_process';
import { ensureDeps } from './ensure-deps.mjs';
import { startServices } from './services.mjs';

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  console.error('usage: node scripts/with-services.mjs <command> [args...]');
  process.exit(2);
}
ensureDeps();
const services = await startServices();
const env = { ...process.env, REDIS_URL: services.redisUrl, KANAL_MONGO_BASE: services.mongoBase };
const child = spawn(cmd, args, { stdio: 'inherit', env });
const forward = (sig) => child.kill(sig);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
const code = await new Promise((resolve) => child.on('exit', (c, sig) => resolve(c ?? (sig ? 1 : 0))));
await services.stop();
process.exit(code);
