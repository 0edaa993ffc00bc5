import { Types } from 'mongoose';
import type { Job } from 'bullmq';
import { enqueueInbound } from '../../src/queues';
import { csatJobId, fireCsatJob } from '../../src/services/csat/csat';
import { CSAT_TEMPLATE } from '../../src/services/csat/survey-senders';
import { signSurveyToken, surveySecret, SURVEY_LINK_RE } from '../../src/services/csat/survey-link';
import { WINDOW_MS } from '../../channels/whatsapp/window';
import { flushMetrics } from '../../src/services/metrics/metrics-buckets';
import { collectionsOf } from '../../src/store/collections';
import { signedInAgent } from '../helpers/agent-api';
import { startSmtpSink } from '../helpers/email';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { emailMessage } from '../helpers/messages';
import { freePort, waitFor } from '../helpers/process';
import { inboundForm, signedPost, TwilioStandin } from '../helpers/twilio-standin';

// Satisfaction surveys through the real hub: resolve -> survey job (sla queue) -> outbound worker -> Twilio stand-in
// or SMTP sink; answers through the signed survey page and SMS/WhatsApp replies; facts -> report buckets.
const PUBLIC_URL = 'https://kanal.example.com';
const TEMPLATE_SID = 'HX' + 'c'.repeat(32);
const standin = new TwilioStandin();
let hub: Awaited<ReturnType<typeof startTestHub>>;
let sink: Awaited<ReturnType<typeof startSmtpSink>>;
let admin: Awaited<ReturnType<typeof signedInAgent>>;
let agent: Awaited<ReturnType<typeof signedInAgent>>;

const db = () => collectionsOf(hub.deps.models);
const local = (url: string) => url.replace(PUBLIC_URL, hub.url!);
const survey = (conversationId: unknown) => db().Csat.findById(conversationId).lean();

beforeAll(async () => {
  await standin.start();
  sink = await startSmtpSink();
  hub = await startTestHub(testConfig('csat', {
    PORT: String(await freePort()), PUBLIC_URL, TWILIO_ACCOUNT_SID: standin.accountSid, TWILIO_AUTH_TOKEN: standin.authToken,
    TWILIO_API_BASE: standin.url, TWILIO_FROM_NUMBER: '+908501234567', TWILIO_WHATSAPP_FROM: '+908501234568',
    WHATSAPP_TEMPLATES: JSON.stringify({ [CSAT_TEMPLATE]: { contentSid: TEMPLATE_SID, variables: ['customer', 'link'], preview: 'Merhaba {{1}}, bizi değerlendirir misiniz? {{2}}' } }),
    EMAIL_SUPPORT_ADDRESSES: 'destek@kanal.test', EMAIL_OUTBOUND_HOST: '127.0.0.1', EMAIL_OUTBOUND_PORT: String(sink.port),
    EMAIL_FROM_ADDRESS: 'destek@kanal.test', EMAIL_FROM_NAME: 'Kanal Destek', CSAT_LINK_SECRET: 'k'.repeat(40),
  }));
  standin.reach = (url) => local(url);
  admin = await signedInAgent(hub, 'admin-csat@kanal.test', 'Admin', 'admin');
  agent = await signedInAgent(hub, 'ali-csat@kanal.test', 'Ali', 'agent');
});
afterAll(async () => {
  await hub?.stop();
  await standin.stop();
  await sink?.close();
});

/** A phone message through the signed Twilio webhook; resolves once the inbound job finished (stored or handled). */
async function phone(from: string, body: string, extra: Record<string, string> = {}) {
  const form = inboundForm(standin, from, body, extra);
  const res = await signedPost(`${hub.url}/webhooks/twilio/messages`, form, standin.authToken, `${PUBLIC_URL}/webhooks/twilio/messages`);
  expect(res.status).toBe(200);
  const jobs = await hub.deps.queues.inbound.getJobs(['completed', 'failed', 'waiting', 'active', 'delayed']);
  const job = jobs.find((j) => (j.data.message.providerId ?? '') === form.MessageSid);
  await waitFor(async () => ['completed', 'failed'].includes(await hub.deps.queues.inbound.getJobState(job!.id!)), 10_000, 'the inbound job');
  return form;
}
const storedIn = (providerId: string | undefined) => db().Message.findOne({ providerId, direction: 'in' }).lean();
const resolve = async (conversationId: unknown) =>
  expect((await admin.api('POST', `/conversations/${String(conversationId)}/status`, { status: 'resolved' })).status).toBe(200);
const surveyMessages = (conversationId: unknown) => db().Message.find({ conversationId, 'threadHints.csat': { $exists: true } }).lean();
const sentTo = (to: string) => standin.sent.filter((s) => s.form.To === to);
const events = (conversationId: unknown) => db().Message.find({ conversationId, kind: 'event' }).lean();

