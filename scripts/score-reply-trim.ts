/**
 * Scores the visible-reply extraction on a corpus directory (layout in docs/email.md, "Reply trimming corpus"):
 * prints exact-match counts per client, per language and overall, and the cases that missed.
 *
 *   node --import tsx scripts/score-reply-trim.ts [dir] [--quiet]      (default dir: tests/fixtures/email/replies)
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadReplyCorpus, scoreReplyCorpus } from '../tests/helpers/reply-corpus';

const args = process.argv.slice(2);
const quiet = args.includes('--quiet');
const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.resolve(args.find((a) => !a.startsWith('--')) ?? path.join(here, '../tests/fixtures/email/replies'));

const cases = loadReplyCorpus(dir);
if (!cases.length) {
  console.error(`no cases in ${dir} (expected <name>.in.txt or <name>.in.html with <name>.expected.txt)`);
  process.exit(1);
}
const score = scoreReplyCorpus(cases);
const pct = (ok: number, all: number) => `${((100 * ok) / all).toFixed(1)} %`;
const table = (title: string, groups: Map<string, { ok: number; all: number }>) => {
  console.log(`\n${title}`);
  for (const [name, g] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`  ${name.padEnd(16)} ${String(g.ok).padStart(4)} / ${String(g.all).padEnd(4)} ${pct(g.ok, g.all)}`);
  }
};
table('by client', score.byClient);
table('by language', score.byLanguage);
table('by input', score.byKind);
if (!quiet && score.misses.length) {
  console.log('\nmisses');
  for (const miss of score.misses) {
    console.log(`- ${miss.name}\n  expected: ${JSON.stringify(miss.expected)}\n  got:      ${JSON.stringify(miss.got)}`);
  }
}
console.log(`\noverall ${score.ok} / ${score.all} exact (${pct(score.ok, score.all)})`);
