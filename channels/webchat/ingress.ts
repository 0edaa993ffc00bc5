import type { Socket } from 'socket.io';
import { z } from 'zod';
import { Rooms, WidgetEvents } from '../../src/domain/events';
import { dedupeKeyOf, type InboundMessage } from '../../src/domain/messages';
import type { MessageView } from '../../src/domain/views';
import type { IngressContext } from '../types';
import { verifyToken, type WidgetTokenPayload } from './token';

export const RATE_LIMIT = { messages: 20, windowMs: 10_000 };

export const sendSchema = z.object({
  clientId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be 1-100 characters of A-Z a-z 0-9 _ -'),
  text: z.string().trim().min(1, 'must not be empty').max(5000, 'must be at most 5000 characters'),
});
const typingSchema = z.object({ typing: z.boolean() });
const historySchema = z.object({
  before: z.iso.datetime({ offset: true }).optional(),
  limit: z.number().int().min(1).max(100).default(50),
});

/** What the visitor sees of a message: no ids of agents, notes or internal fields. */
export interface VisitorMessage {
  id: string;
  direction: 'in' | 'out';
  text: string;
  authorName?: string;
  createdAt: string;
  status: string;
}

export function toVisitorMessage(v: MessageView): VisitorMessage {
  return {
    id: v.id,
    direction: v.direction,
    text: v.text,
    authorName: v.author.type === 'agent' ? v.author.name : undefined,
    createdAt: v.createdAt,
    status: v.delivery.status,
  };
}

type Ack = (response: unknown) => void;
const ackOf = (args: unknown[]): Ack => {
  const last = args[args.length - 1];
  return typeof last === 'function' ? (last as Ack) : () => {};
};
const issues = (e: z.ZodError) => e.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ');

/** Authenticates widget sockets by their session token and handles the visitor's events. */
export function attachWidgetNamespace(ctx: IngressContext, tokenSecret: string, identitySecret?: string): void {
  const nsp = ctx.widgetNamespace;
  nsp.use((socket, next) => {
    const session = verifyToken(socket.handshake.auth?.token, tokenSecret);
    if (!session) return next(new Error('unauthorized'));
    // Strict identity mode holds on every connect: a token issued before it was turned on (unverified) no longer sends.
    if (identitySecret && !session.verified) return next(new Error('identity required'));
    socket.data.session = session;
    next();
  });
  nsp.on('connection', (socket) => {
    const session = socket.data.session as WidgetTokenPayload;
    void socket.join(Rooms.visitor(session.visitorId));
    handleSocket(ctx, socket, session);
  });
}

function handleSocket(ctx: IngressContext, socket: Socket, session: WidgetTokenPayload): void {
  const { visitorId } = session;
  const log = ctx.logger.child({ channel: 'webchat', visitorId });
  let sentAt: number[] = [];
  let lastTyping = false;

  socket.on(WidgetEvents.send, async (...args: unknown[]) => {
    // The ack is the client's only proof of delivery (it resends until acked), so a send without one is ignored.
    if (typeof args[args.length - 1] !== 'function') return;
    const ack = ackOf(args);
    try {
      const parsed = sendSchema.safeParse(args[0]);
      if (!parsed.success) return ack({ error: issues(parsed.error) });
      const now = Date.now();
      sentAt = sentAt.filter((t) => now - t < RATE_LIMIT.windowMs);
      if (sentAt.length >= RATE_LIMIT.messages) return ack({ error: 'rate limited, slow down' });
      sentAt.push(now);
      const { clientId, text } = parsed.data;
      const message: InboundMessage = {
        channel: 'webchat',
        dedupeKey: dedupeKeyOf('webchat', `${visitorId}:${clientId}`),
        providerId: clientId,
        from: { address: visitorId, name: session.name, verified: session.verified },
        linkedIdentities: session.email ? [{ channel: 'email', address: session.email }] : undefined,
        text,
        attachments: [],
        sentAt: new Date(now).toISOString(),
      };
      try {
        await ctx.enqueueInbound(message);
      } catch (err) {
        log.warn({ err }, 'enqueue failed');
        return ack({ error: 'temporarily unavailable, retry' });
      }
      // Only now is the message safe in Redis: the client may forget it.
      ack({ ok: true, clientId });
    } catch (err) {
      log.error({ err }, 'message:send failed');
      ack({ error: 'internal error' });
    }
  });

  socket.on(WidgetEvents.typing, async (...args: unknown[]) => {
    const parsed = typingSchema.safeParse(args[0]);
    if (!parsed.success || parsed.data.typing === lastTyping) return; // forward changes only
    lastTyping = parsed.data.typing;
    await ctx.visitorTyping(visitorId, lastTyping).catch((err: unknown) => log.warn({ err }, 'typing relay failed'));
  });

  socket.on(WidgetEvents.history, async (...args: unknown[]) => {
    const ack = ackOf(args);
    const parsed = historySchema.safeParse(args[0] ?? {});
    if (!parsed.success) return ack({ error: issues(parsed.error) });
    try {
      const views = await ctx.visitorHistory(visitorId, parsed.data);
      ack({ messages: views.map(toVisitorMessage) });
    } catch (err) {
      log.warn({ err }, 'history failed');
      ack({ error: 'temporarily unavailable, retry' });
    }
  });

  socket.on('disconnect', () => {
    // A closed tab should not leave "typing…" on the agent's screen.
    if (lastTyping) void ctx.visitorTyping(visitorId, false).catch(() => {});
  });
}
