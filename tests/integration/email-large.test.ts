import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, watch, type FSWatcher } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import { jobIdFor } from '../../src/queues';
import { collectionsOf } from '../../src/store/collections';
import { freePort } from '../helpers/email';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { waitFor } from '../helpers/process';

// Large mails on a real hub: spooled to a file past EMAIL_SPOOL_MEMORY_BYTES (never held whole in memory), stored
// intact, the spool removed before the answer; at most EMAIL_LARGE_MAILS_AT_ONCE at once (452 at MAIL FROM for a
// declared SIZE= beyond it); 552 over EMAIL_MAX_BYTES. Every 250 is followed by the stored message.
const MAX = 4 * 1024 * 1024;
const MEMORY = 64 * 1024;
const spoolDir = mkdtempSync(path.join(os.tmpdir(), 'kanal-spool-test-'));
let hub: Awaited<ReturnType<typeof startTestHub>>;
let port = 0;
let client: Transporter;
let watcher: FSWatcher;
const spoolEntries = new Set<string>(); // every name that appeared in the spool dir

beforeAll(async () => {
  port = await freePort();
  hub = await startTestHub(testConfig('emaillarge', {
    EMAIL_SMTP_PORT: String(port), EMAIL_SUPPORT_ADDRESSES: 'support@kanal.test', EMAIL_MAX_BYTES: String(MAX),
    EMAIL_SPOOL_MEMORY_BYTES: String(MEMORY), EMAIL_SPOOL_DIR: spoolDir, EMAIL_LARGE_MAILS_AT_ONCE: '1',
  }));
  client = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  watcher = watch(spoolDir, (_event, name) => { if (name) spoolEntries.add(String(name)); });
});
afterAll(async () => {
  watcher?.close();
  client?.close();
  await hub?.stop();
  rmSync(spoolDir, { recursive: true, force: true });
});

const Message = () => collectionsOf(hub.deps.models).Message;
const stored = (id: string) => waitFor(() => Message().findOne({ dedupeKey: `email:<${id}>` }).lean(), 15_000, id);

/** A customer mail with one binary attachment, as raw bytes (base64 in lines of 76). */
function mailWith(id: string, attachment: Buffer): Buffer {
  const b64 = attachment.toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from([
    'From: Büyük Dosya <buyuk@example.com.tr>', 'To: support@kanal.test', `Subject: Rapor ${id}`, `Message-ID: <${id}>`,
    'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="sinir"', '',
    '--sinir', 'Content-Type: text/plain; charset=utf-8', '', 'Raporu ekte gönderiyorum.', '',
    '--sinir', 'Content-Type: application/octet-stream; name="rapor.bin"', 'Content-Disposition: attachment; filename="rapor.bin"',
    'Content-Transfer-Encoding: base64', '', b64, '--sinir--', '',
  ].join('\r\n'));
}

