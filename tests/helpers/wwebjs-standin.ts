import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MessageMedia } from 'whatsapp-web.js';

/**
 * A stand-in for whatsapp-web.js's Client: the same EventEmitter interface and events (qr, authenticated, ready,
 * message, message_ack, disconnected), Message objects with the library's fields, and the real auth strategy
 * (RemoteAuth with the real store) driven through the same hooks the Client calls. Instead of Chromium and a phone,
 * the test calls scan(), receive(), ack() and drop().
 */
interface AuthStrategy {
  setup(client: unknown): void;
  beforeBrowserInitialized(): Promise<void>;
  afterAuthReady(): Promise<void>;
  storeRemoteSession(opts?: { emit?: boolean }): Promise<void>;
  destroy(): Promise<void>;
  userDataDir?: string;
}

export interface StandinMessageFields {
  from: string;
  body?: string;
  type?: string;
  author?: string;
  notifyName?: string;
  location?: { latitude: number; longitude: number; description?: string };
  media?: { mimetype: string; data: Buffer; filename?: string };
}

const SESSION_FILE = ['Default', 'Local Storage', 'leveldb', 'session.ldb'];

export class StandinClient extends EventEmitter {
  readonly options: { puppeteer: Record<string, unknown>; authStrategy: AuthStrategy };
  readonly sent: Array<{ chatId: string; content: unknown; options?: Record<string, unknown>; id: string }> = [];
  readonly me = '908501234569@c.us';
  qrShown = 0;
  destroyed = false;

  constructor(opts: { authStrategy: AuthStrategy }) {
    super();
    this.options = { puppeteer: {}, authStrategy: opts.authStrategy };
    opts.authStrategy.setup(this);
  }

  private get sessionFile() {
    return path.join(this.options.authStrategy.userDataDir!, ...SESSION_FILE);
  }

  /** As the Client: the strategy restores the profile; a restored pairing skips the QR. */
  async initialize(): Promise<void> {
    await this.options.authStrategy.beforeBrowserInitialized();
    // RemoteAuth resolves on unzipper's 'finish', which can precede the last file's flush; Chromium's start-up
    // hides that in production, so the stand-in gives the restored profile the same moment to appear.
    let paired: string | null = null;
    for (let i = 0; i < 20 && paired === null; i++) {
      paired = await readFile(this.sessionFile, 'utf8').catch(() => null);
      if (paired === null) await new Promise((r) => setTimeout(r, 50));
    }
    if (paired) {
      this.emit('authenticated');
      await this.options.authStrategy.afterAuthReady();
      this.emit('ready');
    } else {
      this.qrShown++;
      this.emit('qr', `2@${randomBytes(24).toString('base64')},${randomBytes(16).toString('base64')},${randomBytes(16).toString('base64')}`);
    }
  }

  /** The phone scans the QR: the browser profile now holds the pairing, which RemoteAuth saves to the store. */
  async scan(): Promise<void> {
    await mkdir(path.dirname(this.sessionFile), { recursive: true });
    await writeFile(this.sessionFile, `paired ${new Date().toISOString()}`);
    this.emit('authenticated');
    // The real Client waits a minute after ready before RemoteAuth's first save; the stand-in saves at once.
    await this.options.authStrategy.storeRemoteSession({ emit: true });
    this.emit('ready');
  }

  /** A message from a customer, with whatsapp-web.js Message fields. */
  receive(f: StandinMessageFields) {
    const id = `false_${f.from}_3EB0${randomBytes(8).toString('hex').toUpperCase()}`;
    const msg = {
      id: { fromMe: false, remote: f.from, id: id.split('_')[2], _serialized: id },
      from: f.from, to: this.me, author: f.author, body: f.body ?? '', type: f.type ?? 'chat',
      timestamp: Math.floor(Date.now() / 1000), hasMedia: Boolean(f.media), fromMe: false, isStatus: false, ack: 1,
      location: f.location, _data: { notifyName: f.notifyName },
      downloadMedia: async () => (f.media ? new MessageMedia(f.media.mimetype, f.media.data.toString('base64'), f.media.filename ?? null) : undefined),
    };
    this.emit('message', msg);
    return msg;
  }

  async sendMessage(chatId: string, content: unknown, options?: Record<string, unknown>) {
    const id = `true_${chatId}_3EB0${randomBytes(8).toString('hex').toUpperCase()}`;
    this.sent.push({ chatId, content, options, id });
    return { id: { fromMe: true, remote: chatId, _serialized: id }, from: this.me, to: chatId, fromMe: true, ack: 0, timestamp: Math.floor(Date.now() / 1000) };
  }

  /** WhatsApp's receipt for one of our messages (1 server, 2 device, 3 read). */
  ack(id: string, ack: number) {
    const s = this.sent.find((m) => m.id === id)!;
    this.emit('message_ack', { id: { fromMe: true, remote: s.chatId, _serialized: id }, from: this.me, to: s.chatId, fromMe: true, ack }, ack);
  }

  drop(reason = 'NAVIGATION') {
    this.emit('disconnected', reason);
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
    await this.options.authStrategy.destroy();
  }
}
