/**
 * Decides, line by line, which lines of a mail are the sender's own reply. Works on lines from the plain text or
 * from the HTML (html-text.ts), so both parts are cut by the same rules. Pure.
 *
 * What "visible reply" means:
 * - quoted history starts at a splitter (an attribution like "On … wrote:", an "Original message" separator, a
 *   quoted header block "From: … / Sent: …", or a marker element in the HTML) or at a block of `>` lines;
 * - when the sender's own text continues after a quoted block (an interleaved or bottom-posted reply), the quoted
 *   block and its attribution are left out and the reply goes on: the visible reply is the unquoted lines joined;
 * - otherwise everything from the splitter on is quoted history; a mail that starts with it has an empty reply;
 * - a signature after "-- " (short, at the end of the reply) and client footers ("Sent from my iPhone") are left
 *   out; a footer above a blank line ends the reply (what follows it was there before).
 */
import {
  attributionStrength, cleanLine, isClientFooter, isDeviceFooter, isFlatHeaderLine, isFromHeaderLine, isHeaderLine,
  isOriginalMessageLine, isRuleLine, isSignatureDelimiter, mayEndAttribution, nameLine, startsWithAddress,
  startsWithIntro,
} from './reply-lines';

export interface ReplyLine {
  text: string;
  /** Already known to be quoted (inside an HTML blockquote); plain text lines are quoted when they start with ">". */
  quoted?: boolean;
  /** A marker element of quoted history (HTML only). */
  hard?: boolean;
  /** A horizontal rule (HTML `<hr>`). */
  rule?: boolean;
}

export interface ReplySplit {
  /** Lines of the visible reply (indexes into the input). */
  keep: boolean[];
  /** First line left out, or -1 when the whole mail is the reply. */
  firstDropped: number;
}

type Kind = 'empty' | 'quote' | 'text' | 'split' | 'sig' | 'footer';
/**
 * `rule`: a signature drawn as a line of underscores, which people also draw between parts of their reply.
 * `device`: a footer that surely names a device or an app ("Sent from my iPhone", not "Sent from London").
 */
interface Mark { kind: Kind; end: number; rule?: boolean; device?: boolean }

/** Longest signature block (non-empty lines after "-- ") still taken for a signature. */
const MAX_SIGNATURE_LINES = 12;
const MAX_ATTRIBUTION_LINES = 5;

export function splitReply(input: ReplyLine[]): ReplySplit {
  const lines = input.map((l) => ({ ...l, text: cleanLine(l.text) }));
  const marks = markLines(lines);
  const keep = lines.map(() => false);
  let firstDropped = -1;
  const drop = (from: number) => { if (firstDropped === -1 || from < firstDropped) firstDropped = from; };

  let i = 0;
  while (i < lines.length) {
    const mark = marks[i]!;
    if (mark.kind === 'empty' || mark.kind === 'text') { keep[i] = true; i++; continue; }
    if (mark.kind === 'quote' && decorationNotQuote(marks, lines, i)) { keep[i] = true; i++; continue; }
    if (mark.kind === 'split' || mark.kind === 'quote') {
      const blockEnd = mark.kind === 'quote' ? quoteBlockEnd(marks, i, lines) : quotedAfterSplit(marks, mark.end, lines);
      if (blockEnd !== undefined && textFollows(marks, blockEnd)) {
        drop(i);
        // The reply goes on after the block; blank lines after it only stay if there was one before it.
        const blankBefore = i === 0 || marks[i - 1]!.kind === 'empty';
        i = blockEnd;
        if (!blankBefore) while (i < marks.length && marks[i]!.kind === 'empty') i++;
        continue;
      }
      drop(i);
      break;
    }
    // A footer standing on its own above a blank line ends the reply: apps write it below what was typed, so what
    // follows it (a quote whose attribution was lost, "Hi there!") was there before.
    if (mark.kind === 'footer' && mark.device && marks[i + 1]?.kind === 'empty') { drop(i); break; }
    // A signature or footer: left out when only quoted history (or nothing) follows it.
    const end = signatureEnd(marks, i);
    if (end !== undefined) { drop(i); i = end; continue; }
    keep[i] = true;
    i++;
  }
  return { keep, firstDropped };
}

