// Test support: a local Bot API server speaking Telegram's real JSON shapes (https://core.telegram.org/bots/api), so
// the channel's HTTP client, multipart uploads and error handling run for real in tests.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface StandinCall {
  method: string;
  /** JSON body, or the multipart form's text fields. */
  fields: Record<string, string>;
  /** Multipart files: field name -> file name, type and size. */
  files: Record<string, { name: string; type: string; size: number }>;
}

/** A Telegram update fixture from channels/telegram/fixtures (real update shapes). */
export function fixture(name: string, patch: (u: any) => void = () => {}): any { // eslint-disable-line @typescript-eslint/no-explicit-any
  const update = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', `${name}.json`), 'utf8'));
  patch(update);
  return update;
}

export class TelegramStandin {
  readonly token = `${7000000001}:${randomBytes(18).toString('base64url')}`;
  readonly secret = randomBytes(24).toString('base64url');
  readonly calls: StandinCall[] = [];
  /** Files the bot can download: file_id -> bytes and type. */
  readonly files = new Map<string, { bytes: Buffer; path: string }>();
  /** Chat ids that answer with a Bot API error (e.g. 403 "Forbidden: bot was blocked by the user"). */
  readonly refusals = new Map<string, { error_code: number; description: string }>();
  private server?: http.Server;
  private nextMessageId = 9000;
  url = '';

  addFile(fileId: string, bytes: Buffer, ext = 'bin'): void {
    this.files.set(fileId, { bytes, path: `files/${fileId}.${ext}` });
  }

  callsOf(method: string): StandinCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => void this.handle(req, res).catch((err: Error) => {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error_code: 500, description: err.message }));
    }));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private answer(res: http.ServerResponse, status: number, body: unknown) {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', this.url);
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file) {
      const found = [...this.files.values()].find((f) => f.path === file[2]);
      if (file[1] !== this.token || !found) return this.answer(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      return void res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(found.bytes.length) }).end(found.bytes);
    }
    const call = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!call) return this.answer(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    if (call[1] !== this.token) return this.answer(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = call[2]!;
    const recorded: StandinCall = { method, fields: {}, files: {} };
    const type = req.headers['content-type'] ?? '';
    if (type.startsWith('multipart/form-data')) {
      const form = await new Request('http://standin/', { method: 'POST', headers: { 'content-type': type }, body }).formData();
      for (const [k, v] of form) {
        if (typeof v === 'string') recorded.fields[k] = v;
        else recorded.files[k] = { name: v.name, type: v.type, size: v.size };
      }
    } else if (body.length) {
      for (const [k, v] of Object.entries(JSON.parse(body.toString('utf8')) as Record<string, unknown>)) recorded.fields[k] = typeof v === 'string' ? v : JSON.stringify(v);
    }
    this.calls.push(recorded);
    if (method === 'getFile') {
      const f = this.files.get(recorded.fields.file_id ?? '');
      if (!f) return this.answer(res, 400, { ok: false, error_code: 400, description: 'Bad Request: invalid file_id' });
      return this.answer(res, 200, { ok: true, result: { file_id: recorded.fields.file_id, file_unique_id: `u${recorded.fields.file_id}`, file_size: f.bytes.length, file_path: f.path } });
    }
    if (!['sendMessage', 'sendPhoto', 'sendDocument'].includes(method)) return this.answer(res, 404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
    const chatId = recorded.fields.chat_id ?? '';
    const refusal = this.refusals.get(chatId);
    if (refusal) return this.answer(res, refusal.error_code, { ok: false, ...refusal });
    if (method === 'sendMessage' && !recorded.fields.text) return this.answer(res, 400, { ok: false, error_code: 400, description: 'Bad Request: message text is empty' });
    const message: Record<string, unknown> = {
      message_id: ++this.nextMessageId, from: { id: 7000000001, is_bot: true, first_name: 'Kanal', username: 'kanal_bot' },
      chat: { id: Number(chatId), type: 'private' }, date: Math.floor(Date.now() / 1000),
    };
    if (recorded.fields.text) message.text = recorded.fields.text;
    if (recorded.fields.caption) message.caption = recorded.fields.caption;
    if (recorded.files.photo) message.photo = [{ file_id: `p${this.nextMessageId}`, file_unique_id: `up${this.nextMessageId}`, width: 1, height: 1, file_size: recorded.files.photo.size }];
    if (recorded.files.document) message.document = { file_id: `d${this.nextMessageId}`, file_unique_id: `ud${this.nextMessageId}`, file_name: recorded.files.document.name, mime_type: recorded.files.document.type, file_size: recorded.files.document.size };
    this.answer(res, 200, { ok: true, result: message });
  }
}

/** Posts an update to the hub's webhook as Telegram does (JSON, the secret token header). */
export function postUpdate(hubUrl: string, update: unknown, secret: string | null): Promise<Response> {
  return fetch(`${hubUrl}/webhooks/telegram`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret }) },
    body: typeof update === 'string' ? update : JSON.stringify(update),
  });
}
