import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { AttachmentTooLargeError, type Attachment, type DeliveryReport, type InboundMessageInput } from '../../src/domain/messages';
import { ackStatus, chatIdOf, normalizeWwebjsMessage, type WwebjsMessage } from './normalize';
import { KanalError } from '../../src/domain/errors';

/** What the console shows about a session (socket event `whatsapp.session`, GET /api/admin/whatsapp/sessions). */
export type SessionState = 'starting' | 'waiting_for_scan' | 'paired' | 'disconnected' | 'stopped';
export interface SessionStatus {
  account: string;
  state: SessionState;
  /** The pairing code to render as a QR image while waiting for a scan. */
  qr?: string;
  reason?: string;
  at: string;
}

/** The part of whatsapp-web.js's Client the session uses (an EventEmitter with these methods). */
export interface WwebjsClient extends EventEmitter {
  initialize(): Promise<void>;
  destroy(): Promise<void>;
  sendMessage(chatId: string, content: unknown, options?: Record<string, unknown>): Promise<{ id: { _serialized: string } }>;
}

/** Makes the media object whatsapp-web.js sends (its MessageMedia class in production). */
export type MediaFactory = (mimetype: string, base64: string, filename: string) => unknown;

/** Where a session's results go; the session process implements it with the hub's store, queues and events. */
export interface SessionSink {
  status(status: SessionStatus): void | Promise<void>;
  enqueueInbound(message: InboundMessageInput): Promise<void>;
  storeAttachment(input: { name: string; contentType?: string; data: Buffer }): Promise<Attachment>;
  reportDelivery(report: DeliveryReport): Promise<unknown>;
}

export interface SessionOptions {
  account: string;
  /** A new whatsapp-web.js Client (with its RemoteAuth strategy) each time; tests pass a stand-in. */
  createClient: () => WwebjsClient;
  makeMedia: MediaFactory;
  sink: SessionSink;
  logger: Logger;
  defaultRegion: string;
  groups: boolean;
  /** Wait before a new client after a disconnect (WhatsApp drops sessions briefly on phone updates). */
  reconnectDelayMs?: number;
}

export interface OutgoingMedia {
  mimetype: string;
  data: Buffer;
  filename: string;
}

/**
 * One WhatsApp account's whatsapp-web.js session: pairing state, inbound messages, sends and acks. The client comes
 * from a factory so the same code runs with the real Client (Chromium) and with a stand-in in tests.
 */
export class WhatsAppSession {
  private client?: WwebjsClient;
  private current: SessionStatus;
  private stopped = false;
  private reconnectTimer?: NodeJS.Timeout;
  private pending = new Set<Promise<unknown>>();

  constructor(private readonly opts: SessionOptions) {
    this.current = { account: opts.account, state: 'starting', at: new Date().toISOString() };
  }

  get status(): SessionStatus {
    return this.current;
  }

  async start(): Promise<void> {
    this.stopped = false;
    const client = this.opts.createClient();
    this.client = client;
    this.setStatus('starting');
    client.on('qr', (qr: string) => this.setStatus('waiting_for_scan', { qr }));
    client.on('ready', () => this.setStatus('paired'));
    client.on('auth_failure', (reason: string) => this.setStatus('disconnected', { reason: `authentication failed: ${reason}` }));
    client.on('disconnected', (reason: string) => this.onDisconnected(client, String(reason)));
    client.on('message', (msg: WwebjsMessage) => this.track(this.onMessage(msg)));
    client.on('message_ack', (msg: WwebjsMessage, ack: number) => this.track(this.onAck(msg, ack)));
    await client.initialize();
  }

  /** Sends text (and media, captioned with the text) to an E.164 number; returns WhatsApp's message id. */
  async send(to: string, text: string, media: OutgoingMedia[] = []): Promise<string> {
    if (!this.client || this.current.state !== 'paired') throw new SessionUnavailableError(this.current);
    const chatId = chatIdOf(to);
    if (media.length === 0) return (await this.client.sendMessage(chatId, text)).id._serialized;
    let first: string | undefined;
    for (const [i, m] of media.entries()) {
      const sent = await this.client.sendMessage(chatId, this.opts.makeMedia(m.mimetype, m.data.toString('base64'), m.filename), {
        caption: i === 0 && text ? text : undefined,
        sendMediaAsDocument: !/^(image|video|audio)\//.test(m.mimetype),
      });
      first ??= sent.id._serialized;
    }
    return first!;
  }

