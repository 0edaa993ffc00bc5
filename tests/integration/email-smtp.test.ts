import { randomBytes } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import { verifyToken } from '../../channels/email/threading';
import type { MessageView } from '../../src/domain/views';
import { createAgent } from '../../src/services/agents/agents';
import { emailFixture, freePort, startSmtpSink } from '../helpers/email';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { waitFor } from '../helpers/process';
import { drained } from '../helpers/queues';
import { collectionsOf } from '../../src/store/collections';

// The email channel end to end on a real hub: real SMTP sessions to our listener (nodemailer as the client), the
// real store and queues, and a local SMTP server as the relay receiving our replies.
const SECRET = randomBytes(32).toString('hex');
const MAX = 256 * 1024;
let hub: Awaited<ReturnType<typeof startTestHub>>;
let sink: Awaited<ReturnType<typeof startSmtpSink>>;
let client: Transporter;
let token = '';

beforeAll(async () => {
  sink = await startSmtpSink();
  const port = await freePort();
  hub = await startTestHub(testConfig('emailsmtp', {
    EMAIL_SMTP_PORT: String(port), EMAIL_SUPPORT_ADDRESSES: 'support@kanal.test, satis@kanal.test', EMAIL_MAX_BYTES: String(MAX),
    EMAIL_OUTBOUND_HOST: '127.0.0.1', EMAIL_OUTBOUND_PORT: String(sink.port), EMAIL_OUTBOUND_USER: 'relay', EMAIL_OUTBOUND_PASS: 'secret',
    EMAIL_FROM_ADDRESS: 'support@kanal.test', EMAIL_FROM_NAME: 'Kanal Destek', EMAIL_REPLY_DOMAIN: 'kanal.test', EMAIL_TOKEN_SECRET: SECRET,
  }));
  client = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  await createAgent(hub.deps.models, { email: 'ece@kanal.test', name: 'Ece Demir', password: 'parola-parola-1', role: 'admin', teamIds: [] });
  const res = await fetch(`${hub.url}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ece@kanal.test', password: 'parola-parola-1' }),
  });
  token = ((await res.json()) as { token: string }).token;
});
afterAll(async () => {
  client?.close();
  await hub?.stop();
  await sink?.close();
});

const api = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
  const res = await fetch(`${hub.url}/api${path}`, {
    method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as T };
};
const send = (raw: Buffer, to = 'support@kanal.test', from = 'someone@example.com') => client.sendMail({ envelope: { from, to: [to] }, raw });
const stored = (dedupeKey: string) => waitFor(() => collectionsOf(hub.deps.models).Message.findOne({ dedupeKey }).lean(), 15_000, dedupeKey);

test('three mails whose long Message-IDs differ only at their end are three messages, each answered 250 and stored', async () => {
  const stem = `${'a'.repeat(590)}`;
  const ids = ['1', '2', '3'].map((n) => `<${stem}${n}@uzun.example>`);
  for (const [i, id] of ids.entries()) {
    const raw = Buffer.from([
      'From: Uzun Kimlik <uzun@example.com>', 'To: support@kanal.test', `Subject: Uzun ${i}`, `Message-ID: ${id}`,
      'Date: Mon, 30 Nov 2026 09:00:00 +0300', 'Content-Type: text/plain; charset=utf-8', '', `Mesaj ${i}`, '',
    ].join('\r\n'));
    expect((await send(raw, 'support@kanal.test', 'uzun@example.com')).response).toMatch(/^250/);
  }
  const found = await waitFor(async () => {
    const docs = await collectionsOf(hub.deps.models).Message.find({ providerId: { $in: ids } }).lean();
    return docs.length === 3 ? docs : null;
  }, 15_000, 'three long-id mails');
  expect(found.map((d) => d.text).sort()).toEqual(['Mesaj 0', 'Mesaj 1', 'Mesaj 2']);
  expect(new Set(found.map((d) => d.dedupeKey)).size).toBe(3);
  expect(Math.max(...found.map((d) => d.dedupeKey.length))).toBeLessThanOrEqual(512);
});

test('mail in -> customer thread -> agent reply -> the relay gets a reply that threads; the customer answers into the same conversation', async () => {
  // 250 comes only once the message is queued, so it is in the store shortly after.
  const info = await send(emailFixture('gmail-tr-iso-8859-9.eml', { IN_REPLY_TO: '<unknown-earlier@example.com.tr>' }));
  expect(info.response).toMatch(/^250/);
  const inbound = await stored('email:<CAGmail-tr-1@mail.gmail.com>');

  const thread = await api<{ items: MessageView[] }>('GET', `/customers/${inbound.customerId}/thread`);
  expect(thread.status).toBe(200);
  const seen = thread.body.items.find((m) => m.id === String(inbound._id))!;
  expect(seen.text).toBe('Merhaba, siparişim hâlâ gelmedi. İade mümkün mü?\n\nAyşe');
  expect(seen.author.name).toBe('Ayşe Yılmaz');
  expect(seen.email?.quotedText).toContain('Siparişiniz kargoya verildi.');
  expect(seen.email?.messageId).toBe('<CAGmail-tr-1@mail.gmail.com>');
  expect(seen.html).toContain('İade mümkün mü?');

  // The agent answers with an attachment.
  const pdf = Buffer.from('%PDF-1.4\n% iade formu\n%%EOF\n');
  const up = await fetch(`${hub.url}/api/attachments?name=${encodeURIComponent('İade formu.pdf')}`, {
    method: 'POST', body: new Uint8Array(pdf), headers: { 'content-type': 'application/pdf', authorization: `Bearer ${token}` },
  });
  const key = ((await up.json()) as { storageKey: string }).storageKey;
  const reply = await api<MessageView>('POST', `/conversations/${inbound.conversationId}/reply`, { text: 'Merhaba Ayşe, iade formunu ekledim.', attachments: [key] });
  expect(reply.status).toBe(202);
  const mail = await waitFor(async () => sink.mails.find((m) => m.parsed.text?.includes('iade formunu ekledim')), 15_000, 'the reply at the relay');

  const ourId = `<kanal.${reply.body.id}@kanal.test>`;
  expect(mail.parsed.messageId).toBe(ourId);
  expect(mail.parsed.inReplyTo).toBe('<CAGmail-tr-1@mail.gmail.com>');
  expect([mail.parsed.references].flat()).toEqual(['<unknown-earlier@example.com.tr>', '<CAGmail-tr-1@mail.gmail.com>']);
  expect(mail.parsed.subject).toBe('Re: Siparişim nerede?');
  expect(mail.rcpt).toEqual(['ayse.yilmaz@example.com.tr']);
  expect(mail.parsed.from?.value[0]).toEqual({ address: 'support@kanal.test', name: 'Ece Demir (Kanal Destek)' });
  const replyTo = mail.parsed.replyTo!.value[0]!.address!;
  expect(replyTo).toMatch(/^support\+c[0-9a-f]{40}@kanal\.test$/);
  expect(verifyToken(replyTo.split('+')[1]!.split('@')[0]!, SECRET)).toBe(String(inbound.conversationId));
  expect(mail.parsed.attachments.map((a) => [a.filename, a.content.equals(pdf)])).toEqual([['İade formu.pdf', true]]);
  const sent = await waitFor(() => collectionsOf(hub.deps.models).Message.findOne({ _id: reply.body.id, 'delivery.status': 'sent' }).lean(), 15_000, 'sent');
  expect(sent.providerId).toBe(ourId);

  // The agent resolves; the customer's client answers to the Reply-To address: the same conversation reopens.
  expect((await api('POST', `/conversations/${inbound.conversationId}/status`, { status: 'resolved' })).status).toBe(200);
  const answer = [
    'From: =?UTF-8?B?QXnFn2UgWcSxbG1heg==?= <ayse.yilmaz@example.com.tr>', `To: ${replyTo}`, 'Subject: Re: Siparişim nerede?',
    'Message-ID: <CAGmail-tr-2@mail.gmail.com>', `In-Reply-To: ${ourId}`, `References: <CAGmail-tr-1@mail.gmail.com> ${ourId}`,
    'Date: Mon, 23 Nov 2026 12:00:00 +0300', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '',
    'Formu doldurdum, teşekkürler.', '', `23 Kas 2026 Pzt, 12:00 tarihinde Ece Demir <support@kanal.test> şunu yazdı:`, '> Merhaba Ayşe', '',
  ].join('\r\n');
  await send(Buffer.from(answer), replyTo);
  const second = await stored('email:<CAGmail-tr-2@mail.gmail.com>');
  expect(String(second.conversationId)).toBe(String(inbound.conversationId));
  expect(second.text).toBe('Formu doldurdum, teşekkürler.');
  const conv = await api<{ status: string }>('GET', `/conversations/${inbound.conversationId}`);
  expect(conv.body.status).toBe('open');
});

test('550 for recipients that are not ours, 552 above the size limit; nothing is stored for either', async () => {
  const raw = emailFixture('thunderbird-tr-utf8.eml');
  await expect(send(raw, 'random@kanal.test')).rejects.toMatchObject({ responseCode: 550 });
  await expect(send(raw, 'support@elsewhere.test')).rejects.toMatchObject({ responseCode: 550 });
  const big = Buffer.concat([raw.subarray(0, raw.indexOf('\r\n\r\n') + 4), Buffer.alloc(MAX + 10_000, 0x41)]);
  await expect(send(big)).rejects.toMatchObject({ responseCode: 552 });
  await drained([hub.deps.queues.inbound]); // anything let through would be queued before its answer
  expect(await collectionsOf(hub.deps.models).Message.countDocuments({ dedupeKey: 'email:<b3c4d5e6-thunderbird-1@example.org>' })).toBe(0);
  // The +tag form of a support address is ours too.
  await send(raw, 'satis+kampanya@kanal.test');
  const msg = await stored('email:<b3c4d5e6-thunderbird-1@example.org>');
  expect(msg.attachments.map((a) => a.name)).toEqual(['günlük kayıt.txt']);
  // Redelivery of the same Message-ID changes nothing.
  await send(raw);
  await drained([hub.deps.queues.inbound]); // a job for the copy would still be queued or running
  expect(await collectionsOf(hub.deps.models).Message.countDocuments({ dedupeKey: 'email:<b3c4d5e6-thunderbird-1@example.org>' })).toBe(1);
});

test('a bounce marks our message failed with the reason and opens no conversation with the mailer-daemon', async () => {
  await send(emailFixture('outlook-tr-windows-1254.eml'));
  const inbound = await stored('email:<AM0PR01MB1234outlook-tr@AM0PR01MB1234.eurprd01.prod.outlook.com>');
  expect(inbound.attachments).toEqual([expect.objectContaining({ name: 'Fatura_Şubat_İade.pdf', contentType: 'application/pdf' })]);
  const reply = await api<MessageView>('POST', `/conversations/${inbound.conversationId}/reply`, { text: 'Kontrol ediyoruz.' });
  await waitFor(() => collectionsOf(hub.deps.models).Message.findOne({ _id: reply.body.id, 'delivery.status': 'sent' }).lean(), 15_000, 'sent');
  const customers = await collectionsOf(hub.deps.models).Customer.countDocuments();

  await send(emailFixture('bounce-dsn.eml', { MESSAGE_ID: `<kanal.${reply.body.id}@kanal.test>`, BOUNCE_ID: '1' }), 'support@kanal.test', '');
  const failed = await waitFor(() => collectionsOf(hub.deps.models).Message.findOne({ _id: reply.body.id, 'delivery.status': 'failed' }).lean(), 15_000, 'failed');
  expect(failed.delivery?.error).toContain('User unknown');
  expect(await collectionsOf(hub.deps.models).Customer.countDocuments()).toBe(customers);
  expect(await collectionsOf(hub.deps.models).Identity.countDocuments({ address: /mailer-daemon/i })).toBe(0);
});

test('bad input is quarantined with a visible record for admins, never dropped or crashing the listener', async () => {
  await send(emailFixture('no-from.eml'));
  let nested = 'boom';
  for (let i = 40; i > 0; i--) nested = `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n${nested}\r\n--b${i}--`;
  await send(Buffer.from(`From: bomb@example.com\r\nSubject: nested\r\nMessage-ID: <bomb@example.com>\r\n${nested}\r\n`));
  await send(emailFixture('bounce-dsn.eml', { MESSAGE_ID: '<never-sent@kanal.test>', BOUNCE_ID: '2' }), 'support@kanal.test', '');

  const list = await waitFor(async () => {
    const res = await api<Array<{ reason: string; from?: string; subject?: string; source: string }>>('GET', '/admin/quarantine');
    return res.body.length >= 3 ? res.body : null;
  }, 15_000, 'three quarantine records');
  expect(list.map((q) => q.reason).sort()).toEqual([
    'MIME nesting too deep (40 multipart levels > 16)', 'bounce for a message we do not know', 'no From address',
  ]);
  expect(list.find((q) => q.reason === 'no From address')).toMatchObject({ subject: 'who am I', source: 'smtp' });
  expect(await collectionsOf(hub.deps.models).Message.countDocuments({ dedupeKey: { $in: ['email:<nofrom-1@example.net>', 'email:<bomb@example.com>'] } })).toBe(0);

  // Agents who are not admins do not see it.
  await createAgent(hub.deps.models, { email: 'can@kanal.test', name: 'Can', password: 'parola-parola-2', role: 'agent', teamIds: [] });
  const login = await fetch(`${hub.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'can@kanal.test', password: 'parola-parola-2' }) });
  const agentToken = ((await login.json()) as { token: string }).token;
  expect((await fetch(`${hub.url}/api/admin/quarantine`, { headers: { authorization: `Bearer ${agentToken}` } })).status).toBe(403);
});

test('an auto-reply is stored and shown as auto-submitted (the routing never answers it)', async () => {
  await send(emailFixture('auto-reply-tr.eml'));
  const msg = await stored('email:<ooo-mehmet-1@example.com.tr>');
  expect(msg.subject).toBe('Otomatik yanıt: Siparişiniz');
  expect(msg.email).toMatchObject({ autoSubmitted: true });
  expect(msg.threadHints).toMatchObject({ autoSubmitted: 'true' });
});
