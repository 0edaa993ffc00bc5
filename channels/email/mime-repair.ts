/**
 * Raw mail bytes made readable for mailparser, before it parses them. Mail clients and gateways send shapes the
 * RFCs forbid and mailparser turns into "�" or drops; each is rewritten here into its standard form:
 * - raw 8-bit bytes inside an RFC 2047 encoded-word (`=?UTF-8?Q?Sipariş?=`): escaped as the word's own encoding;
 * - unlabelled 8-bit header text: decoded with the body's charset, else detected (UTF-8, then windows-1254 /
 *   ISO-8859-9 for Latin text — Turkish senders are the common case —, windows-1251 for Cyrillic) and written
 *   back as UTF-8, which mailparser reads;
 * - UTF-7 (RFC 2152) encoded-words and text bodies: decoded and written back as UTF-8;
 * - an HTML part without a charset parameter: the charset of its `<meta>` is added to its Content-Type;
 * - a Content-Type whose parameters lack their `;` (`multipart/mixed boundary="x"`): the `;` is added, so the
 *   parts and attachments are found.
 * Pure; bytes are handled as latin1 strings (one character per byte) and only changed where one of these applies.
 */
import iconv from 'iconv-lite';

const MAX_DEPTH = 16;

export function repairRawMail(raw: Buffer): Buffer {
  const text = raw.toString('latin1');
  const bodyCharset = /charset\s*=\s*"?([\w.:-]+)/i.exec(text)?.[1]?.toLowerCase();
  const repaired = repairEntity(text, 0, { bodyCharset, top: true });
  return repaired === text ? raw : Buffer.from(repaired, 'latin1');
}

interface Context { bodyCharset?: string; top: boolean }

function repairEntity(entity: string, depth: number, ctx: Context): string {
  const split = /\r?\n\r?\n/.exec(entity);
  const headEnd = split ? split.index : entity.length;
  let head = entity.slice(0, headEnd);
  let body = split ? entity.slice(headEnd + split[0].length) : '';
  const sep = split?.[0] ?? '';

  head = fixContentTypeParams(head);
  head = fixEncodedWords(head);
  if (ctx.top) head = fixUnlabelledHeaderBytes(head, ctx.bodyCharset);

  const contentType = headerValue(head, 'content-type') ?? 'text/plain';
  const mime = contentType.split(';')[0]!.trim().toLowerCase();
  if (mime.startsWith('multipart/') && depth < MAX_DEPTH) {
    const boundary = param(contentType, 'boundary');
    if (boundary) body = repairParts(body, boundary, depth, ctx);
  } else if (mime.startsWith('text/')) {
    [head, body] = repairTextBody(head, body, mime, contentType);
  }
  return head + sep + body;
}

function repairParts(body: string, boundary: string, depth: number, ctx: Context): string {
  const delimiter = new RegExp(`(^|\\r?\\n)--${escapeRe(boundary)}(--)?[ \\t]*(?=\\r?\\n|$)`, 'g');
  const marks = [...body.matchAll(delimiter)];
  if (marks.length < 2) return body;
  let out = body.slice(0, marks[0]!.index + marks[0]![0].length);
  for (let k = 0; k < marks.length - 1; k++) {
    const from = marks[k]!.index + marks[k]![0].length;
    const to = marks[k + 1]!.index;
    const part = body.slice(from, to);
    const lead = /^\r?\n/.exec(part)?.[0] ?? '';
    out += lead + repairEntity(part.slice(lead.length), depth + 1, { ...ctx, top: false }) + body.slice(to, to + marks[k + 1]![0].length);
  }
  return out + body.slice(marks[marks.length - 1]!.index + marks[marks.length - 1]![0].length);
}

/** `multipart/mixed boundary="x"` -> `multipart/mixed; boundary="x"` (in every Content-Type, parts included). */
function fixContentTypeParams(head: string): string {
  return head.replace(/^(content-type:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)/gim, (value) =>
    value.replace(/([^;\s])(\s+)(?=(?:boundary|charset|name|format|delsp|type|start|report-type|protocol|micalg|method)\s*=)/gi, '$1;$2'));
}

/** Encoded-words with raw 8-bit bytes inside, and UTF-7 encoded-words, rewritten as standard UTF-8 / Q words. */
function fixEncodedWords(head: string): string {
  return head.replace(/=\?([^?\s]+)\?([QqBb])\?([^?]*)\?=/g, (word, charset: string, enc: string, data: string) => {
    const cs = charset.split('*')[0]!.toLowerCase();
    const utf7 = cs === 'utf-7' || cs === 'utf7' || cs === 'unicode-1-1-utf-7';
    const rawBytes = /[\x80-\xff]/.test(data) || (/^b$/i.test(enc) && /[^A-Za-z0-9+/=]/.test(data));
    if (!utf7 && !rawBytes) return word;
    let bytes: Buffer;
    if (rawBytes) bytes = Buffer.from(/^q$/i.test(enc) ? data.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))) : data, 'latin1');
    else bytes = /^b$/i.test(enc) ? Buffer.from(data, 'base64') : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
    const decoded = decodeBytes(bytes, utf7 ? 'utf7' : cs);
    return `=?UTF-8?B?${Buffer.from(decoded, 'utf8').toString('base64')}?=`;
  });
}

