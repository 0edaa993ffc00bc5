import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A fixture from tests/fixtures/email with {{PLACEHOLDERS}} filled in (bytes kept as they are). */
export function emailFixture(name: string, vars: Record<string, string> = {}): Buffer {
  let text = readFileSync(path.join(__dirname, '../fixtures/email', name), 'latin1');
  for (const [k, v] of Object.entries(vars)) text = text.replaceAll(`{{${k}}}`, v);
  return Buffer.from(text, 'latin1');
}

/** A loopback port nobody listens on right now (for servers whose port must be known before they start). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** A local SMTP server standing in for the outbound relay: it keeps every mail it is given, raw and parsed. */
export async function startSmtpSink(): Promise<{ port: number; mails: Array<{ raw: Buffer; parsed: ParsedMail; rcpt: string[] }>; close(): Promise<void> }> {
  const mails: Array<{ raw: Buffer; parsed: ParsedMail; rcpt: string[] }> = [];
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onAuth(_auth, _session, cb) { cb(null, { user: 'relay' }); },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw, { keepCidLinks: true }).then((parsed) => {
          mails.push({ raw, parsed, rcpt: session.envelope.rcptTo.map((r) => r.address) });
          cb();
        }, cb);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as net.AddressInfo).port;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