describe('SMS and WhatsApp', () => {
  test('an SMS survey is answered by replying "5", which neither becomes a message nor reopens the conversation; a word changes it', async () => {
    const { MessageSid } = await phone('+905321119001', 'Kargom hâlâ gelmedi, yardım eder misiniz?');
    const first = (await waitFor(() => storedIn(MessageSid)))!;
    await resolve(first.conversationId);
    const asked = await waitFor(async () => { const s = await survey(first.conversationId); return s?.status === 'asked' ? s : null; });
    expect(asked).toMatchObject({ channel: 'sms', replyKey: 'phone:+905321119001', language: 'tr' });
    const sms = await waitFor(async () => sentTo('+905321119001')[0]);
    expect(sms.form.Body).toMatch(/1 \(kötü\) ile 5 \(çok iyi\)/);

    const five = await phone('+905321119001', '5');
    expect(await storedIn(five.MessageSid)).toBeNull();
    expect(await survey(first.conversationId)).toMatchObject({ status: 'answered', score: 5, via: 'sms' });
    expect((await db().Conversation.findById(first.conversationId).lean())!.status).toBe('resolved');
    expect((await events(first.conversationId)).map((e) => e.text).join('\n')).toMatch(/rated the conversation: 5\/5/);

    await phone('+905321119001', 'çok kötü');
    expect(await survey(first.conversationId)).toMatchObject({ score: 1, rev: 2 });
    // An ordinary message is still a message (and reopens the conversation, as any message does).
    const other = await phone('+905321119001', 'Bir sorum daha var aslında');
    expect(await storedIn(other.MessageSid)).toBeTruthy();
  });

  test('WhatsApp inside the 24-hour window asks in free text; outside it, the csat template goes out instead', async () => {
    const inside = await phone('whatsapp:+905321119002', 'Merhaba, iade süreci nasıl?', { WaId: '905321119002' });
    const c1 = (await waitFor(() => storedIn(inside.MessageSid)))!;
    await resolve(c1.conversationId);
    const free = await waitFor(async () => sentTo('whatsapp:+905321119002')[0]);
    expect(free.form.Body).toMatch(/1 \(kötü\) ile 5/);
    expect(free.form.ContentSid).toBeUndefined();

    const outside = await phone('whatsapp:+905321119003', 'Merhaba, dün yazmıştım', { WaId: '905321119003', ProfileName: 'Işıl' });
    const c2 = (await waitFor(() => storedIn(outside.MessageSid)))!;
    // (through the driver: mongoose treats createdAt as immutable) the last message is just past the window
    await db().Message.collection.updateOne({ _id: c2._id }, { $set: { createdAt: new Date(Date.now() - WINDOW_MS - 1000) } });
    await resolve(c2.conversationId);
    const template = await waitFor(async () => sentTo('whatsapp:+905321119003')[0]);
    expect(template.form.ContentSid).toBe(TEMPLATE_SID);
    expect(JSON.parse(String(template.form.ContentVariables))).toMatchObject({ 1: 'Işıl', 2: expect.stringMatching(SURVEY_LINK_RE) });
    // The reply to the template answers it too.
    await phone('whatsapp:+905321119003', '4', { WaId: '905321119003' });
    expect(await survey(c2.conversationId)).toMatchObject({ status: 'answered', score: 4, via: 'whatsapp' });
  });

  test('the one reminder is a delayed job: sent once when it fires, never again, and not after an answer', async () => {
    const { MessageSid } = await phone('+905321119004', 'Fatura adresimi değiştirmek istiyorum');
    const c = (await waitFor(() => storedIn(MessageSid)))!;
    await resolve(c.conversationId);
    await waitFor(async () => (await survey(c.conversationId))?.status === 'asked');
    const job = (await waitFor(() => hub.deps.queues.sla.getJob(csatJobId('reminder', String(c.conversationId))))) as Job;
    expect(job.opts.delay).toBe(24 * 3600_000);
    expect(await job.getState()).toBe('delayed');
    await job.promote();
    await waitFor(async () => (await surveyMessages(c.conversationId)).length === 2, 10_000, 'the reminder');
    await waitFor(async () => sentTo('+905321119004').length === 2);
    // Firing again (a duplicate job, a retry) sends nothing more.
    const ctx = { models: hub.deps.models, events: hub.deps.events, queues: hub.deps.queues };
    expect(await fireCsatJob(ctx, { conversationId: String(c.conversationId), kind: 'csat_reminder', dueAt: Date.now() })).toBe('stale');
    expect(await surveyMessages(c.conversationId)).toHaveLength(2);
    expect(sentTo('+905321119004')).toHaveLength(2);
    expect((await survey(c.conversationId))!.remindedAt).toBeInstanceOf(Date);
  });

  test('an answered survey gets no reminder', async () => {
    const { MessageSid } = await phone('+905321119005', 'Şifremi unuttum');
    const c = (await waitFor(() => storedIn(MessageSid)))!;
    await resolve(c.conversationId);
    await waitFor(async () => (await survey(c.conversationId))?.status === 'asked');
    await phone('+905321119005', 'iyi');
    const ctx = { models: hub.deps.models, events: hub.deps.events, queues: hub.deps.queues };
    expect(await fireCsatJob(ctx, { conversationId: String(c.conversationId), kind: 'csat_reminder', dueAt: Date.now() })).toBe('stale');
    expect(await surveyMessages(c.conversationId)).toHaveLength(1);
  });
});

