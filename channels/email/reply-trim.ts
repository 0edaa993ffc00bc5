/**
 * Separates the visible reply from quoted history and signature. Pure; works on the plain text and, separately, on
 * the HTML of a mail. Mail clients mark a reply in different ways (Gmail, Outlook, Apple Mail, Thunderbird, in
 * English, Turkish and a few other languages); the first marker found ends the visible part. Nothing is thrown
 * away: the rest is returned as `quoted` so an agent can open it.
 */

/** A line that starts the quoted original on its own (an attribution line ending in "wrote:" and its cousins). */
const attributionLine = [
  /^on\b.{0,300}\bwrote:\s*$/i, // Gmail, Apple Mail, Thunderbird (en)
  /^.{0,300}\b(tarihinde|saatinde).{0,300}\b(şunu|şunları)?\s*yazdı:\s*$/i, // Gmail/Apple Mail/Thunderbird (tr)
  /^.{0,300}\byazdı:\s*$/i, // other Turkish forms ("... <a@b> yazdı:")
  /^am\b.{0,300}\bschrieb.{0,300}:\s*$/i, // de
  /^le\b.{0,300}\ba écrit\s*:\s*$/i, // fr
  /^el\b.{0,300}\bescribió:\s*$/i, // es
  /^-{2,}\s*(original message|orijinal ileti|ursprüngliche nachricht|message d'origine)\s*-{2,}\s*$/i, // Outlook
  /^-{2,}\s*forwarded message\s*-{2,}\s*$/i,
  /^_{20,}\s*$/, // Outlook's rule above its header block
];

/** Outlook's header block: "From:" (or "Kimden:") followed within a few lines by "Sent:" (or "Gönderildi:"). */
const outlookFrom = /^\*?(from|kimden|von|de)\s*:\*?\s/i;
const outlookSent = /^\*?(sent|gönderildi|gönderilme|tarih|date|gesendet|envoyé)\s*:\*?\s/i;

/** Signature starts: the RFC 3676 delimiter and mobile footers. */
const signatureLine = [
  /^-- ?$/,
  /^(sent from my|sent from mail for|get outlook for|iphone'umdan gönderildi|ipad'imden gönderildi|android için outlook)\b/i,
  /^(from my|.{0,40}\s(cihazımdan|telefonumdan) gönderildi)\b/i,
];

export interface TrimmedText {
  visible: string;
  quoted: string;
}

export function trimReplyText(text: string): TrimmedText {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const cut = findCut(lines);
  if (cut === -1) return { visible: text.trim(), quoted: '' };
  const visible = lines.slice(0, cut).join('\n').trim();
  // A mail that is nothing but a marker (e.g. a forward) keeps everything visible rather than showing nothing.
  if (!visible) return { visible: text.trim(), quoted: '' };
  return { visible, quoted: lines.slice(cut).join('\n').trim() };
}

function findCut(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    if (attributionLine.some((re) => re.test(line))) return i;
    // Gmail wraps a long attribution: "On Mon, ... Ali Veli <ali@x.com>" / "wrote:" on the next line.
    const next = (lines[i + 1] ?? '').trim();
    if (/^(on|am|le)\b/i.test(line) && next && attributionLine.some((re) => re.test(`${line} ${next}`)) && line.length < 300) return i;
    if (/tarihinde/i.test(line) && /yazdı:\s*$/i.test(next)) return i;
    if (outlookFrom.test(line) && lines.slice(i + 1, i + 5).some((l) => outlookSent.test(l.trim()))) return i;
    if (signatureLine.some((re) => re.test(line))) return i;
    // A trailing block of "> " lines with nothing after it is quoted history even without an attribution.
    if (line.startsWith('>') && lines.slice(i).every((l) => !l.trim() || l.trim().startsWith('>'))) return i;
  }
  return -1;
}

/** Where the quoted original starts in each client's HTML; the earliest one found wins. */
const htmlMarkers = [
  /<div[^>]*class="[^"]*\bgmail_quote\b/i, // Gmail
  /<div[^>]*id="(divRplyFwdMsg|appendonsend)"/i, // Outlook (web and desktop)
  /<hr[^>]*id="stopSpelling"/i, // Outlook.com
  /<div[^>]*class="[^"]*\bmoz-cite-prefix\b/i, // Thunderbird
  /<blockquote[^>]*type="cite"/i, // Apple Mail, Thunderbird
  /<div[^>]*style="[^"]*border-top:\s*solid\s+#e1e1e1[^"]*"/i, // Outlook desktop's header block
  /<div[^>]*class="[^"]*\byahoo_quoted\b/i,
];

export interface TrimmedHtml {
  visible: string;
  quoted: string;
}

/** Splits HTML at the first quote marker; both halves go through the sanitizer, which closes what was cut open. */
export function trimReplyHtml(html: string): TrimmedHtml {
  let at = -1;
  for (const re of htmlMarkers) {
    const m = re.exec(html);
    if (m && (at === -1 || m.index < at)) at = m.index;
  }
  if (at <= 0) return { visible: html, quoted: '' };
  const visible = html.slice(0, at);
  // Same rule as for text: if nothing readable precedes the marker, keep the whole mail visible.
  if (!visible.replace(/<[^>]*>/g, '').replace(/&nbsp;/g, ' ').trim()) return { visible: html, quoted: '' };
  return { visible, quoted: html.slice(at) };
}
