// Builds the agent console (agent-ui/) into agent-ui/dist, which the hub serves at `/`. `npm test` and `npm start`
// run it. Vite 8's built-in oxc transform handles TSX (no React plugin needed).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function buildUi() {
  const ui = path.join(root, 'agent-ui');
  await build({
    root: ui,
    configFile: false,
    logLevel: 'warn',
    oxc: { jsx: { runtime: 'automatic' } },
    build: { outDir: path.join(ui, 'dist'), emptyOutDir: true, sourcemap: true, target: 'es2022' },
  });
  return path.join(ui, 'dist');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = await buildUi();
  console.log(`built ${path.relative(root, out)}`);
}
