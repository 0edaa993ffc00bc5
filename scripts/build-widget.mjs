// Bundles the browser widget (and socket.io-client) into public/widget.js. `npm test` and `npm start` run it.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function buildWidget(outfile = path.join(root, 'public/widget.js')) {
  await build({
    entryPoints: [path.join(root, 'channels/webchat/widget/widget.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2019',
    outfile,
    sourcemap: true,
    logLevel: 'warning',
  });
  return outfile;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = await buildWidget();
  console.log(`built ${path.relative(root, out)}`);
}
