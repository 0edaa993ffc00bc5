import type { Socket } from 'socket.io';
import { z } from 'zod';
import { Rooms, WidgetEvents } from '../../src/domain/events';
import { InvalidInboundError } from '../../src/domain/inbound-schema';
import { dedupeKeyOf, type InboundMessage } from '../../src/domain/messages';
import { rateLimitedAck, type VisitorAction, type VisitorSubject } from '../../src/domain/rate-limit';
import type { MessageView } from '../../src/domain/views';
import type { IngressContext } from '../types';
import { keepTokenFresh, type WidgetSecrets } from './session';
import { readToken, type WidgetTokenPayload } from './token';
import { errorAck } from '../../src/domain/errors';
import { visitorAttachments, type VisitorAttachment } from './files';

/** The largest history page: a page's cost follows its size (thread buckets read until it is full). */
export const HISTORY_MAX_LIMIT = 50;
/** The budget (config WIDGET_RATE_*) each visitor event draws on; an event not listed has no handler. */
const ACTION_OF: Partial<Record<string, VisitorAction>> = {
  [WidgetEvents.send]: 'send',
  [WidgetEvents.history]: 'history',
  [WidgetEvents.typing]: 'typing',
  [WidgetEvents.receipt]: 'receipt',
  [WidgetEvents.contact]: 'contact',
  [WidgetEvents.state]: 'state',
};

export const sendSchema = z.object({
  clientId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be 1-100 characters of A-Z a-z 0-9 _ -'),
  text: z.string().trim().min(1, 'must not be empty').max(5000, 'must be at most 5000 characters'),
});
const typingSchema = z.object({ typing: z.boolean() });
/** Agent replies the widget received (delivered) or showed with the panel open and the tab visible (read). */
export const receiptSchema = z.object({
  ids: z.array(z.string().regex(/^[0-9a-f]{24}$/, 'must be message ids')).min(1, 'must not be empty').max(HISTORY_MAX_LIMIT, `at most ${HISTORY_MAX_LIMIT} ids`),
  status: z.enum(['delivered', 'read']),
});
export const contactSchema = z.object({ email: z.string().trim().max(320, 'must be at most 320 characters').pipe(z.email('not a valid email address')) });
const historySchema = z.object({
  before: z.iso.datetime({ offset: true }).optional(),
  limit: z.number().int().min(1).max(HISTORY_MAX_LIMIT).default(HISTORY_MAX_LIMIT),
});

/** What the visitor sees of a message: no ids of agents, notes or internal fields. */
export interface VisitorMessage {
  id: string;
  direction: 'in' | 'out';
  text: string;
  authorName?: string;
  createdAt: string;
  status: string;
  /** The visitor's own message: the clientId it was sent with (the widget matches its pending copy by it). */
  clientId?: string;
  attachments?: VisitorAttachment[];
}

/** `secret` signs the attachments' links (channels/webchat/files.ts). */
export function toVisitorMessage(v: MessageView, secret: string, providerId?: string): VisitorMessage {
  const attachments = visitorAttachments(v.attachments, secret);
  return {
    id: v.id,
    direction: v.direction,
    text: v.text,
    authorName: v.author.type === 'agent' ? v.author.name : undefined,
    createdAt: v.createdAt,
    status: v.delivery.status,
    ...(v.direction === 'in' && providerId ? { clientId: providerId } : {}),
    ...(attachments.length ? { attachments } : {}),
  };
}

type Ack = (response: unknown) => void;
const ackOf = (args: unknown[]): Ack => {
  const last = args[args.length - 1];
  return typeof last === 'function' ? (last as Ack) : () => {};
};
const issues = (e: z.ZodError) => e.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ');

