import sanitizeHtml from 'sanitize-html';

/**
 * Email HTML made safe to show in the console: no script, style, event handlers, forms or javascript: URLs (only
 * the tags and attributes listed survive). Inline `cid:` images point at our attachment URLs; remote images keep
 * their address in `data-remote-src` and load only when an agent asks ("load images"), so opening a mail never
 * tells a tracker that it was read.
 */
export function sanitizeEmailHtml(html: string, inline: ReadonlyMap<string, string> = new Map()): string {
  return sanitizeHtml(html, {
    allowedTags: [
      ...sanitizeHtml.defaults.allowedTags.filter((t) => t !== 'style'),
      'img', 'font', 'center', 'u', 's', 'strike', 'small', 'big', 'sup', 'sub',
    ],
    allowedAttributes: {
      a: ['href', 'title', 'rel', 'target'],
      img: ['src', 'data-remote-src', 'alt', 'title', 'width', 'height'],
      td: ['colspan', 'rowspan', 'align', 'valign', 'width'],
      th: ['colspan', 'rowspan', 'align', 'valign', 'width'],
      table: ['width', 'border', 'cellpadding', 'cellspacing'],
      font: ['color', 'size'],
      '*': ['dir', 'lang', 'align'],
    },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['http', 'https'] },
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    // A discarded tag keeps its text unless listed here: a mail's <title> (and the rest of <head>) is not content.
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head', 'template', 'xml'],
    transformTags: {
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'noopener noreferrer nofollow', target: '_blank' } }),
      img: (tagName, attribs) => {
        const src = (attribs.src ?? '').trim();
        const { src: _drop, 'data-remote-src': _forged, ...rest } = attribs;
        if (/^cid:/i.test(src)) {
          const url = inline.get(normalizeCid(src.slice(4)));
          return { tagName, attribs: url ? { ...rest, src: url } : rest };
        }
        if (/^https?:\/\//i.test(src)) return { tagName, attribs: { ...rest, 'data-remote-src': src } };
        return { tagName, attribs: rest }; // data:, file: and anything else: no source at all
      },
    },
    allowedSchemesAppliedToAttributes: ['href', 'cite', 'data-remote-src'],
    // Scheme checks apply to a relative src too, so our own "/api/attachments/..." URLs pass and javascript: never does.
  });
}

/** Content-IDs compare without angle brackets and case-insensitively (RFC 2392 URLs may be %-encoded). */
export function normalizeCid(cid: string): string {
  let v = cid.trim().replace(/^<|>$/g, '');
  try { v = decodeURIComponent(v); } catch { /* keep as is */ }
  return v.toLowerCase();
}
