import { QueueEvents } from 'bullmq';
import nodemailer, { type Transporter } from 'nodemailer';
import { dedupeKeyOf } from '../../src/domain/messages';
import { jobIdFor, QueueNames } from '../../src/queues';
import { storeAttachment } from '../../src/services/ingest/attachments';
import { collectionsOf } from '../../src/store/collections';
import { signedInAgent } from '../helpers/agent-api';
import { freePort } from '../helpers/email';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { waitFor } from '../helpers/process';
import { inboundForm, signedPost, TwilioStandin } from '../helpers/twilio-standin';

// Issue 12, item 1: "acknowledged, then lost". Every ingress fits a message to the one inbound schema before it
// acknowledges it (src/domain/inbound-schema.ts): what is too long is cut with its original kept as a file, what
// cannot be stored is refused or quarantined; and no attachment file outlives the message it came with.
const standin = new TwilioStandin();
let hub: Awaited<ReturnType<typeof startTestHub>>;
let mail: Transporter;
let api: Awaited<ReturnType<typeof signedInAgent>>['api'];
let events: QueueEvents;
const MAX_ATTACHMENT = 64 * 1024;

beforeAll(async () => {
  await standin.start();
  const smtpPort = await freePort();
  hub = await startTestHub(testConfig('inboundfit', {
    TWILIO_ACCOUNT_SID: standin.accountSid, TWILIO_AUTH_TOKEN: standin.authToken, TWILIO_API_BASE: standin.url,
    TWILIO_FROM_NUMBER: '+908501234567', EMAIL_SMTP_PORT: String(smtpPort), EMAIL_SUPPORT_ADDRESSES: 'support@kanal.test',
    ATTACHMENT_MAX_BYTES: String(MAX_ATTACHMENT),
  }));
  mail = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
  ({ api } = await signedInAgent(hub, 'yonetici@kanal.test', 'Yönetici', 'admin'));
  events = new QueueEvents(QueueNames.inbound, { connection: { url: hub.deps.config.REDIS_URL }, prefix: hub.deps.config.QUEUE_PREFIX });
  await events.waitUntilReady();
});
afterAll(async () => {
  await events?.close();
  mail?.close();
  await hub?.stop();
  await standin.stop();
});