/** Authenticates widget sockets by their session token and handles the visitor's events. */
export function attachWidgetNamespace(ctx: IngressContext, secrets: WidgetSecrets): void {
  const nsp = ctx.widgetNamespace;
  nsp.use((socket, next) => {
    // An expired token gets its own error: the widget then starts a new session (docs/operations.md, "Sessions").
    const check = readToken(socket.handshake.auth?.token, secrets.tokenSecret, secrets.tokenTtlS);
    if (!check.ok) return next(new Error(check.reason === 'expired' ? 'token expired' : 'unauthorized'));
    const session = check.session;
    // Strict identity mode holds on every connect: a token issued before it was turned on (unverified) no longer sends.
    if (secrets.identitySecret && !session.verified) return next(new Error('identity required'));
    socket.data.session = session;
    socket.data.ip = ctx.clientAddress(socket.request);
    // Connections draw on a budget too: a client closed for flooding cannot simply reconnect and flood again.
    ctx.rateLimit('connect', { visitorId: session.visitorId, ip: socket.data.ip as string }).then((decision) => {
      if (decision.allowed) return next();
      next(Object.assign(new Error('rate limited'), { data: { code: 'rate_limited', retryAfterMs: decision.retryAfterMs } }));
    }, () => next());
  });
  nsp.on('connection', (socket) => {
    const session = socket.data.session as WidgetTokenPayload;
    void socket.join(Rooms.visitor(session.visitorId));
    keepTokenFresh(socket, session, secrets);
    limitEvents(ctx, socket, { visitorId: session.visitorId, ip: socket.data.ip as string });
    handleSocket(ctx, socket, session, secrets);
  });
}

/**
 * A client refused this often within REFUSAL_WINDOW_MS is not the widget (it waits retryAfterMs): it is told so
 * (`rate:limited` with `closing`) and disconnected, so one connection cannot keep the hub decoding a flood that can
 * only be refused.
 */
export const MAX_REFUSALS = 200;
const REFUSAL_WINDOW_MS = 10_000;
/** How long a closed flooder is asked to stay away at least (its connect budget decides whether it may come back). */
const CLOSED_RETRY_MS = 10_000;
/**
 * Refusals within a second after which the socket stops being read for a while (PAUSE_MS, at most its wait): the
 * flood then waits in its own TCP buffers instead of taking turns on the hub's event loop, where each burst of
 * refusals (64 history requests in one read) delays everyone else's requests behind it.
 */
export const PAUSE_AFTER_REFUSALS = 10;
export const PAUSE_MS = 1_000;
/** How long a flooder's closed connection may still take to answer the close before it is cut. */
export const FLOODER_CLOSE_GRACE_MS = 1_000;

/**
 * Every event of the visitor draws on its budget (per visitor and per client address, across hub nodes) before its
 * handler runs, so a flood costs no store work, and past the budget no Redis call either (the limiter refuses what
 * this node alone already used up; src/services/rate-limit). Over the limit an event with an ack gets
 * `rateLimitedAck`; typing (a hint, no ack) is dropped, and the first refusal of each wait is told as a `rate:limited`
 * event. Events without a handler are dropped unread and counted as refusals. Until a refusal's retryAfterMs has passed the socket refuses
 * that action itself, and a socket that keeps flooding regardless is told so and closed: what one connection can cost
 * the hub stays bounded. Allowed events keep their order (Redis answers in order).
 */
