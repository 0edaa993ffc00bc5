import nodemailer, { type Transporter } from 'nodemailer';
import type { InboundMessage } from '../../src/domain/messages';
import { enqueueInbound } from '../../src/queues';
import { resolveCustomer } from '../../src/services/identity/identity';
import { signedInAgent } from '../helpers/agent-api';
import { freePort, startSmtpSink } from '../helpers/email';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { webchatMessage } from '../helpers/messages';
import { waitFor } from '../helpers/process';
import { conversationModel } from '../../src/store/conversations';
import { collectionsOf } from '../../src/store/collections';

// The out-of-hours reply through the real pipeline: SMTP/web chat ingress -> inbound worker -> auto-reply ->
// outbound worker -> SMTP relay (a local sink). "Closed" is made with holidays on today's and tomorrow's date, since
// the hub runs on the real clock.
let hub: Awaited<ReturnType<typeof startTestHub>>;
let admin: Awaited<ReturnType<typeof signedInAgent>>;
let sink: Awaited<ReturnType<typeof startSmtpSink>>;
let client: Transporter;

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const fullWeek = Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [d, [{ start: '00:00', end: '24:00' }]]));
const closedNow = { timezone: 'UTC', week: fullWeek, holidays: [day(0), day(1)] };
const openNow = { timezone: 'UTC', week: fullWeek, holidays: [] };
const texts = {
  texts: { tr: 'Şu an mesai dışındayız; yarın döneceğiz.', en: 'We are closed now; we will answer tomorrow.' },
  channels: { email: { en: 'Thanks for your mail. Our office is closed; we will answer tomorrow.' } },
};

const m = () => hub.deps.models;
const autoReplies = (conversationId: unknown) => collectionsOf(m()).Message.find({ conversationId, direction: 'out', kind: 'message', 'author.type': 'system' }).lean();
/** Every inbound job (and so its after-ingest work) has completed. */
async function drained() {
  await waitFor(async () => {
    const c = await hub.deps.queues.inbound.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(c).every((n) => n === 0);
  }, 10_000, 'the inbound queue to drain');
}
async function webchat(visitor: string, text: string) {
  const msg: InboundMessage = webchatMessage(`${visitor}-${Date.now()}-${Math.random()}`, visitor, text);
  await enqueueInbound(hub.deps.queues, msg);
  await drained();
  const customer = await waitFor(() => collectionsOf(m()).Identity.findOne({ kind: 'webchat', address: visitor }).lean(), 5000, 'the visitor');
  return (await conversationModel(hub.deps.db).findOne({ customerId: customer.customerId }).lean())!;
}

beforeAll(async () => {
  sink = await startSmtpSink();
  const smtpPort = await freePort();
  hub = await startTestHub(testConfig('autoreply', {
    EMAIL_SMTP_PORT: String(smtpPort), EMAIL_SUPPORT_ADDRESSES: 'destek@kanal.test',
    EMAIL_OUTBOUND_HOST: '127.0.0.1', EMAIL_OUTBOUND_PORT: String(sink.port),
    EMAIL_FROM_ADDRESS: 'destek@kanal.test', EMAIL_FROM_NAME: 'Kanal Destek',
  }));
  client = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
  admin = await signedInAgent(hub, 'admin-ar@kanal.test', 'Admin', 'admin');
  expect((await admin.api('PUT', '/teams/default/calendar', closedNow)).status).toBe(200);
  expect((await admin.api('PUT', '/teams/default/auto-reply', texts)).status).toBe(200);
});
afterAll(async () => {
  client?.close();
  await hub?.stop();
  await sink?.close();
});

describe('out-of-hours reply', () => {
  test('sent once per closed period, in Turkish by default, through the outbound pipeline, and not counted as a response', async () => {
    const c = await webchat('visitor-ar-1', 'Merhaba, iade nasıl yapılır?');
    const [reply] = await waitFor(async () => { const r = await autoReplies(c._id); return r.length ? r : null; }, 5000, 'the auto-reply');
    expect(reply!.text).toBe(texts.texts.tr);
    await waitFor(async () => (await collectionsOf(m()).Message.findById(reply!._id).lean())?.delivery?.status === 'sent', 10_000, 'delivery');

    await webchat('visitor-ar-1', 'Orada kimse var mı?');
    expect(await autoReplies(c._id)).toHaveLength(1);
    const after = await conversationModel(hub.deps.db).findById(c._id).lean();
    expect(after!.firstResponseAt ?? null).toBeNull();
    expect(after!.waitingSince).toBeInstanceOf(Date);
  });

  test('never to an automatic email (Auto-Submitted); a person\'s email gets the email text in English, marked Auto-Submitted', async () => {
    await client.sendMail({
      from: 'Out Of Office <ooo@example.com>', to: 'destek@kanal.test', subject: 'Automatic reply: Siparişiniz',
      text: 'I am out of the office until Monday.', headers: { 'Auto-Submitted': 'auto-replied' },
    });
    await waitFor(() => collectionsOf(m()).Identity.findOne({ kind: 'email', address: 'ooo@example.com' }).lean(), 10_000, 'the automatic mail');
    await drained();
    const ooo = await collectionsOf(m()).Identity.findOne({ kind: 'email', address: 'ooo@example.com' }).lean();
    const oooConv = await conversationModel(hub.deps.db).findOne({ customerId: ooo!.customerId }).lean();
    expect(await autoReplies(oooConv!._id)).toHaveLength(0);

    // A known customer whose language is English (language detection is the routing work's; set it here).
    await resolveCustomer(m(), 'email', 'john@example.com', { name: 'John Smith', language: 'en' });
    await client.sendMail({
      from: 'John Smith <john@example.com>', to: 'destek@kanal.test', subject: 'Where is my order?',
      text: 'Hello, I ordered a jacket last week and it has not arrived yet. Could you please check the delivery status for me?',
    });
    const mail = await waitFor(async () => sink.mails.find((x) => x.rcpt.includes('john@example.com')), 15_000, 'the auto-reply mail');
    expect(mail.parsed.text?.trim()).toBe(texts.channels.email.en);
    expect(mail.parsed.headers.get('auto-submitted')).toBe('auto-replied');
    expect(sink.mails.filter((x) => x.rcpt.includes('ooo@example.com'))).toHaveLength(0);
  });

  test('not sent inside business hours', async () => {
    expect((await admin.api('PUT', '/teams/default/calendar', openNow)).status).toBe(200);
    const c = await webchat('visitor-ar-2', 'Merhaba!');
    expect(await collectionsOf(m()).Message.countDocuments({ conversationId: c._id })).toBe(1);
    expect(await autoReplies(c._id)).toHaveLength(0);
  });

  test('reply texts are validated with a clear message', async () => {
    const empty = await admin.api('PUT', '/teams/default/auto-reply', { texts: {} });
    expect(empty.status).toBe(400);
    expect(empty.body.error).toMatch(/at least one text/);
    expect((await admin.api('PUT', '/teams/default/auto-reply', { texts: { Türkçe: 'x' } })).body.error).toMatch(/languages are codes/);
    expect((await admin.api('PUT', '/teams/default/auto-reply', { texts: { tr: 'x' }, channels: { fax: { tr: 'x' } } })).status).toBe(400);
  });
});
