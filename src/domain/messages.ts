import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CHANNELS } from './channels';

export const channelSchema = z.enum(CHANNELS);

/** The longest dedupeKey the store keeps (see dedupeKeyOf). */
const MAX_DEDUPE_KEY = 512;

/** Email specifics of a message: the hidden quoted history, auto-reply marker and RFC 5322 threading ids. */
export const emailMetaSchema = z.object({
  quotedText: z.string().max(200_000).optional(),
  quotedHtml: z.string().max(1_000_000).optional(),
  autoSubmitted: z.boolean().optional(),
  messageId: z.string().max(998).optional(),
  inReplyTo: z.string().max(998).optional(),
  references: z.array(z.string().max(998)).max(100).optional(),
});
export type EmailMeta = z.infer<typeof emailMetaSchema>;

export const attachmentSchema = z.object({
  name: z.string().max(255),
  contentType: z.string().max(255),
  size: z.number().int().nonnegative(),
  url: z.string().max(2048).optional(),
  storageKey: z.string().max(512).optional(),
});
export type Attachment = z.infer<typeof attachmentSchema>;

/** What every channel's normalizer produces: one message from a customer, independent of the channel. */
export const inboundMessageSchema = z.object({
  channel: channelSchema,
  /** `<channel>:<provider message id>`; unique in the store, so redelivery never duplicates a message. */
  dedupeKey: z.string().min(3).max(MAX_DEDUPE_KEY),
  /** The provider's id of the message (an email's Message-ID: up to a header line, 998 characters). */
  providerId: z.string().max(998).optional(),
  /** The sender's address on this channel: email, E.164 phone, or a web chat visitor id. */
  from: z.object({
    address: z.string().min(1).max(320),
    name: z.string().max(200).optional(),
    /** True when the channel proved the address (signed widget identity, SMTP-authenticated relay, ...). */
    verified: z.boolean().optional(),
  }),
  /** Other identities the sender claimed (e.g. a pre-chat email), linked to the same customer. */
  linkedIdentities: z
    .array(z.object({ channel: channelSchema, address: z.string().min(1).max(320), verified: z.boolean().optional() }))
    .max(10)
    .optional(),
  text: z.string().max(100_000),
  html: z.string().max(1_000_000).optional(),
  subject: z.string().max(998).optional(),
  attachments: z.array(attachmentSchema).max(100).default([]),
  /** When the customer sent it (provider time), ISO string. */
  sentAt: z.iso.datetime(),
  /** Channel-specific threading hints (email Message-ID, References, ...). */
  threadHints: z.record(z.string(), z.string()).optional(),
  language: z.string().max(16).optional(),
  email: emailMetaSchema.optional(),
  /** A conversation the message names (a verified email reply token); used when it belongs to the sender. */
  conversationId: z.string().regex(/^[0-9a-f]{24}$/).optional(),
});
export type InboundMessage = z.infer<typeof inboundMessageSchema>;

/**
 * `<channel>:<provider id>`, within the store's limit: a longer id keeps its start and ends with a SHA-256 of the
 * whole id instead of being cut, so two ids that differ only past the limit stay two messages.
 */
export function dedupeKeyOf(channel: string, providerId: string): string {
  const key = `${channel}:${providerId}`;
  if (key.length <= MAX_DEDUPE_KEY) return key;
  const hash = createHash('sha256').update(providerId).digest('hex');
  return `${key.slice(0, MAX_DEDUPE_KEY - hash.length - 1)}~${hash}`;
}
export type InboundMessageInput = z.input<typeof inboundMessageSchema>;

/** What a channel adapter is asked to send: small, self-contained, built from a stored message. */
export const outboundMessageSchema = z.object({
  messageId: z.string(),
  conversationId: z.string(),
  channel: channelSchema,
  to: z.string().min(1).max(320),
  text: z.string().max(100_000),
  html: z.string().optional(),
  subject: z.string().optional(),
  attachments: z.array(attachmentSchema).default([]),
  author: z.object({ id: z.string(), name: z.string() }),
  threadHints: z.record(z.string(), z.string()).optional(),
});
export type OutboundMessage = z.infer<typeof outboundMessageSchema>;

export interface SendResult {
  providerId: string;
}

/** A failure the adapter knows retrying cannot fix (bad address, refused content): the job fails at once. */
export class PermanentSendError extends Error {
  constructor(message: string, readonly code?: string) {
    super(message);
    this.name = 'PermanentSendError';
  }
}

/** An attachment above the configured size limit: the ingress answers with a clear refusal (SMTP 552, HTTP 413). */
export class AttachmentTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`attachment is larger than ${maxBytes} bytes`);
    this.name = 'AttachmentTooLargeError';
  }
}

/** A provider's receipt for one of our outbound messages (status callback, WhatsApp ack, email bounce/DSN). */
export interface DeliveryReport {
  channel: (typeof CHANNELS)[number];
  /** The provider's id of our message (Twilio MessageSid, email Message-ID, WhatsApp message id). */
  providerId: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  /** Readable reason for failures (mapped from provider error codes). */
  error?: string;
  at?: Date;
}

export interface ChannelAdapter {
  readonly channel: (typeof CHANNELS)[number];
  send(message: OutboundMessage): Promise<SendResult>;
}
