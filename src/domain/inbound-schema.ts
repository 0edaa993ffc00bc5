import { z } from 'zod';
import { channelNames, isChannel } from './channels';
import { KanalError } from './errors';
import { visitorProfileSchema } from './visitor';

/**
 * The one schema of a normalized inbound message, and the one place that makes any channel's message fit it.
 * Every ingress checks a message with `fitInbound` before it acknowledges it (webchat ack, Twilio 200, SMTP 250,
 * IMAP flag: through the hub's enqueueInbound), and the worker parses the job with the same schema, so nothing is
 * acknowledged that the worker would refuse. Limits are what the store keeps (identity addresses, header lines).
 */
export const INBOUND_LIMITS = {
  /** The longest dedupeKey the store keeps (see dedupeKeyOf in messages.ts). */
  dedupeKey: 512,
  /** A header line (RFC 5322): Message-ID, In-Reply-To, each of References, subject, provider ids. */
  headerLine: 998,
  address: 320,
  name: 200,
  text: 100_000,
  html: 1_000_000,
  quotedText: 200_000,
  attachments: 512,
  attachmentName: 255,
  contentType: 255,
  references: 100,
  linkedIdentities: 10,
  threadHints: 20,
  language: 16,
} as const;
const L = INBOUND_LIMITS;

// Checked against the registry when parsed (channels/index.ts registers every channel at load).
export const channelSchema = z.string().refine(isChannel, { message: 'not a registered channel' });

/** Email specifics of a message: the hidden quoted history, auto-reply marker and RFC 5322 threading ids. */
export const emailMetaSchema = z.object({
  quotedText: z.string().max(L.quotedText).optional(),
  quotedHtml: z.string().max(L.html).optional(),
  autoSubmitted: z.boolean().optional(),
  messageId: z.string().max(L.headerLine).optional(),
  inReplyTo: z.string().max(L.headerLine).optional(),
  references: z.array(z.string().max(L.headerLine)).max(L.references).optional(),
});
export type EmailMeta = z.infer<typeof emailMetaSchema>;

export const attachmentSchema = z.object({
  name: z.string().max(L.attachmentName),
  contentType: z.string().max(L.contentType),
  size: z.number().int().nonnegative(),
  url: z.string().max(2048).optional(),
  storageKey: z.string().max(512).optional(),
});
export type Attachment = z.infer<typeof attachmentSchema>;

/** What every channel's normalizer produces: one message from a customer, independent of the channel. */
export const inboundMessageSchema = z.object({
  channel: channelSchema,
  /** `<channel>:<provider message id>`; unique in the store, so redelivery never duplicates a message. */
  dedupeKey: z.string().min(3).max(L.dedupeKey),
  /** The provider's id of the message (an email's Message-ID: up to a header line, 998 characters). */
  providerId: z.string().max(L.headerLine).optional(),
  /** The sender's address on this channel: email, E.164 phone, or a web chat visitor id. */
  from: z.object({
    address: z.string().min(1).max(L.address),
    name: z.string().max(L.name).optional(),
    /** True when the channel proved the address (signed widget identity, SMTP-authenticated relay, ...). */
    verified: z.boolean().optional(),
    /** A web chat visitor's browser, city and page (src/domain/visitor.ts): stored on a new customer. */
    visitor: visitorProfileSchema.optional(),
  }),
  /**
   * Other addresses the sender gave (e.g. a pre-chat email): linked to the same customer only when `verified`,
   * otherwise kept as a claim (src/services/identity/claims.ts).
   */
  linkedIdentities: z
    .array(z.object({ channel: channelSchema, address: z.string().min(1).max(L.address), verified: z.boolean().optional() }))
    .max(L.linkedIdentities)
    .optional(),
  text: z.string().max(L.text),
  html: z.string().max(L.html).optional(),
  subject: z.string().max(L.headerLine).optional(),
  attachments: z.array(attachmentSchema).max(L.attachments).default([]),
  /** When the customer sent it (provider time), ISO string (years 0000-9999). */
  sentAt: z.iso.datetime(),
  /** Channel-specific threading hints (email Message-ID, References, ...). */
  threadHints: z.record(z.string().max(64), z.string().max(L.headerLine)).optional()
    .refine((h) => !h || Object.keys(h).length <= L.threadHints, `at most ${L.threadHints} thread hints`),
  language: z.string().max(L.language).optional(),
  email: emailMetaSchema.optional(),
  /** A conversation the message names (a verified email reply token); used when it belongs to the sender. */
  conversationId: z.string().regex(/^[0-9a-f]{24}$/).optional(),
});
export type InboundMessage = z.infer<typeof inboundMessageSchema>;
export type InboundMessageInput = z.input<typeof inboundMessageSchema>;

/** The whole text of a field that had to be cut (or dropped) to fit: kept beside the message as a file. */
export interface Overflow {
  /** The file it is kept as, e.g. `original-body.txt`. */
  file: string;
  original: string;
}

/** A message that cannot be made to fit (no sender, an address too long to be one, an unknown channel). */
export class InvalidInboundError extends KanalError {
  constructor(readonly issues: string) {
    super('invalid_input', `invalid inbound message: ${issues}`);
  }
}

