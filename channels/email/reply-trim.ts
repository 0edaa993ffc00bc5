/**
 * Separates the visible reply from quoted history and signature, in the plain text and, separately, in the HTML of
 * a mail. The rules are in reply-split.ts (what counts as the reply), reply-lines.ts (line tests) and
 * reply-patterns.ts (the words of each client and language); html-text.ts reads HTML as lines. Nothing is thrown
 * away: what is left out is returned as `quoted` so an agent can open it. Pure.
 */
import { htmlToLines } from './html-text';
import { cleanLine, mayEndAttribution, splitGluedAttribution } from './reply-lines';
import { splitReply } from './reply-split';

export interface TrimmedText {
  visible: string;
  quoted: string;
}

export function trimReplyText(text: string): TrimmedText {
  const lines = unglue(text.replace(/\r\n?/g, '\n').split('\n'));
  const { keep, firstDropped } = splitReply(lines.map((line) => ({ text: line })));
  const visible = lines.filter((_, i) => keep[i]).map(cleanLine).join('\n');
  return {
    visible: tidy(visible),
    quoted: firstDropped === -1 ? '' : lines.slice(firstDropped).join('\n').trim(),
  };
}

export interface TrimmedHtml {
  visible: string;
  quoted: string;
}

/**
 * The HTML without the lines left out of the reply: each left-out run of lines is cut from the end of the content
 * before it to the start of the content after it. Both halves go through the sanitizer, which closes what was cut
 * open.
 */
export function trimReplyHtml(html: string): TrimmedHtml {
  const lines = htmlToLines(html);
  const { keep, firstDropped } = splitReply(lines);
  if (firstDropped === -1) return { visible: html, quoted: '' };
  let visible = '';
  let at = 0;
  for (let i = 0; i < lines.length; i++) {
    if (keep[i]) continue;
    let j = i;
    while (j < lines.length && !keep[j]) j++;
    visible += html.slice(at, lines[i]!.start);
    at = j < lines.length ? lines[j]!.start : html.length;
    i = j;
  }
  visible += html.slice(at);
  return { visible, quoted: html.slice(lines[firstDropped]!.start) };
}

/** A reply and an attribution on one line, followed by quoted lines, become two lines. */
function unglue(lines: string[]): string[] {
  const out: string[] = [];
  // Whether the next non-blank line after each line is quoted, found in one pass from the end (a 1 MB mail has
  // tens of thousands of lines: no search forward from each of them).
  const quotedNext: boolean[] = [];
  let nextQuoted = false;
  for (let i = lines.length - 1; i >= 0; i--) {
    quotedNext[i] = nextQuoted;
    if (lines[i]!.trim()) nextQuoted = /^\s*>/.test(lines[i]!);
  }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const glued = quotedNext[i] && !/^\s*>/.test(line) && mayEndAttribution(line.trimEnd());
    const parts = glued ? splitGluedAttribution(line) : undefined;
    if (parts) out.push(...parts);
    else out.push(line);
  }
  return out;
}

/** Blank-line runs left where quoted blocks were taken out become one blank line; no blank lines around. */
function tidy(text: string): string {
  return text.replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').replace(/^\s*\n/, '').trim();
}