function limitEvents(ctx: IngressContext, socket: Socket, who: VisitorSubject): void {
  const refusedUntil: Partial<Record<VisitorAction, number>> = {};
  const told: Partial<Record<VisitorAction, number>> = {};
  let refusals = 0;
  let countingSince = Date.now();
  let burst = 0;
  let burstSince = Date.now();
  const refuse = (event: string, action: VisitorAction, ack: unknown, retryAfterMs: number) => {
    if (!socket.connected) return; // closed below: later events still in its buffer get nothing
    if (typeof ack === 'function') ack(rateLimitedAck(retryAfterMs));
    else if (told[action] !== refusedUntil[action]) {
      told[action] = refusedUntil[action];
      socket.emit(WidgetEvents.rateLimited, { ...rateLimitedAck(retryAfterMs), event });
    }
    if (Date.now() - burstSince > 1_000) [burst, burstSince] = [0, Date.now()];
    if (++burst >= PAUSE_AFTER_REFUSALS) {
      [burst, burstSince] = [0, Date.now()];
      pauseReading(socket, Math.min(PAUSE_MS, retryAfterMs));
    }
    strike(event);
  };
  /** One more event this socket should not have sent; past MAX_REFUSALS in the window the socket is closed. */
  const strike = (event: string) => {
    if (!socket.connected) return;
    if (Date.now() - countingSince > REFUSAL_WINDOW_MS) [refusals, countingSince] = [0, Date.now()];
    if (++refusals < MAX_REFUSALS) return;
    ctx.logger.info({ channel: 'webchat', visitorId: who.visitorId }, 'widget socket closed: it kept flooding past its rate limits');
    const longest = Math.max(CLOSED_RETRY_MS, ...Object.values(refusedUntil).map((t) => t - Date.now()));
    socket.emit(WidgetEvents.rateLimited, { ...rateLimitedAck(longest), event, closing: true });
    // What it still sends (up to its whole send buffer, a megabyte of typing frames) is not even read any more.
    pauseReading(socket, FLOODER_CLOSE_GRACE_MS);
    socket.disconnect(true);
    // A WebSocket close waits for the client's answer (up to 30 s in ws), reading every frame it sends meanwhile: a
    // flooder that never answers keeps the hub parsing. The connection goes after a moment (the notice leaves first).
    const raw = socket.conn.request.socket;
    setTimeout(() => raw.destroy(), FLOODER_CLOSE_GRACE_MS).unref();
  };
  socket.use(([event, ...args], next) => {
    const action = ACTION_OF[event];
    if (!action) return strike(event); // not the widget's: dropped unread, and counted like a refusal
    const ack = args[args.length - 1];
    const wait = (refusedUntil[action] ?? 0) - Date.now();
    if (wait > 0) return refuse(event, action, ack, wait);
    ctx.rateLimit(action, who).then((decision) => {
      if (decision.allowed) return next();
      refusedUntil[action] = Date.now() + decision.retryAfterMs;
      refuse(event, action, ack, decision.retryAfterMs);
    }, (err: unknown) => ctx.logger.warn({ err, event }, 'widget rate limit check failed')); // the limiter fails open itself
  });
}

/** Stops reading a WebSocket connection for `ms` (what it sends meanwhile waits in TCP buffers); other transports: no-op. */
function pauseReading(socket: Socket, ms: number): void {
  const transport = socket.conn.transport as unknown as { name?: string; socket?: { pause?(): void; resume?(): void } };
  const ws = transport.name === 'websocket' ? transport.socket : undefined;
  if (!ws?.pause || !ws.resume) return;
  ws.pause();
  setTimeout(() => ws.resume?.(), ms).unref();
}

/** A visitor's typing reaches the agents at most this often (each relay looks up the conversation to relay to). */
export const TYPING_RELAY_MS = 1_000;

/**
 * A socket's typing state, relayed on change and at most once per TYPING_RELAY_MS: a change within that time is sent
 * when it ends, the last state winning, so "stopped typing" is never lost and a visitor toggling as fast as its
 * budget allows costs one relay a second. `end` (the socket closed) clears a shown "typing…" at once.
 */
function typingRelay(relay: (typing: boolean) => Promise<unknown>) {
  let shown = false;
  let wanted = false;
  let lastAt = 0;
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    timer = null;
    if (wanted === shown) return;
    shown = wanted;
    lastAt = Date.now();
    void relay(shown);
  };
  return {
    set(typing: boolean) {
      wanted = typing;
      if (timer || wanted === shown) return;
      const wait = lastAt + TYPING_RELAY_MS - Date.now();
      if (wait <= 0) flush();
      else timer = setTimeout(flush, wait);
    },
    end() {
      if (timer) clearTimeout(timer);
      timer = null;
      if (shown) void relay(false);
      shown = wanted = false;
    },
  };
}