const messages = () => collectionsOf(hub.deps.models).Message;
const files = (name: RegExp) => hub.deps.db.collection('attachments.files').countDocuments({ filename: name });
const fileText = async (key: string) => {
  const f = await hub.deps.blobs.open(key);
  const chunks: Buffer[] = [];
  for await (const c of f!.stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};
const sms = async (form: Record<string, string>) => {
  const res = await signedPost(`${hub.url}/webhooks/twilio/messages`, form, standin.authToken);
  return res.status;
};
const smtp = async (lines: string[], from = 'gonderen@example.com') =>
  (await mail.sendMail({ envelope: { from, to: ['support@kanal.test'] }, raw: Buffer.from(lines.join('\r\n')) })).response;
const stored = (dedupeKey: string) => waitFor(() => messages().findOne({ dedupeKey }).lean(), 15_000, dedupeKey);

test('a Twilio ProfileName over 200 characters and an SMS body over 100,000: 200, stored cut, the originals kept as files', async () => {
  const name = `Ayşe ${'Yılmazoğlu'.repeat(40)}`; // 405 characters
  const whatsapp = inboundForm(standin, 'whatsapp:+905321119001', 'Merhaba', { WaId: '905321119001', ProfileName: name });
  expect(await sms(whatsapp)).toBe(200);
  const wa = await stored(`whatsapp:${whatsapp.MessageSid}`);
  expect(wa.author?.name).toBe(name.slice(0, 200));
  const original = wa.attachments.find((a) => a.name === 'original-sender-name.txt');
  expect(await fileText(original!.storageKey!)).toBe(name);

  const body = 'Merhaba dunya '.repeat(10_000); // 140,000 characters (Twilio's form stays under our 256 kB limit)
  const long = inboundForm(standin, '+905321119002', body);
  expect(await sms(long)).toBe(200);
  const msg = await stored(`sms:${long.MessageSid}`);
  expect(msg.text).toBe(body.slice(0, 100_000));
  expect(await fileText(msg.attachments.find((a) => a.name === 'original-body.txt')!.storageKey!)).toBe(body);
});

test('mail with a Date past year 9999, a Message-ID and In-Reply-To over 998 characters, an attachment type over 255: 250 and stored', async () => {
  const longId = `<${'m'.repeat(1200)}@uzun.example>`;
  const response = await smtp([
    'From: Tarih <tarih@example.com>', 'To: support@kanal.test', 'Subject: Gelecekten', `Message-ID: ${longId}`,
    `In-Reply-To: <${'r'.repeat(1100)}@uzun.example>`, 'Date: Fri, 01 Jan 10000 00:00:00 +0000', 'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="sinir"', '', '--sinir', 'Content-Type: text/plain; charset=utf-8', '', 'Ekte belge var.',
    '--sinir', `Content-Type: application/vnd.${'x'.repeat(300)}; name="belge.bin"`, 'Content-Disposition: attachment; filename="belge.bin"',
    'Content-Transfer-Encoding: base64', '', Buffer.from('belge içeriği').toString('base64'), '--sinir--', '',
  ], 'tarih@example.com');
  expect(response).toMatch(/^250/);
  const msg = await stored(dedupeKeyOf('email', longId));
  expect(msg.text).toBe('Ekte belge var.');
  expect(Math.abs(new Date(msg.sentAt!).getTime() - Date.now())).toBeLessThan(60_000); // counted as received now
  const byName = new Map(msg.attachments.map((a) => [a.name, a]));
  expect(byName.get('belge.bin')?.contentType).toBe('application/octet-stream');
  expect(await fileText(byName.get('original-message-id.txt')!.storageKey!)).toBe(longId);
  expect(byName.has('original-in-reply-to.txt')).toBe(true);
  expect(byName.has('original-date.txt')).toBe(true);
});

test('a From address over 320 characters cannot be a customer: 250, quarantined and visible to admins, never lost', async () => {
  const from = `${'k'.repeat(330)}@example.com`;
  expect(await smtp(['From: <' + from + '>', 'To: support@kanal.test', 'Subject: Uzun gönderen', 'Message-ID: <uzun-gonderen@example.com>', '', 'Merhaba', ''], 'x@example.com')).toMatch(/^250/);
  // The 250 came after the quarantine record was written.
  const list = await api<Array<{ reason: string; from?: string; subject?: string }>>('GET', '/admin/quarantine');
  expect(list.body.find((q) => q.subject === 'Uzun gönderen')).toMatchObject({ reason: expect.stringMatching(/from\.address/), from: from.slice(0, 320) });
});

test('no attachment file outlives its message: a redelivered mail, a mail refused half way, a job that failed for good', async () => {
  const raw = (id: string, parts: { name: string; bytes: number }[]) => [
    'From: Ek <ek@example.com>', 'To: support@kanal.test', `Subject: Ek ${id}`, `Message-ID: <${id}@example.com>`, 'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b"', '', '--b', 'Content-Type: text/plain', '', 'ekler', ...parts.flatMap((p) => [
      '--b', `Content-Type: application/pdf; name="${p.name}"`, `Content-Disposition: attachment; filename="${p.name}"`,
      'Content-Transfer-Encoding: base64', '', Buffer.alloc(p.bytes, 7).toString('base64'),
    ]), '--b--', '',
  ];
  // The same mail twice (the relay retried): one message, one file. The second copy is refused by the queue at once.
  const twice = raw('ek-iki-kez', [{ name: 'iki-kez.pdf', bytes: 1000 }]);
  expect(await smtp(twice, 'ek@example.com')).toMatch(/^250/);
  expect(await smtp(twice, 'ek@example.com')).toMatch(/^250/);
  await stored('email:<ek-iki-kez@example.com>');
  expect(await files(/^iki-kez\.pdf$/)).toBe(1);
  // ... and again a day later (the job long gone): the worker finds it stored and removes the new copy.
  const first = (await hub.deps.queues.inbound.getJob(jobIdFor('email:<ek-iki-kez@example.com>')))!;
  await first.waitUntilFinished(events, 15_000);
  await first.remove();
  const finished = new Promise<void>((resolve) => events.on('completed', ({ jobId }) => { if (jobId === jobIdFor('email:<ek-iki-kez@example.com>')) resolve(); }));
  expect(await smtp(twice, 'ek@example.com')).toMatch(/^250/);
  await finished;
  expect(await files(/^iki-kez\.pdf$/)).toBe(1);

  // The second attachment is over the limit: 552, and the first one is not left behind.
  await expect(smtp(raw('ek-buyuk', [{ name: 'ilk.pdf', bytes: 1000 }, { name: 'buyuk.pdf', bytes: MAX_ATTACHMENT + 1 }]), 'ek@example.com')).rejects.toThrow(/552/);
  expect(await files(/^(ilk|buyuk)\.pdf$/)).toBe(0);

  // A job that can never succeed (queued by an older hub, not fitted): failed for good, its file removed.
  const file = await storeAttachment(hub.deps.blobs, { name: 'yetim.pdf', contentType: 'application/pdf', data: Buffer.from('%PDF-1.4') }, MAX_ATTACHMENT);
  const jobId = jobIdFor('email:x');
  const failed = new Promise<void>((resolve) => events.on('failed', (e) => { if (e.jobId === jobId) resolve(); }));
  await hub.deps.queues.inbound.add('ingest', { message: {
    channel: 'email', dedupeKey: 'email:x', from: { address: 'a'.repeat(400) }, text: 'x', attachments: [file], sentAt: new Date().toISOString(),
  } }, { jobId });
  await failed;
  await waitFor(async () => (await files(/^yetim\.pdf$/)) === 0, 10_000, 'the failed job\'s file to be removed');
  expect(await messages().countDocuments({ dedupeKey: 'email:x' })).toBe(0);
});
