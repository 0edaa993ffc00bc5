import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { InvalidPhoneNumberError, toE164 } from '../phone';
import { SessionUnavailableError, type OutgoingMedia, type WhatsAppSession } from './session';

/** What a worker asks the session process to send (POST /send). */
export interface ControlSend {
  to: string;
  text: string;
  attachments: Array<{ storageKey: string; name: string; contentType: string }>;
}

const MAX_BODY = 64 * 1024;

/**
 * The session process's control endpoint: workers send through it (the Chromium lives only here). Bound to a
 * local address and guarded by a bearer token (WWEBJS_CONTROL_TOKEN); media bytes are read from the store here.
 */
export async function serveControl(
  session: WhatsAppSession,
  opts: {
    host: string; port: number; token: string; defaultRegion: string; logger: Logger;
    openAttachment(key: string): Promise<{ stream: Readable; name: string; contentType: string } | null>;
  },
): Promise<{ url: string; close(): Promise<void> }> {
  const expected = Buffer.from(`Bearer ${opts.token}`);
  const server = http.createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const auth = Buffer.from(req.headers.authorization ?? '');
    if (auth.length !== expected.length || !timingSafeEqual(auth, expected)) return reply(401, { error: 'unauthorized' });
    if (req.method === 'GET' && req.url === '/status') return reply(200, session.status);
    if (req.method !== 'POST' || req.url !== '/send') return reply(404, { error: 'not found' });
    void (async () => {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const c of req) {
        size += (c as Buffer).length;
        if (size > MAX_BODY) return reply(413, { error: 'request too large' });
        chunks.push(c as Buffer);
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ControlSend;
      const media: OutgoingMedia[] = [];
      for (const a of body.attachments ?? []) {
        const file = await opts.openAttachment(a.storageKey);
        if (!file) return reply(422, { error: `attachment ${a.name} no longer exists` });
        const parts: Buffer[] = [];
        for await (const c of file.stream) parts.push(c as Buffer);
        media.push({ mimetype: file.contentType, data: Buffer.concat(parts), filename: file.name });
      }
      const providerId = await session.send(toE164(body.to, opts.defaultRegion), body.text ?? '', media);
      reply(200, { providerId });
    })().catch((err: unknown) => {
      if (err instanceof SessionUnavailableError) return reply(503, { error: err.message });
      if (err instanceof InvalidPhoneNumberError || err instanceof SyntaxError) return reply(422, { error: err.message });
      opts.logger.error({ err }, 'whatsapp send failed');
      reply(502, { error: `WhatsApp send failed: ${(err as Error).message}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port, opts.host, resolve));
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${opts.host}:${addr.port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
