// Preloaded into a bench's child hub (`node --import ./bench/loop-delay.mjs`, bench/hub.ts `loopDelay`): every
// INTERVAL_MS one line of the event loop's delay over that interval (p50, p99, max in ms) appended to
// `${BENCH_LOOP_DELAY_PREFIX}.<pid>.jsonl`, so a bench can tell a hub whose loop was held up from one that waited
// elsewhere (Redis, the store, the kernel's scheduling of two shared cores).
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const INTERVAL_MS = 250;
const prefix = process.env.BENCH_LOOP_DELAY_PREFIX;
if (prefix) {
  const file = `${prefix}.${process.pid}.jsonl`;
  const role = process.argv.at(-1);
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const ms = (ns) => Math.round(ns / 1e4) / 100;
  setInterval(() => {
    appendFileSync(file, `${JSON.stringify({ t: Date.now(), role, p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) })}\n`);
    h.reset();
  }, INTERVAL_MS).unref();
}