describe('email survey link', () => {
  let conversationId = '';
  let link = '';
  test('the survey mail carries a signed link to a page in the customer language; answers are stored and change within 24 hours', async () => {
    const msg = emailMessage(`csat-${Date.now()}`, 'zeynep@example.com', 'Merhaba, siparişim hâlâ gelmedi, yardımcı olur musunuz?');
    await enqueueInbound(hub.deps.queues, msg);
    const stored = (await waitFor(() => db().Message.findOne({ dedupeKey: msg.dedupeKey }).lean()))!;
    conversationId = String(stored.conversationId);
    expect((await agent.api('POST', `/conversations/${conversationId}/assign`, { assigneeId: agent.id })).status).toBe(200);
    await resolve(conversationId);
    const mail = await waitFor(async () => sink.mails.find((m) => m.rcpt.includes('zeynep@example.com')));
    expect(mail.parsed.subject).toBe('Nasıldık?');
    link = local(PUBLIC_URL + SURVEY_LINK_RE.exec(mail.parsed.text ?? '')![0]);
    expect(mail.parsed.text).toContain(PUBLIC_URL + '/csat/s/');

    const page = await fetch(link);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Görüşmemizi nasıl değerlendirirsiniz?');
    expect(html).toContain('name="viewport"');
    expect(await (await fetch(`${link}?lang=en`)).text()).toContain('How would you rate our conversation?');

    const form = await fetch(link, { method: 'POST', body: new URLSearchParams({ score: '2', comment: 'Geç kaldı' }) });
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('Teşekkürler');
    expect(await survey(conversationId)).toMatchObject({ status: 'answered', score: 2, comment: 'Geç kaldı', via: 'email' });
    const changed = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ score: 5 }) });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({ score: 5, comment: null });
    // The agent sees it on the conversation and the customer's profile.
    expect((await agent.api('GET', `/conversations/${conversationId}/csat`)).body).toMatchObject({ score: 5, status: 'answered' });
    const profile = await agent.api('GET', `/customers/${String(stored.customerId)}/csat`);
    expect(profile.body).toMatchObject({ answered: 1, avgScore: 5, csat: 1 });
    const thread = (await events(conversationId)).map((e) => e.text);
    expect(thread.some((t) => /rated the conversation: 2\/5.*Geç kaldı/.test(t))).toBe(true);
    expect(thread.some((t) => /changed their rating: 5\/5/.test(t))).toBe(true);
  });

  test('a rating outside 1-5 is refused with 400 and nothing changes', async () => {
    const res = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ score: 9 }) });
    expect(res.status).toBe(400);
    expect((await survey(conversationId))!.score).toBe(5);
  });

  test('a tampered link is refused (400), an expired one is gone (410)', async () => {
    const [body, sig] = link.slice(link.lastIndexOf('/') + 1).split('.') as [string, string];
    const other = Buffer.from(JSON.stringify({ c: new Types.ObjectId().toHexString(), e: Date.now() + 3600_000 })).toString('base64url');
    const base = link.slice(0, link.lastIndexOf('/') + 1);
    for (const bad of [`${other}.${sig}`, `${body}.${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`, `${body}`]) {
      const res = await fetch(base + bad, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ score: 1 }) });
      expect(res.status).toBe(400);
    }
    const expired = signSurveyToken(surveySecret(hub.deps.config), conversationId, new Date(Date.now() - 1000));
    const gone = await fetch(base + expired);
    expect(gone.status).toBe(410);
    expect(await gone.text()).toContain('süresi doldu');
    expect((await survey(conversationId))!.score).toBe(5);
  });

  test('24 hours after the first answer it can no longer be changed', async () => {
    await db().Csat.collection.updateOne({ _id: new Types.ObjectId(conversationId) }, { $set: { firstAnsweredAt: new Date(Date.now() - 24 * 3600_000 - 1000) } });
    const res = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ score: 1 }) });
    expect(res.status).toBe(409);
    expect((await survey(conversationId))!.score).toBe(5);
  });

  test('reports: CSAT % and response rate by channel and agent come from the buckets', async () => {
    await waitFor(() => flushMetrics(hub.deps.models, hub.deps.redis, hub.deps.config.QUEUE_PREFIX), 10_000, 'the metrics flusher lock');
    const range = `from=${new Date(Date.now() - 2 * 86_400_000).toISOString()}&to=${new Date(Date.now() + 86_400_000).toISOString()}`;
    const byAgent = await admin.api('GET', `/reports/summary?${range}&agentId=${agent.id}`);
    expect(byAgent.status).toBe(200);
    // One email survey for Ali: answered 2, then changed to 5 (counted once, as satisfied).
    expect(byAgent.body.csat).toEqual({ asked: 1, answered: 1, satisfied: 1, csat: 1, responseRate: 1, avgScore: 5 });
    const email = await admin.api('GET', `/reports/summary?${range}&channel=email`);
    expect(email.body.csat).toMatchObject({ asked: 1, answered: 1, satisfied: 1 });
  });
});