function markLines(lines: ReplyLine[]): Mark[] {
  const marks: Mark[] = [];
  // Computed once per line: attributionAt looks at each line from up to five starting lines.
  const mayEnd = lines.map((l) => mayEndAttribution(l.text.trimEnd()));
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const text = line.text.trim();
    if (line.hard) { marks.push({ kind: 'split', end: i + 1 }); continue; }
    if (line.quoted || /^\s{0,3}>/.test(line.text)) { marks.push({ kind: 'quote', end: i + 1 }); continue; }
    if (line.rule || isRuleLine(text)) {
      // A rule right above a header block belongs to it (Outlook); otherwise a rule is a signature delimiter.
      const next = nextNonEmpty(lines, i + 1);
      if (next !== undefined && headerBlockEnd(lines, next) !== undefined) { marks.push({ kind: 'split', end: i + 1 }); continue; }
      // A short rule ("====", "__") is only a separator above a header block; otherwise the usual line tests apply.
      if (line.rule || text.length >= 8) {
        const underscores = !line.rule && /^_{5,}$/.test(text);
        marks.push({ kind: line.rule ? 'empty' : underscores ? 'sig' : 'text', end: i + 1, rule: underscores });
        continue;
      }
    }
    if (!text) { marks.push({ kind: 'empty', end: i + 1 }); continue; }
    if (isOriginalMessageLine(text)) { marks.push({ kind: 'split', end: i + 1 }); continue; }
    const headerEnd = headerBlockEnd(lines, i);
    if (headerEnd !== undefined) { marks.push({ kind: 'split', end: headerEnd }); continue; }
    const attributionEnd = attributionAt(lines, i, mayEnd);
    if (attributionEnd !== undefined) { marks.push({ kind: 'split', end: attributionEnd }); continue; }
    if (isSignatureDelimiter(text)) {
      marks.push({ kind: 'sig', end: i + 1 });
      continue;
    }
    if (isClientFooter(text)) { marks.push({ kind: 'footer', end: i + 1, device: isDeviceFooter(text) }); continue; }
    marks.push({ kind: 'text', end: i + 1 });
  }
  return marks;
}

/** An attribution starting at line `i`, wrapped over up to five lines: the index after its last line. */
function attributionAt(lines: ReplyLine[], i: number, mayEnd: boolean[]): number | undefined {
  for (let j = i; j < Math.min(lines.length, i + MAX_ATTRIBUTION_LINES); j++) {
    const line = lines[j]!;
    if (!line.text.trim() || line.quoted || /^\s{0,3}>/.test(line.text)) return undefined;
    if (!mayEnd[j]) continue;
    const strength = attributionStrength(lines.slice(i, j + 1).map((l) => l.text.trim()).join(' '));
    if (!strength) continue;
    // "Thanks!" / "Ali <ali@x> wrote:": the first line only belongs to the attribution if it is the name alone; and
    // a line above one that opens with "On <date>" is not part of it, even if it has a number ("Gran Via, 1").
    if (j > i && (!INTRO_OR_DATE.test(lines[i]!.text.trim()) || startsWithIntro(lines[i + 1]!.text.trim()))) {
      const rest = attributionStrength(lines.slice(i + 1, j + 1).map((l) => l.text.trim()).join(' '));
      if (rest && !(nameLine(lines[i]!.text) && startsWithAddress(lines[i + 1]!.text))) return undefined;
    }
    if (strength === 'weak') {
      const next = nextNonEmpty(lines, j + 1);
      if (next === undefined || !(lines[next]!.quoted || /^\s{0,3}>/.test(lines[next]!.text))) continue;
    }
    return j + 1;
  }
  return undefined;
}
/** Lines that can open a wrapped attribution on their own: an intro word or a date. */
const INTRO_OR_DATE = /^[\s\-–—_=*#~]*(?:\p{L}{1,9}\.?,?\s+){0,3}\S{0,4}\d|^[\s\-–—_=*#~]*(?:on|le|am|el|em|il|op|den|på|w dniu|dnia|在|於|于)\s/iu;

/** A quoted header block ("From: … / Sent: … / To: … / Subject: …") starting at `i`: the index after it. */
function headerBlockEnd(lines: ReplyLine[], i: number): number | undefined {
  const first = lines[i]!.text.trim();
  if (!isHeaderLine(first)) return undefined;
  if (isFlatHeaderLine(first)) return i + 1;
  let keys = 1;
  const from = isFromHeaderLine(first);
  let end = i + 1;
  let gap = 0;
  for (let j = i + 1; j < lines.length && j < i + 14; j++) {
    const text = lines[j]!.text.trim();
    if (lines[j]!.quoted) break;
    if (isHeaderLine(text)) { keys++; end = j + 1; gap = 0; continue; }
    if (!text) { if (++gap > 1) break; continue; }
    // A wrapped value (a long To: list, an address on its own line) continues the header above it.
    if (gap === 0 && j - end < 2 && text.length < 200) { end = j + 1; continue; }
    break;
  }
  const block = lines.slice(i, end).map((l) => l.text).join(' ');
  // Three header lines, or two with an address (some clients write only "Date: … / To: …").
  if (keys >= 3 || (keys >= 2 && /@|mailto:/i.test(block))) return end;
  // A lone "From: Name <address>" (some clients write nothing else).
  if (from && keys === 1 && /@|mailto:/i.test(block)) return end;
  return undefined;
}

/**
 * The end of a block of quoted lines starting at `i`: blank lines inside it and a wrapped link between two quoted
 * lines (" (http://…) >", clients break long quoted URLs) are part of it.
 */
function quoteBlockEnd(marks: Mark[], i: number, lines: ReplyLine[]): number {
  let end = i;
  for (let j = i; j < marks.length; j++) {
    const kind = marks[j]!.kind;
    if (kind === 'quote') { end = j + 1; continue; }
    if (kind === 'empty') continue;
    const between = kind === 'text' && marks[j - 1]?.kind === 'quote' && marks[j + 1]?.kind === 'quote';
    if (!between || !(WRAPPED_LINK.test(lines[j]!.text) || wrappedQuoteLine(lines[j - 1]!, lines[j]!))) break;
  }
  return end;
}
const WRAPPED_LINK = /^\s*\(?(?:https?:\/\/\S+|\S*[)>])\s*\)?\s*>?\s*$/;
/** Wide enough that the sender's client wrapped it: the rest lands on the next line without its ">". */
const WRAP_WIDTH = 60;
/**
 * The rest of a long quoted line that a client wrapped onto a line of its own, between two quoted lines without a
 * blank line ("> … Nullam pharetra d" / "ignissim odio?" / ">"): it goes on mid-sentence, so it does not open with
 * a capital. An answer between two quoted lines stays an answer when the quoted line above it is short (a
 * question), when it starts like a sentence, or when it is set apart by blank lines.
 */
