import type { Router } from 'express';
import type { Logger } from 'pino';
import type { Namespace } from 'socket.io';
import type { ChannelAdapter, InboundMessage } from '../src/domain/messages';
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
  logger: Logger;
  env: NodeJS.ProcessEnv;
}

/** Delivers realtime payloads to a web chat visitor through Redis (any hub node holding their socket). */
export interface VisitorPublisher {
  toVisitor(visitorId: string, event: string, payload: unknown): void;
}

export interface AdapterContext {
  visitors: VisitorPublisher;
  logger: Logger;
  env: NodeJS.ProcessEnv;
}

export interface ChannelModule {
  createAdapter(ctx: AdapterContext): ChannelAdapter;
  mountIngress?(ctx: IngressContext): void | Promise<void>;
}