/** 8-bit header text outside encoded-words: decoded with the best charset and written back as UTF-8. */
function fixUnlabelledHeaderBytes(head: string, bodyCharset: string | undefined): string {
  if (!/[\x80-\xff]/.test(head)) return head;
  const bytes = Buffer.from(head, 'latin1');
  if (isUtf8(bytes)) return head;
  const charset = bodyCharset && !/^(utf-?8|us-ascii|ascii)$/.test(bodyCharset) && iconv.encodingExists(bodyCharset) ? bodyCharset : detectCharset(bytes);
  return Buffer.from(decodeBytes(bytes, charset), 'utf8').toString('latin1');
}

/**
 * A charset for unlabelled 8-bit text: UTF-8 when the bytes are valid UTF-8; windows-1251 when they read as
 * Cyrillic words; else windows-1254 (Turkish; the same letters as ISO-8859-9 and, outside ğĞışŞİ, as windows-1252),
 * or ISO-8859-9 when no byte falls in 0x80-0x9F, where the two differ.
 */
export function detectCharset(bytes: Buffer): string {
  if (isUtf8(bytes)) return 'utf-8';
  let high = 0;
  let c1 = 0;
  let cyrillicRuns = 0;
  let run = 0;
  for (const b of bytes) {
    if (b >= 0x80) { high++; if (b < 0xa0) c1++; }
    if (b >= 0xc0) { run++; if (run === 3) cyrillicRuns++; } else run = 0;
  }
  if (high && cyrillicRuns * 6 >= high / 3 && high > 8) return 'windows-1251';
  return c1 ? 'windows-1254' : 'iso-8859-9';
}

function repairTextBody(head: string, body: string, mime: string, contentType: string): [string, string] {
  const charset = param(contentType, 'charset')?.toLowerCase();
  const cte = (headerValue(head, 'content-transfer-encoding') ?? '7bit').trim().toLowerCase();
  if (charset === 'utf-7' || charset === 'utf7' || charset === 'unicode-1-1-utf-7') {
    const text = iconv.decode(transferDecode(body, cte), 'utf7');
    head = setHeader(head, 'content-type', contentType.replace(/charset\s*=\s*"?[\w.:-]+"?/i, 'charset=utf-8'));
    head = setHeader(head, 'content-transfer-encoding', '8bit');
    return [head, Buffer.from(text, 'utf8').toString('latin1')];
  }
  if (mime === 'text/html' && !charset) {
    const sniff = transferDecode(body.slice(0, 64 * 1024), cte).toString('latin1').slice(0, 4096);
    const meta = /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(sniff)?.[1]?.toLowerCase();
    if (meta && iconv.encodingExists(meta)) head = setHeader(head, 'content-type', `${contentType.trim()}; charset=${meta}`);
  }
  return [head, body];
}

function transferDecode(body: string, cte: string): Buffer {
  if (cte === 'base64') return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (cte === 'quoted-printable') {
    return Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
  }
  return Buffer.from(body, 'latin1');
}

function decodeBytes(bytes: Buffer, charset: string): string {
  const cs = charset.toLowerCase();
  if (cs === 'utf-8' || cs === 'utf8') {
    if (isUtf8(bytes)) return bytes.toString('utf8');
    return iconv.decode(bytes, detectCharset(bytes)); // labelled UTF-8 but it is not
  }
  return iconv.encodingExists(cs) ? iconv.decode(bytes, cs) : iconv.decode(bytes, detectCharset(bytes));
}

function isUtf8(bytes: Buffer): boolean {
  try { new TextDecoder('utf-8', { fatal: true }).decode(bytes); return true; } catch { return false; }
}

/** The unfolded value of the first header of that name. */
function headerValue(head: string, name: string): string | undefined {
  const m = new RegExp(`^${name}:([^\\r\\n]*(?:\\r?\\n[ \\t][^\\r\\n]*)*)`, 'im').exec(head);
  return m?.[1]!.replace(/\r?\n[ \t]/g, ' ');
}

function setHeader(head: string, name: string, value: string): string {
  const re = new RegExp(`^${name}:[^\\r\\n]*(?:\\r?\\n[ \\t][^\\r\\n]*)*`, 'im');
  const eol = /\r\n/.test(head) ? '\r\n' : '\n';
  const canonical = name.replace(/(^|-)[a-z]/g, (s) => s.toUpperCase());
  return re.test(head) ? head.replace(re, `${canonical}: ${value.trim()}`) : `${head}${head ? eol : ''}${canonical}: ${value.trim()}`;
}

function param(contentType: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
