/**
 * A mail's HTML read as lines of text, each remembering where it starts in the HTML, so that a cut found in the text
 * (an attribution, an Outlook header block, a signature) can be made in the HTML at the same place. Not a full HTML
 * parser: mail HTML only needs block boundaries, blockquotes, hidden elements and the markers clients put around
 * quoted history. Pure.
 */

export interface HtmlLine {
  /** Readable text of the line, whitespace collapsed, entities decoded. */
  text: string;
  /** Inside a quoting `<blockquote>` (not Apple Mail's border-less indentation blockquote). */
  quoted: boolean;
  /** Starts at an element that only mail clients write around quoted history (Outlook's `#divRplyFwdMsg` ...). */
  hard: boolean;
  /** An `<hr>`: the rule Outlook 2003 and Windows Mail draw above their header block. */
  rule: boolean;
  /** HTML offset right after the previous line's last content: cutting here keeps everything before this line. */
  start: number;
}

/** Elements whose text is never shown (a `<title>` in a mail's `<head>` is not part of the message). */
const HIDDEN = new Set(['head', 'title', 'style', 'script', 'template', 'noscript', 'xml', 'object', 'svg']);
const BLOCK = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'center', 'dd', 'div', 'dl', 'dt', 'fieldset', 'figure', 'footer',
  'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'html', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section',
  'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul', 'caption',
]);

/** Elements mail clients put exactly where quoted or forwarded history begins (never around a reply's own text). */
const HARD_MARKERS: RegExp[] = [
  /\bid\s*=\s*["']?(?:x_)?(?:divRplyFwdMsg|appendonsend|OLK_SRC_BODY_SECTION|stopSpelling|zwchr)\b/i, // Outlook desktop/web/Mac, Zimbra
  /\bclass\s*=\s*["']?[^"'>]*\b(?:yahoo_quoted|protonmail_quote|zmail_extra|moz-forward-container)\b/i, // Yahoo, Proton, Zoho, Thunderbird forward
];

const TOKEN = /<!--[\s\S]*?(?:-->|$)|<!\[CDATA\[[\s\S]*?(?:\]\]>|$)|<[!?][^>]*>?|<\/?([a-zA-Z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|[^<]+|</;

export function htmlToLines(html: string): HtmlLine[] {
  const lines: HtmlLine[] = [];
  let text = '';
  let lineStart = 0;
  let lastContentEnd = 0;
  let hidden = 0;
  let quoteDepth = 0;
  let pre = 0;
  let pendingHard = false;
  let pendingRule = false;
  /** Open blockquotes: whether each one quotes (Apple Mail indents with a border-less blockquote). */
  const blockquotes: boolean[] = [];
  let lineQuoted = false;
  let hasContent = false;

  const flush = () => {
    if (hasContent || text.trim() || pendingHard || pendingRule) {
      lines.push({ text: text.replace(/[ \t]+/g, ' ').trim(), quoted: lineQuoted, hard: pendingHard, rule: pendingRule, start: lineStart });
    }
    text = '';
    hasContent = false;
    pendingHard = false;
    pendingRule = false;
    lineStart = lastContentEnd;
  };

  const re = new RegExp(TOKEN.source, 'gy');
  let m: RegExpExecArray | null;
  while ((m = re.exec(html)) && m[0]) {
    const token = m[0];
    const end = re.lastIndex;
    if (token[0] !== '<' || token === '<') {
      if (hidden) continue;
      const decoded = decodeEntities(token);
      const chunk = pre ? decoded : decoded.replace(/\s+/g, ' ');
      if (!chunk) continue;
      if (!text && !hasContent) lineQuoted = quoteDepth > 0;
      if (pre && chunk.includes('\n')) {
        const parts = chunk.split('\n');
        parts.forEach((part, i) => {
          if (i > 0) { lastContentEnd = m!.index; flush(); lineQuoted = quoteDepth > 0; }
          text += part;
        });
      } else {
        text += chunk;
      }
      if (chunk.trim()) lastContentEnd = end;
      continue;
    }
    const name = m[1]?.toLowerCase();
    if (!name) continue; // comment, doctype, conditional comment
    const closing = token[1] === '/';
    // Closing tags right after the content belong to it: a cut after them leaves "<p>text</p>", not "<p>text".
    if (closing && !hidden && lastContentEnd === m.index) lastContentEnd = end;
    const attrs = m[2] ?? '';
    if (HIDDEN.has(name)) {
      if (!closing && !/\/\s*$/.test(attrs)) hidden++;
      else if (closing && hidden) hidden--;
      continue;
    }
    if (hidden) continue;
    if (name === 'br') {
      if (!text && !hasContent) lineQuoted = quoteDepth > 0;
      lastContentEnd = Math.max(lastContentEnd, m.index);
      flush();
      lastContentEnd = end;
      lineStart = end;
      continue;
    }
    if (name === 'img') {
      if (!text && !hasContent) lineQuoted = quoteDepth > 0;
      hasContent = true;
      lastContentEnd = end;
      continue;
    }
    if (BLOCK.has(name) || (!closing && HARD_MARKERS.some((r) => r.test(attrs)))) {
      if (text.trim() || hasContent) flush();
      else { text = ''; }
      if (name === 'pre') pre = Math.max(0, pre + (closing ? -1 : 1));
      if (name === 'blockquote') {
        if (!closing) {
          const quotes = !/border\s*:\s*none/i.test(attrs) || /type\s*=\s*["']?cite/i.test(attrs);
          blockquotes.push(quotes);
          if (quotes) quoteDepth++;
        } else if (blockquotes.length) {
          if (blockquotes.pop()) quoteDepth--;
        }
      }
      if (!closing && HARD_MARKERS.some((r) => r.test(attrs))) pendingHard = true;
      if (name === 'hr') {
        pendingRule = true;
        flush();
      }
      lineQuoted = quoteDepth > 0;
      continue;
    }
  }
  flush();
  return lines;
}

/** The readable text of some HTML, one line per block or `<br>` (blank lines dropped). */
export function htmlToText(html: string): string {
  return htmlToLines(html).map((l) => l.text).filter((t) => t).join('\n');
}

const NAMED: Record<string, string> = {
  nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", laquo: '«', raquo: '»', lsquo: '‘', rsquo: '’',
  ldquo: '“', rdquo: '”', ndash: '–', mdash: '—', hellip: '…', copy: '©', reg: '®', trade: '™', bull: '•', middot: '·',
  shy: '', zwnj: '\u200c', zwj: '\u200d', euro: '€', deg: '°', times: '×', eacute: 'é', egrave: 'è', agrave: 'à',
  ccedil: 'ç', Ccedil: 'Ç', ouml: 'ö', Ouml: 'Ö', uuml: 'ü', Uuml: 'Ü', auml: 'ä', Auml: 'Ä', szlig: 'ß', aring: 'å',
  oslash: 'ø', aelig: 'æ', ntilde: 'ñ', iexcl: '¡', iquest: '¿', acirc: 'â', ecirc: 'ê', icirc: 'î', ocirc: 'ô',
  ucirc: 'û', oacute: 'ó', aacute: 'á', iacute: 'í', uacute: 'ú', Eacute: 'É',
};

export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});?/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return code > 0 && code < 0x110000 ? String.fromCodePoint(code === 0xa0 ? 0x20 : code) : whole;
    }
    return NAMED[body] ?? NAMED[body.toLowerCase()] ?? whole;
  });
}
