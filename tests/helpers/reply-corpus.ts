/**
 * The reply-trimming corpus: loading a directory of cases and scoring the extraction on them. Shared by
 * scripts/score-reply-trim.ts and tests/unit/email-reply-corpus.test.ts. Layout and comparison: docs/email.md.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { htmlToText } from '../../channels/email/html-text';
import { trimReplyHtml, trimReplyText } from '../../channels/email/reply-trim';

export interface ReplyCase {
  /** File name without `.in.txt` / `.in.html`, relative to the corpus directory. */
  name: string;
  kind: 'text' | 'html';
  client: string;
  language: string;
  input: string;
  expected: string;
}

/** Every `<name>.in.txt` / `<name>.in.html` with its `<name>.expected.txt`, in subdirectories too. */
export function loadReplyCorpus(dir: string): ReplyCase[] {
  const cases: ReplyCase[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d).sort()) {
      const full = path.join(d, entry);
      if (statSync(full).isDirectory()) { walk(full); continue; }
      const m = /^(.*)\.in\.(txt|html)$/.exec(entry);
      if (!m) continue;
      const base = m[1]!;
      const expectedFile = path.join(d, `${base}.expected.txt`);
      let expected: string;
      try { expected = readFileSync(expectedFile, 'utf8'); } catch { throw new Error(`${full}: no ${base}.expected.txt beside it`); }
      const [client = 'other', language = 'other'] = base.split('-');
      cases.push({
        name: path.relative(dir, path.join(d, base)), kind: m[2] === 'html' ? 'html' : 'text',
        client: base.includes('-') ? client : 'other', language: base.split('-').length > 2 ? language : 'other',
        input: readFileSync(full, 'utf8'), expected,
      });
    }
  };
  walk(dir);
  return cases;
}

/** What the extraction shows for one case: the visible text, or the text of the visible HTML. */
export function visibleOf(c: ReplyCase): string {
  return c.kind === 'html' ? htmlToText(trimReplyHtml(c.input).visible) : trimReplyText(c.input).visible;
}

/**
 * "Exact" after normalising what no reader sees: line endings, invisible characters, no-break spaces, trailing
 * spaces and runs of blank lines; for HTML also runs of spaces and blank lines (block spacing is styling).
 */
export function comparable(text: string, kind: ReplyCase['kind']): string {
  let t = text.replace(/\r\n?/g, '\n').replace(/[\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/g, '').replace(/\u00A0/g, ' ');
  t = t.split('\n').map((l) => l.replace(/\s+$/, '')).join('\n');
  if (kind === 'html') t = t.split('\n').map((l) => l.replace(/\s+/g, ' ').trim()).filter(Boolean).join('\n');
  return t.replace(/\n{3,}/g, '\n\n').trim();
}

interface Tally { ok: number; all: number }
export interface CorpusScore {
  ok: number;
  all: number;
  byClient: Map<string, Tally>;
  byLanguage: Map<string, Tally>;
  byKind: Map<string, Tally>;
  misses: Array<{ name: string; expected: string; got: string }>;
}

export function scoreReplyCorpus(cases: ReplyCase[]): CorpusScore {
  const score: CorpusScore = { ok: 0, all: 0, byClient: new Map(), byLanguage: new Map(), byKind: new Map(), misses: [] };
  const add = (map: Map<string, Tally>, key: string, ok: boolean) => {
    const t = map.get(key) ?? { ok: 0, all: 0 };
    t.all++;
    if (ok) t.ok++;
    map.set(key, t);
  };
  for (const c of cases) {
    let got: string;
    try { got = comparable(visibleOf(c), c.kind); } catch (err) { got = `(threw: ${(err as Error).message})`; }
    const expected = comparable(c.expected, c.kind);
    const ok = got === expected;
    score.all++;
    if (ok) score.ok++;
    else score.misses.push({ name: c.name, expected, got });
    add(score.byClient, c.client, ok);
    add(score.byLanguage, c.language, ok);
    add(score.byKind, c.kind, ok);
  }
  return score;
}
