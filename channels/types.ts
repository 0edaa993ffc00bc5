import type { Router } from 'express';
import type { Logger } from 'pino';
import type { Namespace } from 'socket.io';
import type { Readable } from 'node:stream';
import type { Attachment, ChannelAdapter, DeliveryReport, InboundMessage } from '../src/domain/messages';
import type { MessageView } from '../src/domain/views';

/**
 * What the hub gives a channel's ingress. Channels never touch the store or queues directly: they parse, call
 * these callbacks, and answer their provider once `enqueueInbound` has resolved.
 */
export interface IngressContext {
  router: Router;
  /** Socket.IO namespace for channels with a client session (web chat). */
  widgetNamespace: Namespace;
  enqueueInbound(message: InboundMessage): Promise<void>;
  /** The customer-visible thread of a web chat visitor (no notes or events), newest last. */
  visitorHistory(visitorId: string, opts: { before?: string; limit: number }): Promise<MessageView[]>;
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

export interface ChannelModule {
  createAdapter(ctx: AdapterContext): ChannelAdapter;
  mountIngress?(ctx: IngressContext): void | IngressHandle | Promise<void | IngressHandle>;
}
