import type { Router } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Namespace } from 'socket.io';
import type { Readable } from 'node:stream';
import type { z } from 'zod';
import type { SetupSection } from '../src/domain/channel-setup';
import type { ChannelDescriptor } from '../src/domain/channels';
import type { Attachment, ChannelAdapter, DeliveryReport, InboundMessageInput } from '../src/domain/messages';
import type { RateDecision, VisitorAction, VisitorSubject } from '../src/domain/rate-limit';
import type { MessageView } from '../src/domain/views';
import type { VisitorReceiptStatus, VisitorState } from '../src/domain/widget';

/**
 * What the hub gives a channel's ingress. Channels never touch the store or queues directly: they parse, call
 * these callbacks, and answer their provider once `enqueueInbound` has resolved.
 */
export interface IngressContext {
  router: Router;
  /** Socket.IO namespace for channels with a client session (web chat). */
  widgetNamespace: Namespace;
  /**
   * Fits the message to the one inbound schema and queues it; resolves once it is in Redis (acknowledge only then).
   * Rejects with InvalidInboundError for a message that cannot be stored (refuse it: 4xx, SMTP 5xx or quarantine,
   * error ack). Takes over the message's stored attachments: they are removed unless the message is queued.
   */
  enqueueInbound(message: InboundMessageInput): Promise<void>;
  /** Removes attachments stored for a message that will not be handed to enqueueInbound (a failure before it). */
  discardAttachments(attachments: Attachment[]): Promise<void>;
  /** The customer-visible thread of a web chat visitor (no notes or events), newest last. */
  visitorHistory(visitorId: string, opts: { before?: string; limit: number }): Promise<Array<MessageView & { providerId?: string }>>;
  /**
   * Draws one `action` of a web chat visitor on its budgets (per visitor and per client address, kept in Redis so
   * they hold across hub nodes). Ask before doing any work for the request.
   */
  rateLimit(action: VisitorAction, who: VisitorSubject): Promise<RateDecision>;
  /**
   * Milliseconds this hub node already knows `rateLimit` would refuse that request for (0: it does not know, ask
   * `rateLimit`). Synchronous, no Redis call, counts nothing: lets a flood be refused before its body is even read.
   */
  rateLimitRefusal(action: VisitorAction, who: VisitorSubject): number;
  /**
   * Holds the answer to a request refused for a rate limit until the client could usefully ask again (at most a
   * second), then calls `answer` with the wait left in ms; at once when the address already has many held
   * (src/services/rate-limit/refusal-hold.ts). Spares the hub a client that asks again the moment it is refused.
   */
  holdRefusal(address: string, retryAfterMs: number, answer: (retryAfterMs: number) => void): void;
  /** The client address of a request Express did not see (a socket handshake), under TRUST_PROXY like `req.ip`. */
  clientAddress(req: IncomingMessage): string;
  /**
   * Stores custom attributes the host site signed for a web chat user (strict identity mode) on that visitor's
   * customer; the hub keeps only defined keys with values valid for their type.
   */
  signedAttributes?(visitorId: string, attributes: Record<string, unknown>): Promise<void>;
  /**
   * Receipts of agent replies a web chat visitor's client received or showed: applied like a provider's (status only
   * moves forward, the console is told) to replies sent to this visitor only. Resolves to how many moved.
   */
  visitorReceipts?(visitorId: string, messageIds: string[], status: VisitorReceiptStatus): Promise<number>;
  /** What the widget shows around the thread: greeting, business hours and online state, conversation status. */
  visitorState?(visitorId: string): Promise<VisitorState>;
  /** Stores an email the visitor left to be answered at, as their customer's unverified email. */
  visitorEmail?(visitorId: string, email: string): Promise<'stored' | 'no_customer'>;
  /** Tells the agents watching this visitor's open conversation that the visitor is typing (or stopped). */
  visitorTyping(visitorId: string, typing: boolean): Promise<void>;
  /**
   * Stores attachment bytes (size-limited, type sniffed) and returns the record to put in the InboundMessage.
   * Rejects with AttachmentTooLargeError above ATTACHMENT_MAX_BYTES.
   */
  storeAttachment(input: { name: string; contentType?: string; data: Buffer | Readable }): Promise<Attachment>;
  /** Applies a delivery receipt (status callback, ack, bounce) to our outbound message with that provider id. */
  reportDelivery(report: DeliveryReport): Promise<'updated' | 'stale' | 'unknown'>;
  /** Keeps input that cannot become a message (malformed, hostile, unknown bounce) visible to admins. */
  quarantine?(record: QuarantineInput): Promise<void>;
  /** True when an inbound message with this dedupeKey is already stored (skip refetching a redelivery's media). */
  inboundExists(dedupeKey: string): Promise<boolean>;
  /** Reads a stored attachment (a provider fetching our outbound media through a signed link). */
  openAttachment(storageKey: string): Promise<{ stream: Readable; name: string; contentType: string; size: number } | null>;
  logger: Logger;
  env: NodeJS.ProcessEnv;
}

export interface QuarantineInput {
  channel: string;
  source: string;
  reason: string;
  from?: string;
  subject?: string;
  size: number;
  /** The first bytes of the raw input, for an admin to recognise it. */
  excerpt: string;
}

/** What a channel's ingress started outside the HTTP server (an SMTP listener, an IMAP poller); the hub closes it. */
export interface IngressHandle {
  close(): Promise<void>;
  /**
   * Answers a request before the hub's Express stack when the channel already knows it refuses it (a flood of one
   * address): true when answered. Must be cheap and never read the body.
   */
  refuseEarly?(req: IncomingMessage, res: ServerResponse): boolean;
}

/** Delivers realtime payloads to a web chat visitor through Redis (any hub node holding their socket). */
export interface VisitorPublisher {
  toVisitor(visitorId: string, event: string, payload: unknown): void;
}

export interface AdapterContext {
  visitors: VisitorPublisher;
  /** Reads a stored attachment (outbound media and mail parts); null when it no longer exists. */
  openAttachment(storageKey: string): Promise<{ stream: Readable; name: string; contentType: string; size: number } | null>;
  /** Applies a delivery receipt learned while sending (e.g. a WhatsApp ack). */
  reportDelivery(report: DeliveryReport): Promise<'updated' | 'stale' | 'unknown'>;
  logger: Logger;
  env: NodeJS.ProcessEnv;
}

/**
 * A channel: one folder under channels/ exporting one of these, and one line in channels/index.ts. The core reads
 * only this (and the descriptor part registered in src/domain/channels.ts); it never names a channel.
 */
export interface ChannelModule extends ChannelDescriptor {
  /**
   * The channel's environment settings, composed into the root config (src/config) and validated once at start.
   * Its validated values reach the channel as strings in `ctx.env` and, typed, in `ReplyContext.settings`.
   */
  readonly config?: z.ZodRawShape;
  /** The admin console's setup card for this channel, from the validated config and the hub's public URL. */
  setup?(settings: Readonly<Record<string, unknown>>, publicUrl: string): SetupSection;
  createAdapter(ctx: AdapterContext): ChannelAdapter;
  mountIngress?(ctx: IngressContext): void | IngressHandle | Promise<void | IngressHandle>;
}
