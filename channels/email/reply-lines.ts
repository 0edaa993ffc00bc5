/**
 * Line tests built from reply-patterns.ts: is this line (or these up to five wrapped lines) an attribution, an
 * "Original message" separator, the start of a quoted header block, a signature delimiter or a client footer? Pure.
 */
import {
  ATTRIBUTION_INTROS, ATTRIBUTION_VERBS, CLIENT_FOOTERS, HEADER_FROM_KEYS, HEADER_OTHER_KEYS, ORIGINAL_MESSAGE_PHRASES,
  SIGNATURE_DELIMITERS,
} from './reply-patterns';

/** Zero-width and other invisible characters: single ones some clients add, runs that trackers append. */
const INVISIBLE = /[\u200B\u2060\uFEFF\u180E]|[\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]{2,}/g;

/**
 * A UTF-8 character left quoted-printable encoded ("a =C3=A9crit", "escribi=C3=B3"): some gateways hand over the
 * body undecoded. Only complete multi-byte sequences are read, so "x=20" or "a=b" in a reply stay as they are.
 */
const QP_CHAR = /=[CD][0-9A-F]=[89AB][0-9A-F]|=E[0-9A-F](?:=[89AB][0-9A-F]){2}|=F[0-4](?:=[89AB][0-9A-F]){3}/gi;
const MIN_CODE = [0, 0, 0x80, 0x800, 0x10000];
function decodeQpChar(seq: string): string {
  const bytes = seq.slice(1).split('=').map((h) => parseInt(h, 16));
  let code = bytes[0]! & (0xff >> (bytes.length + 1));
  for (let k = 1; k < bytes.length; k++) code = (code << 6) | (bytes[k]! & 0x3f);
  const valid = code >= MIN_CODE[bytes.length]! && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff);
  return valid ? String.fromCodePoint(code) : seq;
}

/** The line without invisible tracking characters, with no-break spaces as spaces and stray QP characters read. */
export function cleanLine(line: string): string {
  return line.replace(INVISIBLE, '').replace(/\u00A0/g, ' ').replace(QP_CHAR, decodeQpChar);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Turkish dotted/dotless i compare equal whatever the case ("İletilen" / "iletilen"). */
const looseI = (src: string) => src.replace(/[İIıi]/g, '[İIıi]');
const byLength = (a: string, b: string) => b.length - a.length;
const literalAlt = (list: string[]) => [...new Set(list)].sort(byLength).map((s) => looseI(escape(s)).replace(/ /g, '\\s+')).join('|');

const LETTER_BEFORE = '(?<![\\p{L}\\p{N}])';
const LETTER_AFTER = '(?![\\p{L}\\p{N}])';
const isCjk = (s: string) => /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(s);
const verbs = [...new Set(ATTRIBUTION_VERBS)].sort(byLength);
const VERB = `(?:${LETTER_BEFORE}(?:${verbs.filter((v) => !isCjk(v)).map((v) => v.replace(/ /g, '\\s+')).join('|')})${LETTER_AFTER}|(?:${verbs.filter(isCjk).join('|')}))`;

/** The verb ends the line ("… wrote:"), or what follows it does with a colon ("… schrieb am <date>:", "… skrev Bo:"). */
const VERB_END = new RegExp(`${VERB}(?:\\s*[:：]?|[\\s,].{0,160}[:：])$`, 'iu');
const ADDRESS = /<\s*[^<>\s]+@[^<>\s]+\s*>|\[mailto:[^\]]+\]|\(\s*[^()\s]+@[^()\s]+\s*\)|[^\s<>"'()[\]]+@[^\s<>"'()[\]]+\.[^\s<>"'()[\]]+/u;
const ADDRESS_END = new RegExp(`(?:${ADDRESS.source})$`, 'u');
const ADDRESS_COLON = new RegExp(`(?:${ADDRESS.source})\\s*"?\\s*[:：]$`, 'u');
/** A day, year or time: 23.11.2026, 2026, 10:00, 23/11, 23 日. */
const DATE_LIKE = /\d{1,2}[:.h]\d{2}|\d{4}|\d{1,2}[./-]\d{1,2}|\d\s*[日일]/u;

