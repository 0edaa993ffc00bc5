// Installs the npm dependencies on a fresh clone (or after package-lock.json changed), so `npm start` and
// `npm test` work as the first command run. Uses only Node built-ins: it runs before node_modules exists.
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'node_modules', '.kanal-lock-mtime');

export function ensureDeps() {
  const lock = path.join(root, 'package-lock.json');
  const lockTime = String(statSync(lock).mtimeMs);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === lockTime) return;
  // `npm install`, not `npm ci`: the registry reached here lacks some other platforms' optional binaries (e.g.
  // @swc/core-darwin-arm64 at our version), so npm ci's lock check always fails; install still follows the lock.
  console.error('[setup] installing npm dependencies...');
  execSync('npm install --no-audit --no-fund', { cwd: root, stdio: 'inherit', env: { ...process.env, PUPPETEER_SKIP_DOWNLOAD: '1' } });
  writeFileSync(stamp, lockTime);
}