describe('settings', () => {
  test('a team asking NPS as the second question gets it on the survey page, stored with the rating', async () => {
    const team = (await admin.api('POST', '/teams', { name: 'NPS ekibi' })).body as { id: string };
    expect((await admin.api('PUT', `/teams/${team.id}/csat`, { secondQuestion: 'nps' })).status).toBe(200);
    const msg = emailMessage(`csat-nps-${Date.now()}`, 'mert@example.com', 'Merhaba, faturamda bir hata var gibi görünüyor, bakabilir misiniz?');
    await enqueueInbound(hub.deps.queues, msg);
    const stored = (await waitFor(() => db().Message.findOne({ dedupeKey: msg.dedupeKey }).lean()))!;
    await admin.api('POST', `/conversations/${String(stored.conversationId)}/assign`, { assigneeId: null, teamId: team.id });
    await resolve(stored.conversationId);
    const mail = await waitFor(async () => sink.mails.find((m) => m.rcpt.includes('mert@example.com')));
    const link = local(PUBLIC_URL + SURVEY_LINK_RE.exec(mail.parsed.text ?? '')![0]);
    expect(await (await fetch(link)).text()).toContain('tavsiye etme olasılığınız');
    const res = await fetch(link, { method: 'POST', body: new URLSearchParams({ score: '3', nps: '9', followUp: 'sorulmadı' }) });
    expect(res.status).toBe(200);
    expect(await survey(stored.conversationId)).toMatchObject({ score: 3, nps: 9, followUp: null, secondQuestion: 'nps' });
  });

  test('one survey per customer per N days (team setting), and none for a team that turned surveys off', async () => {
    const team = (await admin.api('POST', '/teams', { name: 'Kargo CSAT' })).body as { id: string };
    expect((await admin.api('PUT', `/teams/${team.id}/csat`, { frequencyDays: 30 })).status).toBe(200);
    const first = await phone('+905321119006', 'Kargo takip numaram çalışmıyor');
    const c1 = (await waitFor(() => storedIn(first.MessageSid)))!;
    expect((await admin.api('POST', `/conversations/${String(c1.conversationId)}/assign`, { assigneeId: null, teamId: team.id })).status).toBe(200);
    await resolve(c1.conversationId);
    await waitFor(async () => (await survey(c1.conversationId))?.status === 'asked');
    // Long enough ago that the next message starts a new conversation (not a reopen), but within 30 days.
    await db().Conversation.collection.updateOne({ _id: c1.conversationId }, { $set: { resolvedAt: new Date(Date.now() - 5 * 86_400_000) } });
    const second = await phone('+905321119006', 'Yeni bir konu: iade etiketi gelmedi');
    const c2 = (await waitFor(() => storedIn(second.MessageSid)))!;
    expect(String(c2.conversationId)).not.toBe(String(c1.conversationId));
    expect((await admin.api('POST', `/conversations/${String(c2.conversationId)}/assign`, { assigneeId: null, teamId: team.id })).status).toBe(200);
    await resolve(c2.conversationId);
    expect((await admin.api('GET', `/conversations/${String(c2.conversationId)}/csat`)).body).toBeNull();

    const off = (await admin.api('POST', '/teams', { name: 'CSAT kapalı' })).body as { id: string };
    expect((await admin.api('PUT', `/teams/${off.id}/csat`, { enabled: false })).status).toBe(200);
    const third = await phone('+905321119007', 'Merhaba, kapalı ekip');
    const c3 = (await waitFor(() => storedIn(third.MessageSid)))!;
    await admin.api('POST', `/conversations/${String(c3.conversationId)}/assign`, { assigneeId: null, teamId: off.id });
    await resolve(c3.conversationId);
    expect(await survey(c3.conversationId)).toBeNull();
    expect((await admin.api('GET', `/teams/${off.id}/csat`)).body).toMatchObject({ own: { enabled: false }, source: 'team' });
  });
});