const latinIntros = ATTRIBUTION_INTROS.filter((w) => !isCjk(w));
const cjkIntros = ATTRIBUTION_INTROS.filter(isCjk);
const INTRO_START = new RegExp(
  `^(?:(?:${latinIntros.map(escape).join('|').replace(/ /g, '\\s+')})\\s+(?:[^\\s\\d]+\\s+){0,3}|(?:${cjkIntros.join('|')})\\s*)[^\\s]{0,4}\\d`,
  'iu',
);
const INTRO_WORD = new RegExp(`^(?:${latinIntros.map(escape).join('|').replace(/ /g, '\\s+')})\\s`, 'iu');
/** A date or weekday first: "23.11.2026, 10:00, …", "пн, 23 нояб. 2026 г. в 10:00, …", "2026年11月23日(月) …". */
const DATE_START = /^(?:[^\s\d]{1,15}\s+){0,2}[^\s\d]{0,3}\d/u;
const DECORATION_START = /^[\s\-–—_=*#~]+/u;
const DECORATION_END = /[\s\-–—_=*#~]+$/u;

export type AttributionStrength = 'strong' | 'weak' | undefined;

/** The last word of each verb ("wrote", "yazdı", "scritto", "écrit"), to test a line's end without a regex. */
const VERB_LAST_WORDS = new Set(verbs.filter((v) => !isCjk(v)).map((v) => v.replace(/\\/g, '').split(' ').pop()!.toLowerCase()));
const CJK_ENDING = new RegExp(`(?:${verbs.filter(isCjk).join('|')})$`, 'u');
/**
 * A cheap first test: can an attribution end with this line (a colon, `>` or `)` of an address, a decoration, or
 * the verb itself)? Most lines of a long mail cannot, and skipping them keeps a 1 MB mail well under a second.
 */
export function mayEndAttribution(line: string): boolean {
  const last = line.at(-1);
  if (!last) return false;
  if (/[:：>)\-–—_=*#~]/u.test(last)) return true;
  if (isCjk(last)) return CJK_ENDING.test(line.slice(-16));
  return VERB_LAST_WORDS.has(line.slice(Math.max(line.lastIndexOf(' '), line.lastIndexOf('\t')) + 1).toLowerCase());
}

/**
 * Is this text (one attribution, its wrapped lines joined with spaces) an attribution line? "strong" when it names
 * a date or an address, "weak" for a bare "<name> wrote:", which counts only when quoted lines follow.
 */
export function attributionStrength(joined: string): AttributionStrength {
  if (joined.length > 800 || !mayEndAttribution(joined.trimEnd())) return undefined;
  const s = joined.replace(DECORATION_START, '').replace(DECORATION_END, '').replace(/\s+/g, ' ');
  if (!s || s.length > 400) return undefined;
  const decorated = /^\s*-{2,}/.test(joined) && /-{2,}\s*$/.test(joined); // "---- Ali wrote ----" (Android)
  const endsRight = VERB_END.test(s) || ADDRESS_COLON.test(s);
  if (!endsRight) {
    // "2011/4/7 Ali <ali@x>" (old Gmail, no colon): only with quoted lines after it.
    return DATE_START.test(s) && DATE_LIKE.test(s) && ADDRESS_END.test(s) ? 'weak' : undefined;
  }
  if (INTRO_START.test(s)) return 'strong';
  if (DATE_START.test(s) && DATE_LIKE.test(s)) return 'strong';
  if (!VERB_END.test(s)) return undefined;
  if (INTRO_WORD.test(s)) return 'weak'; // "On Monday, Ali wrote:" without a number
  const verbAt = s.search(new RegExp(VERB, 'iu'));
  const cut = [s.indexOf('<'), s.indexOf('['), s.indexOf('('), verbAt].filter((n) => n >= 0);
  const name = s.slice(0, Math.min(...cut));
  if (!nameLike(name)) return undefined;
  if (ADDRESS.test(s) || DATE_LIKE.test(s)) return 'strong';
  return verbAt <= 80 && (/[:：]$/.test(s) || decorated) ? 'weak' : undefined;
}

/** What precedes the address or verb of an attribution: a display name or nothing, never a sentence. */
function nameLike(raw: string): boolean {
  const name = raw.replace(/"[^"]*"|'[^']*'|“[^”]*”|«[^»]*»/g, 'Q').replace(/(?<![\p{L}])\p{L}\.\s/gu, '').trim().replace(/,$/, '');
  if (name.length > 80) return false;
  if (/[.!?;:,。！？]/u.test(name.replace(/[^\s<>"'()[\]]+@[^\s<>"'()[\]]+/g, ''))) return false;
  return name.split(/\s+/).filter(Boolean).length <= 6;
}

/** A display name alone on its line, before a line that starts with the address ("Ali Veli" / "<ali@x> wrote:"). */
export function nameLine(line: string): boolean {
  const s = line.trim();
  return s.length <= 60 && /^"?[\p{Lu}\p{Lo}][\p{L}'’.-]*(?:\s+[\p{L}'’.-]+){0,3}"?,?$/u.test(s);
}
/** "On 23 Nov …", "Le 23 nov. …", "在 2026年…": a line that opens an attribution with its intro word and a number. */
export const startsWithIntro = (line: string) => INTRO_START.test(line.replace(DECORATION_START, ''));
export const startsWithAddress = (line: string) => /^\s*(?:<|\[mailto:|\(?[^\s@<>]+@)/u.test(line);

const ORIGINAL_MESSAGE = new RegExp(`^[\\s\\-–—_=*#~>]*(?:${literalAlt(ORIGINAL_MESSAGE_PHRASES)})[\\s\\-–—_=*#~]*[:：]?[\\s\\-–—_=*#~]*$`, 'iu');

/** "-----Original Message-----", "---------- Forwarded message ---------", "Begin forwarded message:" … */
export function isOriginalMessageLine(line: string): boolean {
  return line.length <= 120 && ORIGINAL_MESSAGE.test(line.trim());
}

const header = (keys: string[]) => new RegExp(`^[*_]{0,2}(?:${literalAlt(keys)})[*_]{0,2}\\s?[:：][*_]{0,2}(?:\\s|$)`, 'iu');
const HEADER_FROM = header(HEADER_FROM_KEYS);
const HEADER_ANY = header([...HEADER_FROM_KEYS, ...HEADER_OTHER_KEYS]);

export const isHeaderLine = (line: string) => HEADER_ANY.test(line.trim());
export const isFromHeaderLine = (line: string) => HEADER_FROM.test(line.trim());

const inline = (keys: string[]) => new RegExp(`(?<![\\p{L}])(?:${literalAlt(keys)})\\s?[:：]`, 'giu');
const INLINE_ANY = inline([...HEADER_FROM_KEYS, ...HEADER_OTHER_KEYS]);
const INLINE_FROM = inline(HEADER_FROM_KEYS);

/**
 * A whole header block flattened onto one line ("Date: … From: a@b To: … Subject: …", "Temat: … Nadawca: … Adresat:"),
 * as some webmails and text converters write it: three different header names, one of them the sender's, and an
 * address.
 */
export function isFlatHeaderLine(line: string): boolean {
  const s = line.trim();
  if (s.length > 1000 || !HEADER_ANY.test(s)) return false;
  const names = new Set([...s.matchAll(INLINE_ANY)].map((m) => m[0].replace(/\s?[:：]$/, '').toLowerCase()));
  INLINE_FROM.lastIndex = 0;
  // With an address: "From: Istanbul To: Ankara Date: 5 May" in a travel question is not a header block.
  return names.size >= 3 && INLINE_FROM.test(s) && /@|mailto:/i.test(s);
}

/** A rule drawn above a quoted header block (Outlook's 32 underscores, dashes, `=`; webmails draw "===="). */
export const isRuleLine = (line: string) => /^\s*[_\-=—–]{4,}\s*$/u.test(line);

export function isSignatureDelimiter(line: string): boolean {
  return SIGNATURE_DELIMITERS.some((re) => re.test(line));
}

const footerText = (line: string) => line.trim().replace(/<https?:[^>]*>/g, '').replace(/\s*\[[^\]]*\]$/, '').trim();

export function isClientFooter(line: string): boolean {
  const s = footerText(line);
  return s.length > 0 && s.length <= 120 && CLIENT_FOOTERS.some((re) => re.test(s));
}

/** Words that make "Sent from …" a device or app footer rather than a sentence ("Sent from London on Monday"). */
const DEVICE_WORD = /(?<![\p{L}])(?:my|mein\p{L}*|mon|ma|mi|meu|minha|min|mijn|mój|moje\p{L}*|mio|mia|mé|моего|моей|мого|моєї|iphone|ipad|ipod|android|ios|samsung|galaxy|outlook|mail|e-mail|mobile|mobil\p{L}*|phone|telefon\p{L}*|smartphone|device|tablet|blackberry|huawei|xiaomi|yahoo|aol|windows|gmail|yandex|почты|пошти)(?![\p{L}])/iu;

/**
 * A footer that surely comes from a device or an app: every footer pattern but the general "Sent from …" one, which
 * needs a device word. Only such a footer ends the reply when more text follows it after a blank line.
 */
export function isDeviceFooter(line: string): boolean {
  const s = footerText(line);
  if (!isClientFooter(line)) return false;
  return !CLIENT_FOOTERS[0]!.test(s) || DEVICE_WORD.test(s);
}

const GLUED = new RegExp(`(?<=\\S)[\\s\\-]*(?=(?:${latinIntros.map(escape).join('|').replace(/ /g, '\\s+')})\\s)`, 'gu');

/**
 * "thanks! On Wed, Apr 4, 2012 at 3:59 PM, Bob <bob@x> wrote:": a reply and an attribution on one line (some
 * clients join them). Returns the two parts, or undefined.
 */
export function splitGluedAttribution(line: string): [string, string] | undefined {
  for (const m of line.matchAll(GLUED)) {
    const tail = line.slice(m.index);
    const head = line.slice(0, m.index);
    if (/[\p{L}\p{N}]/u.test(head) && INTRO_START.test(tail.replace(DECORATION_START, '')) && attributionStrength(tail) === 'strong') {
      return [head.trimEnd(), tail.replace(DECORATION_START, '')];
    }
  }
  return undefined;
}
