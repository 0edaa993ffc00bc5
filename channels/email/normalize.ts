import type { AddressObject, ParsedMail } from 'mailparser';
import { dedupeKeyOf, type Attachment, type InboundMessage } from '../../src/domain/messages';
import { trimReplyHtml, trimReplyText } from './reply-trim';
import { normalizeCid, sanitizeEmailHtml } from './sanitize';
import { conversationFromRecipients, parseMessageIds } from './threading';
import { KanalError } from '../../src/domain/errors';

export interface StoredPart {
  attachment: Attachment;
  /** Content-ID of an inline part (`cid:` references in the HTML point at it). */
  cid?: string;
}

export interface NormalizeOptions {
  /** sha256 (hex) of the raw mail (raw-mail.ts computes it while receiving). */
  rawSha256: string;
  attachments: StoredPart[];
  /** Envelope recipients (SMTP RCPT TO) when known; the header recipients are used as well. */
  envelopeTo?: string[];
  tokenSecret?: string;
  receivedAt?: Date;
}

/** Why a mail could not become a customer message (it goes to quarantine). */
export class UnusableMailError extends KanalError {
  constructor(message: string) {
    super('invalid_input', message);
  }
}

/** mailparser options for every intake: keep `cid:` links (we point them at stored attachments, not data: URLs). */
export const PARSER_OPTIONS = { keepCidLinks: true, skipTextToHtml: true, skipImageLinks: true } as const;

const MAX_TEXT = 100_000;
const MAX_HTML = 1_000_000;

/**
 * A parsed mail -> the channel-independent InboundMessage. Pure (no I/O: attachments were stored before).
 * `text` is the visible reply only; quoted history and signature go to `email.quotedText/quotedHtml`.
 */
export function normalizeMail(mail: ParsedMail, opts: NormalizeOptions): InboundMessage {
  const sender = mail.from?.value.find((a) => a.address && a.address.includes('@'));
  if (!sender?.address) throw new UnusableMailError('no From address');
  const messageId = parseMessageIds(mail.messageId)[0];
  const inReplyTo = parseMessageIds(mail.inReplyTo)[0];
  const references = parseMessageIds(mail.references).slice(-50);
  const autoSubmitted = isAutoSubmitted(mail);

  const inline = new Map<string, string>();
  for (const p of opts.attachments) if (p.cid && p.attachment.url) inline.set(normalizeCid(p.cid), p.attachment.url);

  const text = trimReplyText(mail.text ?? '');
  const rawHtml = typeof mail.html === 'string' ? mail.html : '';
  const html = rawHtml ? trimReplyHtml(rawHtml) : undefined;
  const visibleHtml = html ? sanitizeEmailHtml(html.visible, inline) : undefined;
  const quotedHtml = html?.quoted ? sanitizeEmailHtml(html.quoted, inline) : undefined;

  const recipients = [...(opts.envelopeTo ?? []), ...addresses(mail.to), ...addresses(mail.cc)];
  const conversationId = conversationFromRecipients(recipients, opts.tokenSecret);
  // Without a Message-ID the content decides: the same bytes delivered twice are the same message.
  const dedupeId = messageId ?? `sha256:${opts.rawSha256}`;
  const sentAt = mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date : (opts.receivedAt ?? new Date());

  const email = stripUndefined({
    quotedText: text.quoted ? text.quoted.slice(0, 200_000) : undefined,
    quotedHtml: quotedHtml ? quotedHtml.slice(0, MAX_HTML) : undefined,
    autoSubmitted: autoSubmitted || undefined,
    messageId,
    inReplyTo,
    references: references.length ? references : undefined,
  });
  const threadHints: Record<string, string> = {};
  if (autoSubmitted) threadHints.autoSubmitted = 'true'; // routing never auto-replies to an auto-reply
  if (messageId) threadHints.messageId = messageId;

  return stripUndefined({
    channel: 'email' as const,
    dedupeKey: dedupeKeyOf('email', dedupeId),
    providerId: messageId,
    from: stripUndefined({ address: sender.address.toLowerCase(), name: sender.name?.trim() ? sender.name.trim().slice(0, 200) : undefined }),
    text: text.visible.slice(0, MAX_TEXT),
    html: visibleHtml?.trim() ? visibleHtml.slice(0, MAX_HTML) : undefined,
    subject: mail.subject?.slice(0, 998),
    // All of them: the hub keeps what fits and removes the files of the rest (fitInbound), none left behind.
    attachments: opts.attachments.map((p) => p.attachment),
    sentAt: sentAt.toISOString(),
    threadHints: Object.keys(threadHints).length ? threadHints : undefined,
    email,
    conversationId,
  }) as InboundMessage;
}

/**
 * Auto-replies and bulk mail (RFC 3834 Auto-Submitted, Precedence, vendor headers, out-of-office subjects in English
 * and Turkish). Shown as such, and never answered automatically (no mail loops).
 */
export function isAutoSubmitted(mail: ParsedMail): boolean {
  const h = (name: string) => String((mail.headers.get(name) as unknown) ?? '').toLowerCase().trim();
  if (h('auto-submitted') && h('auto-submitted') !== 'no') return true;
  if (/^(bulk|junk|list|auto_reply)$/.test(h('precedence'))) return true;
  if (h('x-autoreply') || h('x-autorespond') || h('x-auto-response-suppress').includes('all')) return true;
  if (h('list-id')) return true; // list mail is bulk: never answered automatically
  return /^(auto(matic)? ?(reply|response)|out of (the )?office|otomatik (yanıt|cevap)|ofis dışında|abwesenheitsnotiz|auto:)/i.test(mail.subject ?? '');
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  return list.flatMap((a) => a.value.map((v) => v.address ?? '')).filter(Boolean);
}

function stripUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