/** Cuts a string to `max` UTF-16 units without leaving half a surrogate pair at the end. */
export function cutText(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isoOk = (v: unknown) => isString(v) && z.iso.datetime().safeParse(v).success;

/**
 * Makes a channel's message fit the schema, or throws InvalidInboundError (refused before the acknowledgement).
 * Pure. Over-long content (body, HTML, subject, quoted history, sender name) is cut and its whole text returned in
 * `overflow` (the hub keeps it as an attachment, `original-<field>.txt`); ids too long to be ids (Message-ID,
 * In-Reply-To, References, provider id) and a send time no ISO string can hold (a `Date:` past year 9999) are
 * dropped the same way (the message counts as received now); claims and hints that cannot be kept are left out.
 * Attachments past the limit are returned in `dropped` (their files must go) and named in the text.
 */
export function fitInbound(input: InboundMessageInput, receivedAt = new Date()): { message: InboundMessage; overflow: Overflow[]; dropped: Attachment[] } {
  const overflow: Overflow[] = [];
  const m = structuredClone(input) as InboundMessageInput & Record<string, unknown>;
  const keep = <T extends Record<string, unknown>>(o: T, key: keyof T & string, max: number, file: string) => {
    const v = o[key];
    if (v === undefined || v === null) return void delete o[key];
    const s = isString(v) ? v : String(v);
    if (s.length > max) overflow.push({ file, original: s });
    (o as Record<string, unknown>)[key] = cutText(s, max);
  };
  const idOrDrop = <T extends Record<string, unknown>>(o: T, key: keyof T & string, file: string) => {
    const v = o[key];
    if (v === undefined || v === null) return void delete o[key];
    if (isString(v) && v.length <= L.headerLine) return;
    overflow.push({ file, original: String(v) });
    delete o[key];
  };

  if (!channelSchema.safeParse(m.channel).success) throw new InvalidInboundError(`channel: not one of ${channelNames().join(', ')}`);
  if (!isString(m.dedupeKey) || m.dedupeKey.length < 3 || m.dedupeKey.length > L.dedupeKey) throw new InvalidInboundError('dedupeKey: missing or longer than the store keeps');
  const from = (m.from ?? {}) as Record<string, unknown>;
  if (!isString(from.address) || !from.address || from.address.length > L.address) {
    throw new InvalidInboundError(`from.address: missing or longer than ${L.address} characters`);
  }
  keep(from, 'name', L.name, 'original-sender-name.txt');
  m.from = from as InboundMessage['from'];

  keep(m, 'text', L.text, 'original-body.txt');
  if (m.text === undefined) m.text = '';
  keep(m, 'html', L.html, 'original-body.html.txt');
  keep(m, 'subject', L.headerLine, 'original-subject.txt');
  idOrDrop(m, 'providerId', 'original-provider-id.txt');
  if (!isoOk(m.sentAt)) {
    if (m.sentAt !== undefined) overflow.push({ file: 'original-date.txt', original: String(m.sentAt) });
    m.sentAt = receivedAt.toISOString();
  }
  if (m.language !== undefined && !(isString(m.language) && m.language.length <= L.language)) delete m.language;
  if (m.conversationId !== undefined && !(isString(m.conversationId) && /^[0-9a-f]{24}$/.test(m.conversationId))) delete m.conversationId;

  if (m.linkedIdentities) {
    const ok = m.linkedIdentities.filter((l) => channelSchema.safeParse(l?.channel).success && isString(l.address) && l.address.length >= 1 && l.address.length <= L.address);
    m.linkedIdentities = ok.length ? ok.slice(0, L.linkedIdentities) : undefined;
    if (!m.linkedIdentities) delete m.linkedIdentities;
  }
  if (m.threadHints) {
    const hints = Object.entries(m.threadHints).filter(([k, v]) => k.length <= 64 && v !== undefined && v !== null).slice(0, L.threadHints);
    // Hints are ids and addresses: one too long to be one is dropped, not cut into another.
    m.threadHints = Object.fromEntries(hints.flatMap(([k, v]) => {
      const s = String(v);
      if (s.length <= L.headerLine) return [[k, s]];
      overflow.push({ file: `original-hint-${k.replace(/[^A-Za-z0-9_-]/g, '_')}.txt`, original: s });
      return [];
    }));
  }
  if (m.email) {
    const e = m.email as Record<string, unknown>;
    keep(e, 'quotedText', L.quotedText, 'original-quoted.txt');
    keep(e, 'quotedHtml', L.html, 'original-quoted.html.txt');
    idOrDrop(e, 'messageId', 'original-message-id.txt');
    idOrDrop(e, 'inReplyTo', 'original-in-reply-to.txt');
    if (Array.isArray(e.references)) {
      const refs = e.references.map(String);
      const fit = refs.filter((r) => r.length <= L.headerLine).slice(-L.references);
      if (fit.length !== refs.length) overflow.push({ file: 'original-references.txt', original: refs.join('\n') });
      e.references = fit.length ? fit : undefined;
      if (!e.references) delete e.references;
    }
  }

  const attachments = (m.attachments ?? []).map((a) => ({
    ...a,
    name: cutText(isString(a.name) && a.name ? a.name : 'attachment', L.attachmentName),
    // A type cut short means nothing; the bytes are served as a download then.
    contentType: isString(a.contentType) && a.contentType.length <= L.contentType ? a.contentType : 'application/octet-stream',
    size: Number.isFinite(a.size) && a.size > 0 ? Math.round(a.size) : 0,
    ...(isString(a.url) && a.url.length <= 2048 ? {} : { url: undefined }),
  }));
  // Room for the originals kept beside the message.
  const room = L.attachments - overflow.length;
  const dropped = attachments.slice(room);
  m.attachments = attachments.slice(0, room).map((a) => Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)) as Attachment);
  if (dropped.length) m.text = cutText(`${m.text}\n⚠️ ${dropped.length} more attachments were not kept (at most ${L.attachments} per message)`, L.text);

  const parsed = inboundMessageSchema.safeParse(m);
  if (!parsed.success) throw new InvalidInboundError(parsed.error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; '));
  return { message: parsed.data, overflow, dropped };
}
