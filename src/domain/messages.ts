import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Channel } from './channels';
import { attachmentSchema, channelSchema, INBOUND_LIMITS } from './inbound-schema';
import { KanalError } from './errors';

// The inbound message's schema and how a message is made to fit it live in one module (inbound-schema.ts).
export {
  attachmentSchema, channelSchema, emailMetaSchema, inboundMessageSchema, INBOUND_LIMITS,
  type Attachment, type EmailMeta, type InboundMessage, type InboundMessageInput,
} from './inbound-schema';

/**
 * `<channel>:<provider id>`, within the store's limit: a longer id keeps its start and ends with a SHA-256 of the
 * whole id instead of being cut, so two ids that differ only past the limit stay two messages.
 */
export function dedupeKeyOf(channel: string, providerId: string): string {
  const MAX_DEDUPE_KEY = INBOUND_LIMITS.dedupeKey;
  const key = `${channel}:${providerId}`;
  if (key.length <= MAX_DEDUPE_KEY) return key;
  const hash = createHash('sha256').update(providerId).digest('hex');
  return `${key.slice(0, MAX_DEDUPE_KEY - hash.length - 1)}~${hash}`;
}

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
export class PermanentSendError extends KanalError {
  /** The provider's own error code (Twilio's number, an SMTP reply code), when it gave one. */
  constructor(message: string, readonly providerCode?: string) {
    super('permanent_send_failure', message);
  }
}

/** An attachment above the configured size limit: the ingress answers with a clear refusal (SMTP 552, HTTP 413). */
export class AttachmentTooLargeError extends KanalError {
  constructor(readonly maxBytes: number) {
    super('payload_too_large', `attachment is larger than ${maxBytes} bytes`, { details: { maxBytes } });
  }
}

/** A provider's receipt for one of our outbound messages (status callback, WhatsApp ack, email bounce/DSN). */
export interface DeliveryReport {
  channel: Channel;
  /** The provider's id of our message (Twilio MessageSid, email Message-ID, WhatsApp message id). */
  providerId: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  /** Readable reason for failures (mapped from provider error codes). */
  error?: string;
  at?: Date;
}

export interface ChannelAdapter {
  readonly channel: Channel;
  send(message: OutboundMessage): Promise<SendResult>;
}
