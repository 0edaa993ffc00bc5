// Installs the npm dependencies on a fresh clone (or after package.json or package-lock.json changed), so
// `npm start` and `npm test` work as the first command run. Uses only Node built-ins: it runs before node_modules
// exists. Run directly (`node scripts/ensure-deps.mjs`, as .ci/run does) it only installs.
import { execSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Inside node_modules, so `npm ci` (which empties node_modules first) removes it and a failed install leaves none.
const stamp = path.join(root, 'node_modules', '.kanal-deps-sha256');

/** sha256 over package.json and package-lock.json contents: unlike an mtime, it changes only when they do. */
export function depsHash() {
  const hash = createHash('sha256');
  for (const file of ['package.json', 'package-lock.json']) {
    hash.update(`${file}\0`).update(readFileSync(path.join(root, file))).update('\0');
  }
  return hash.digest('hex');
}

export function ensureDeps() {
  const want = depsHash();
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === want) return;
  // `npm ci`: installs exactly package-lock.json and never rewrites it (the tree stays clean), and stops if the
  // lock does not match package.json. docs/architecture.md ("npm ci") says why it works with this lock.
  console.error('[setup] installing npm dependencies (npm ci)...');
  execSync('npm ci --no-audit --no-fund', { cwd: root, stdio: 'inherit', env: { ...process.env, PUPPETEER_SKIP_DOWNLOAD: '1' } });
  writeFileSync(stamp, `${want}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) ensureDeps();