  /** Resolves once every client event received so far (message, receipt, state) has been handled. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    await this.idle();
    await this.client?.destroy().catch((err: unknown) => this.opts.logger.warn({ err }, 'whatsapp client destroy failed'));
    this.client = undefined;
    this.setStatus('stopped');
    await this.idle(); // the last status is written before the caller closes the store
  }

  private setStatus(state: SessionState, extra: { qr?: string; reason?: string } = {}) {
    this.current = { account: this.opts.account, state, ...extra, at: new Date().toISOString() };
    this.opts.logger.info({ account: this.opts.account, state, reason: extra.reason }, 'whatsapp session state');
    this.track(Promise.resolve(this.opts.sink.status(this.current)));
  }

  private track(p: Promise<unknown>) {
    const tracked = p.catch((err: unknown) => this.opts.logger.error({ err }, 'whatsapp session handler failed')).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  /** A dropped session gets a fresh client: with the session saved by RemoteAuth it pairs again without a scan. */
  private onDisconnected(client: WwebjsClient, reason: string) {
    this.setStatus('disconnected', { reason });
    if (this.stopped || this.client !== client) return;
    this.client = undefined;
    this.reconnectTimer = setTimeout(() => {
      void client.destroy().catch(() => {}).then(() => (this.stopped ? undefined : this.start())).catch((err: unknown) => {
        this.opts.logger.error({ err }, 'whatsapp reconnect failed');
        this.setStatus('disconnected', { reason: `reconnect failed: ${(err as Error).message}` });
      });
    }, this.opts.reconnectDelayMs ?? 5000);
  }

  private async onMessage(msg: WwebjsMessage) {
    const normalized = normalizeWwebjsMessage(msg, { defaultRegion: this.opts.defaultRegion, groups: this.opts.groups });
    if ('skip' in normalized) {
      this.opts.logger.debug({ id: msg.id._serialized, reason: normalized.skip }, 'whatsapp message ignored');
      return;
    }
    const attachments: Attachment[] = [];
    let text = normalized.message.text;
    if (normalized.media) {
      const media = await msg.downloadMedia();
      if (!media) text = [text, '⚠️ the attachment could not be downloaded from WhatsApp'].filter(Boolean).join('\n');
      else {
        const name = media.filename || `${msg.type}-${msg.timestamp}.${media.mimetype.split('/')[1]?.split(';')[0] ?? 'bin'}`;
        try {
          attachments.push(await this.opts.sink.storeAttachment({ name, contentType: media.mimetype, data: Buffer.from(media.data, 'base64') }));
        } catch (err) {
          if (!(err instanceof AttachmentTooLargeError)) throw err;
          text = [text, `⚠️ ${name} (${media.mimetype}) was not kept: larger than ${err.maxBytes} bytes`].filter(Boolean).join('\n');
        }
      }
    }
    await this.opts.sink.enqueueInbound({ ...normalized.message, text, attachments });
  }

  private async onAck(msg: WwebjsMessage, ack: number) {
    if (!(msg.fromMe || msg.id.fromMe)) return;
    const status = ackStatus(ack);
    if (status) await this.opts.sink.reportDelivery({ channel: 'whatsapp', providerId: msg.id._serialized, status, error: status === 'failed' ? 'WhatsApp refused the message' : undefined });
  }
}

/** A send while the session is not paired: retried by the queue (the phone may be reconnecting). */
export class SessionUnavailableError extends KanalError {
  constructor(status: SessionStatus) {
    super('unavailable', `WhatsApp session ${status.account} is ${status.state.replace(/_/g, ' ')}${status.reason ? ` (${status.reason})` : ''}`);
  }
}