async function storedBytes(storageKey: string): Promise<Buffer> {
  const file = await hub.deps.blobs.open(storageKey);
  const chunks: Buffer[] = [];
  for await (const c of file!.stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** A hand-driven SMTP session: each command resolves with the server's (last) reply line. */
async function smtpSession() {
  const socket = net.connect(port, '127.0.0.1');
  let buffer = '';
  const waiting: Array<(line: string) => void> = [];
  socket.on('data', (d) => {
    buffer += d.toString('latin1');
    let at: number;
    while ((at = buffer.indexOf('\r\n')) !== -1) {
      const line = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
      if (/^\d{3} /.test(line)) waiting.shift()?.(line); // the last line of a (multi-line) reply
    }
  });
  const reply = () => new Promise<string>((resolve) => waiting.push(resolve));
  const greeting = reply();
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  await greeting;
  const command = (line: string) => { const r = reply(); socket.write(`${line}\r\n`); return r; };
  await command('EHLO test.example');
  return {
    command,
    /** The mail's bytes (dot-stuffed) and the final dot; resolves with the answer to the data. */
    data: (raw: Buffer) => {
      const r = reply();
      socket.write(Buffer.concat([Buffer.from(raw.toString('latin1').replace(/^\./gm, '..'), 'latin1'), Buffer.from('\r\n.\r\n')]));
      return r;
    },
    write: (bytes: Buffer) => socket.write(bytes),
    destroy: () => new Promise<void>((resolve) => { socket.once('close', () => resolve()); socket.destroy(); }),
    quit: async () => { await command('QUIT'); socket.destroy(); },
  };
}

test('a mail above the in-memory threshold is spooled to a file, stored intact, and the file is gone once 250 is answered', async () => {
  const attachment = randomBytes(1024 * 1024);
  const info = await client.sendMail({ envelope: { from: 'buyuk@example.com.tr', to: ['support@kanal.test'] }, raw: mailWith('large-1@example.com.tr', attachment) });
  expect(info.response).toMatch(/^250/);
  // It went through a scratch directory of the spool, and nothing of it is left.
  expect([...spoolEntries].some((name) => name.startsWith('kanal-mail-'))).toBe(true);
  expect(readdirSync(spoolDir)).toEqual([]);

  const msg = await stored('large-1@example.com.tr');
  expect(msg.text).toBe('Raporu ekte gönderiyorum.');
  expect(msg.attachments).toEqual([expect.objectContaining({ name: 'rapor.bin', size: attachment.length })]);
  expect((await storedBytes(msg.attachments[0]!.storageKey!)).equals(attachment)).toBe(true);
});

test('over EMAIL_MAX_BYTES: 552 after the data, nothing stored, nothing left in the spool', async () => {
  const raw = mailWith('too-large@example.com.tr', randomBytes(Math.ceil(MAX * 0.8)));
  expect(raw.length).toBeGreaterThan(MAX);
  await expect(client.sendMail({ envelope: { from: 'buyuk@example.com.tr', to: ['support@kanal.test'] }, raw })).rejects.toMatchObject({ responseCode: 552 });
  expect(readdirSync(spoolDir)).toEqual([]);
  // A mail is queued before its 250, so one that was queued is in the queue or already stored: it is neither.
  expect(await hub.deps.queues.inbound.getJob(jobIdFor('email:<too-large@example.com.tr>'))).toBeUndefined();
  expect(await Message().countDocuments({ dedupeKey: 'email:<too-large@example.com.tr>' })).toBe(0);
});

test('beyond EMAIL_LARGE_MAILS_AT_ONCE a client declaring a large SIZE gets 452 at MAIL FROM, and its retry succeeds', async () => {
  const first = mailWith('first-large@example.com.tr', randomBytes(512 * 1024));
  const second = mailWith('second-large@example.com.tr', randomBytes(512 * 1024));
  const a = await smtpSession();
  try {
    // A holds the one slot from its MAIL FROM on.
    expect(await a.command(`MAIL FROM:<a@example.com.tr> SIZE=${first.length}`)).toMatch(/^250/);
    expect(await a.command('RCPT TO:<support@kanal.test>')).toMatch(/^250/);

    const send = () => client.sendMail({ envelope: { from: 'buyuk@example.com.tr', to: ['support@kanal.test'], size: second.length }, raw: second });
    await expect(send()).rejects.toMatchObject({ responseCode: 452, response: expect.stringMatching(/try again later/) });
    // A small mail is not held back meanwhile.
    await client.sendMail({ envelope: { from: 'buyuk@example.com.tr', to: ['support@kanal.test'] }, raw: mailWith('small-meanwhile@example.com.tr', randomBytes(100)) });
    await stored('small-meanwhile@example.com.tr');

    expect(await a.command('DATA')).toMatch(/^354/);
    expect(await a.data(first)).toMatch(/^250/);
    await stored('first-large@example.com.tr');
    // The slot is free again: the retry goes through.
    expect((await send()).response).toMatch(/^250/);
    await stored('second-large@example.com.tr');
  } finally {
    await a.quit();
  }
  expect(readdirSync(spoolDir)).toEqual([]);
});

test('a client that disconnects in the middle of a large mail leaves no spool, no message and no slot taken', async () => {
  const raw = mailWith('cut-off@example.com.tr', randomBytes(512 * 1024));
  const a = await smtpSession();
  expect(await a.command(`MAIL FROM:<a@example.com.tr> SIZE=${raw.length}`)).toMatch(/^250/);
  expect(await a.command('RCPT TO:<support@kanal.test>')).toMatch(/^250/);
  expect(await a.command('DATA')).toMatch(/^354/);
  a.write(raw.subarray(0, 300 * 1024)); // past the memory threshold: spooling to a file
  await waitFor(async () => readdirSync(spoolDir).length > 0, 10_000, 'the spool file');
  await a.destroy();
  await waitFor(async () => readdirSync(spoolDir).length === 0, 10_000, 'the spool removed');
  expect(await hub.deps.queues.inbound.getJob(jobIdFor('email:<cut-off@example.com.tr>'))).toBeUndefined();

  // Its slot was given back: another large mail declared at once is taken.
  const next = mailWith('after-cut-off@example.com.tr', randomBytes(512 * 1024));
  const info = await client.sendMail({ envelope: { from: 'buyuk@example.com.tr', to: ['support@kanal.test'], size: next.length }, raw: next });
  expect(info.response).toMatch(/^250/);
  await stored('after-cut-off@example.com.tr');
  expect(await Message().countDocuments({ dedupeKey: 'email:<cut-off@example.com.tr>' })).toBe(0);
});