function handleSocket(ctx: IngressContext, socket: Socket, session: WidgetTokenPayload, secrets: WidgetSecrets): void {
  const { visitorId } = session;
  const log = ctx.logger.child({ channel: 'webchat', visitorId });
  const typing = typingRelay((state) => ctx.visitorTyping(visitorId, state).catch((err: unknown) => log.warn({ err }, 'typing relay failed')));

  socket.on(WidgetEvents.send, async (...args: unknown[]) => {
    // The ack is the client's only proof of delivery (it resends until acked), so a send without one is ignored.
    if (typeof args[args.length - 1] !== 'function') return;
    const ack = ackOf(args);
    try {
      const parsed = sendSchema.safeParse(args[0]);
      if (!parsed.success) return ack(errorAck('invalid_input', issues(parsed.error)));
      const now = Date.now();
      const { clientId, text } = parsed.data;
      const message: InboundMessage = {
        channel: 'webchat',
        dedupeKey: dedupeKeyOf('webchat', `${visitorId}:${clientId}`),
        providerId: clientId,
        from: { address: visitorId, name: session.name, verified: session.verified, ...(session.visitor ? { visitor: session.visitor } : {}) },
        // Unverified unless the host signed it: then a claim the agents see, never a link (src/services/identity/claims.ts).
        linkedIdentities: session.email ? [{ channel: 'email', address: session.email, verified: session.emailVerified === true }] : undefined,
        text,
        attachments: [],
        sentAt: new Date(now).toISOString(),
      };
      try {
        await ctx.enqueueInbound(message);
      } catch (err) {
        if (err instanceof InvalidInboundError) return ack(errorAck('invalid_input', err.issues)); // cannot be stored: do not resend
        log.warn({ err }, 'enqueue failed');
        return ack(errorAck('unavailable', 'temporarily unavailable, retry'));
      }
      // Only now is the message safe in Redis: the client may forget it.
      ack({ ok: true, clientId });
    } catch (err) {
      log.error({ err }, 'message:send failed');
      ack(errorAck('internal', 'internal error'));
    }
  });

  socket.on(WidgetEvents.typing, (...args: unknown[]) => {
    const parsed = typingSchema.safeParse(args[0]);
    if (parsed.success) typing.set(parsed.data.typing);
  });

  socket.on(WidgetEvents.history, async (...args: unknown[]) => {
    const ack = ackOf(args);
    const parsed = historySchema.safeParse(args[0] ?? {});
    if (!parsed.success) return ack(errorAck('invalid_input', issues(parsed.error)));
    try {
      const views = await ctx.visitorHistory(visitorId, parsed.data);
      ack({ messages: views.map((v) => toVisitorMessage(v, secrets.tokenSecret, v.providerId)) });
    } catch (err) {
      log.warn({ err }, 'history failed');
      ack(errorAck('unavailable', 'temporarily unavailable, retry'));
    }
  });

  socket.on(WidgetEvents.receipt, async (...args: unknown[]) => {
    const ack = ackOf(args);
    const parsed = receiptSchema.safeParse(args[0]);
    if (!parsed.success) return ack(errorAck('invalid_input', issues(parsed.error)));
    try {
      const updated = (await ctx.visitorReceipts?.(visitorId, parsed.data.ids, parsed.data.status)) ?? 0;
      ack({ ok: true, updated });
    } catch (err) {
      log.warn({ err }, 'receipt failed');
      ack(errorAck('unavailable', 'temporarily unavailable, retry'));
    }
  });

  socket.on(WidgetEvents.contact, async (...args: unknown[]) => {
    const ack = ackOf(args);
    const parsed = contactSchema.safeParse(args[0]);
    if (!parsed.success) return ack(errorAck('invalid_input', issues(parsed.error)));
    try {
      const result = await ctx.visitorEmail?.(visitorId, parsed.data.email);
      if (result !== 'stored') return ack(errorAck('not_found', 'write a message first'));
      ack({ ok: true });
    } catch (err) {
      log.warn({ err }, 'contact failed');
      ack(errorAck('unavailable', 'temporarily unavailable, retry'));
    }
  });

  socket.on(WidgetEvents.state, async (...args: unknown[]) => {
    const ack = ackOf(args);
    if (args.length > 1 && (typeof args[0] !== 'object' || args[0] === null || Array.isArray(args[0]))) return ack(errorAck('invalid_input', 'payload: must be an object'));
    try {
      const state = await ctx.visitorState?.(visitorId);
      if (!state) return ack(errorAck('unavailable', 'temporarily unavailable, retry'));
      ack({ ok: true, ...state });
    } catch (err) {
      log.warn({ err }, 'state failed');
      ack(errorAck('unavailable', 'temporarily unavailable, retry'));
    }
  });

  socket.on('disconnect', () => {
    // A closed tab should not leave "typing…" on the agent's screen.
    typing.end();
  });
}
