// `replyTrim`: the cost of reply trimming (channels/email/reply-trim.ts, text and HTML together) as a mail grows, for
// the shapes that make a line-by-line trimmer slow (tests/helpers/long-mails.ts). Reported per shape as the median of
// a few runs at 100 KB and at 1 MB and their ratio: a linear trimmer costs about 10x for 10x the bytes, one that
// backtracks or searches forward from every line 100x or more. Pure CPU in this process; no services.
import { trimReplyHtml, trimReplyText } from '../channels/email/reply-trim';
import { pathologicalShapes } from '../tests/helpers/long-mails';
import { round } from './lib';

const RUNS = 5;
/**
 * 10x the bytes may cost at most this many times as much: linear is 10 and quadratic 100; V8 handles megabyte strings
 * a little worse than linearly (one 1 MB line of header names: x24 here), and a pattern that backtracks costs far more.
 */
export const REPLY_TRIM_GROWTH_MAX = 30;

const trimBoth = (text: string) => {
  trimReplyText(text);
  trimReplyHtml(`<div>${text.replace(/\n/g, '<br>')}</div>`);
};
function medianMs(text: string): number {
  const times: number[] = [];
  for (let k = 0; k < RUNS; k++) {
    const t = performance.now();
    trimBoth(text);
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

export async function runReplyTrimBench(opts: { log: (line: string) => void }) {
  trimBoth('warm-up\n\nOn Mon, Nov 23, 2026 at 10:00 AM Ali <a@b.c> wrote:\n> x'); // compiles the patterns once
  const small = pathologicalShapes(100 << 10);
  const large = pathologicalShapes(1 << 20);
  const shapes: Record<string, { ms100k: number; ms1m: number; growth: number }> = {};
  for (const name of Object.keys(small) as (keyof typeof small)[]) {
    const ms100k = medianMs(small[name]);
    const ms1m = medianMs(large[name]);
    shapes[name] = { ms100k: round(ms100k, 1)!, ms1m: round(ms1m, 1)!, growth: round(ms1m / Math.max(ms100k, 0.1), 2)! };
    opts.log(`replyTrim ${name}: 100 KB ${shapes[name]!.ms100k} ms, 1 MB ${shapes[name]!.ms1m} ms (x${shapes[name]!.growth})`);
  }
  const worst = Math.max(...Object.values(shapes).map((s) => s.growth));
  return { shapes, worstGrowth: worst, target: { growthMax: REPLY_TRIM_GROWTH_MAX }, pass: worst <= REPLY_TRIM_GROWTH_MAX };
}