function wrappedQuoteLine(above: ReplyLine, line: ReplyLine): boolean {
  const rest = line.text.trim();
  return !above.quoted && above.text.trimEnd().length >= WRAP_WIDTH && rest.length < WRAP_WIDTH + 20 && !/^\p{Lu}/u.test(rest);
}

/**
 * A lone line like ">>> >>> http://… <<<" between two lines of text: quoted history starts at one ">" (a reply
 * quotes the message, which may quote others), so a single line that opens at three or more levels, with the
 * sender's text right above and below it, is decoration (an arrow pointing at a link), not a quote.
 */
function decorationNotQuote(marks: Mark[], lines: ReplyLine[], i: number): boolean {
  const between = marks[i - 1]?.kind === 'text' && marks[i + 1]?.kind === 'text';
  return between && !lines[i]!.quoted && /^\s{0,3}>\s*>\s*>/.test(lines[i]!.text);
}

/** After a splitter: the end of the quoted block it introduces, or undefined when no quoted block follows it. */
function quotedAfterSplit(marks: Mark[], from: number, lines: ReplyLine[]): number | undefined {
  let j = from;
  while (j < marks.length && marks[j]!.kind === 'empty') j++;
  if (j >= marks.length || marks[j]!.kind !== 'quote') return undefined;
  return quoteBlockEnd(marks, j, lines);
}

/** Does the sender's own text come after `from` (skipping blank lines and a signature)? */
function textFollows(marks: Mark[], from: number): boolean {
  for (let j = from; j < marks.length; j++) {
    const kind = marks[j]!.kind;
    if (kind === 'empty') continue;
    if (kind === 'text') return true;
    if (kind === 'sig' || kind === 'footer') {
      const end = signatureEnd(marks, j);
      if (end === undefined) return true;
      j = end - 1;
      continue;
    }
    return false;
  }
  return false;
}

/** A signature or footer at `i` that ends the reply: the index where what follows it (quote, splitter, end) starts. */
function signatureEnd(marks: Mark[], i: number): number | undefined {
  const { kind, rule } = marks[i]!;
  let textLines = 0;
  let blank = false;
  for (let j = i + 1; j < marks.length; j++) {
    const k = marks[j]!.kind;
    if (k === 'split' || k === 'quote') return j;
    if (k === 'empty') { blank = textLines > 0; continue; }
    if (kind === 'footer' && k !== 'footer' && k !== 'sig') return undefined;
    // Below a rule of underscores, a second paragraph of text means the rule only separated parts of the reply (a
    // list footer or a signature under such a rule is one block, perhaps with a client footer below it).
    if (rule && blank && k === 'text') return undefined;
    if (++textLines > MAX_SIGNATURE_LINES) return undefined;
  }
  return marks.length;
}

function nextNonEmpty(lines: ReplyLine[], from: number): number | undefined {
  for (let j = from; j < lines.length; j++) if (lines[j]!.text.trim() || lines[j]!.quoted) return j;
  return undefined;
}
