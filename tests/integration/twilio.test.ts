import { createAgent } from '../../src/services/agents/agents';
import { createReply } from '../../src/services/conversations/replies';
import { WINDOW_MS } from '../../channels/whatsapp/window';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { freePort, waitFor } from '../helpers/process';
import { drained } from '../helpers/queues';
import { hexSid, inboundForm, signedPost, TwilioStandin } from '../helpers/twilio-standin';
import { collectionsOf } from '../../src/store/collections';
import twilio from 'twilio';

// The hub behind a proxy: Twilio is told https://kanal.example.com, signs against it, and the proxy forwards to us.
const PUBLIC_URL = 'https://kanal.example.com';
const standin = new TwilioStandin();
let hub: Awaited<ReturnType<typeof startTestHub>>;
let token = '';
const TEMPLATE_SID = 'HX' + 'a'.repeat(32);

const webhook = (path: string, form: Record<string, string>, signedAs = PUBLIC_URL + path) =>
  signedPost(hub.url + path, form, standin.authToken, signedAs);

async function api<T = any>(method: string, path: string, body?: unknown) {
  const res = await fetch(`${hub.url}/api${path}`, {
    method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as T };
}

const messagesOf = (q: Record<string, unknown>) => collectionsOf(hub.deps.models).Message.find(q).lean();

beforeAll(async () => {
  await standin.start();
  const port = await freePort();
  hub = await startTestHub(testConfig('twilio', {
    PORT: String(port), PUBLIC_URL, TWILIO_ACCOUNT_SID: standin.accountSid, TWILIO_AUTH_TOKEN: standin.authToken,
    TWILIO_API_BASE: standin.url, TWILIO_FROM_NUMBER: '+908501234567', TWILIO_WHATSAPP_FROM: '+908501234568',
    ATTACHMENT_MAX_BYTES: '4096', OUTBOUND_ATTEMPTS: '2',
    WHATSAPP_TEMPLATES: JSON.stringify({ siparis_hazir: { contentSid: TEMPLATE_SID, variables: ['ad', 'siparis'], preview: 'Merhaba {{1}}, {{2}} numaralı siparişiniz hazır.' } }),
  }));
  standin.reach = (url) => url.replace(PUBLIC_URL, hub.url!);
  await createAgent(hub.deps.models, { email: 'deniz@kanal.test', name: 'Deniz', password: 'parola-1234567', role: 'agent', teamIds: [] });
  const res = await fetch(`${hub.url}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'deniz@kanal.test', password: 'parola-1234567' }),
  });
  token = ((await res.json()) as { token: string }).token;
});
afterAll(async () => {
  await hub.stop();
  await standin.stop();
});

async function receive(from: string, body: string, extra: Record<string, string> = {}) {
  const form = inboundForm(standin, from, body, extra);
  const res = await webhook('/webhooks/twilio/messages', form);
  expect(res.status).toBe(200);
  expect(await res.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
  const stored = await waitFor(async () => (await messagesOf({ providerId: form.MessageSid }))[0]);
  return { form, stored };
}

describe('inbound webhooks', () => {
  test('a signed webhook with a JSON body or a malformed media URL is a 4xx, never a 500', async () => {
    const json = await fetch(hub.url + '/webhooks/twilio/messages', {
      method: 'POST', body: JSON.stringify({ From: '+905321110009', Body: 'json' }),
      headers: { 'content-type': 'application/json', 'x-twilio-signature': twilio.getExpectedTwilioSignature(standin.authToken, PUBLIC_URL + '/webhooks/twilio/messages', {}) },
    });
    expect(json.status).toBeGreaterThanOrEqual(400);
    expect(json.status).toBeLessThan(500);
    const media = await webhook('/webhooks/twilio/messages', inboundForm(standin, '+905321110009', 'resim', { NumMedia: '1', MediaUrl0: 'http://[', MediaContentType0: 'image/jpeg' }));
    expect(media.status).toBeGreaterThanOrEqual(400);
    expect(media.status).toBeLessThan(500);
  });

  test('an SMS and a WhatsApp message from the same phone written two ways are one customer', async () => {
    const sms = await receive('+905321110001', 'Kargom nerede? İade istiyorum.');
    expect(sms.stored).toMatchObject({ channel: 'sms', direction: 'in', text: 'Kargom nerede? İade istiyorum.' });
    const wa = await receive('whatsapp:+905321110001', 'WhatsApp’tan yazıyorum', { WaId: '905321110001', ProfileName: 'Ayşe Yılmaz' });
    expect(wa.stored).toMatchObject({ channel: 'whatsapp', author: { type: 'customer', name: 'Ayşe Yılmaz' } });
    expect(String(wa.stored.customerId)).toBe(String(sms.stored.customerId));
    const identities = await collectionsOf(hub.deps.models).Identity.find({ customerId: sms.stored.customerId }).lean();
    expect(identities.map((i) => [i.kind, i.address])).toEqual([['phone', '+905321110001']]);
  });

  test('a redelivered MessageSid changes nothing', async () => {
    const { form } = await receive('+905321110002', 'Merhaba');
    const again = await webhook('/webhooks/twilio/messages', form);
    expect(again.status).toBe(200);
    await drained([hub.deps.queues.inbound]); // a job for the copy would still be queued or running
    expect(await messagesOf({ providerId: form.MessageSid })).toHaveLength(1);
  });

  test('forged, tampered, unsigned and wrongly addressed webhooks get 403 and store nothing', async () => {
    const form = inboundForm(standin, '+905321110003', 'Sahte mesaj');
    const tampered = { ...form, Body: 'değiştirilmiş' };
    const sig = (await import('twilio')).default.getExpectedTwilioSignature(standin.authToken, PUBLIC_URL + '/webhooks/twilio/messages', form);
    const post = (headers: Record<string, string>, body: Record<string, string>) => fetch(`${hub.url}/webhooks/twilio/messages`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(body).toString(),
    });
    expect((await post({ 'x-twilio-signature': sig }, tampered)).status).toBe(403);
    expect((await post({}, form)).status).toBe(403);
    // Signed for the local address instead of the configured public URL: not what Twilio would have signed.
    expect((await webhook('/webhooks/twilio/messages', form, hub.url + '/webhooks/twilio/messages')).status).toBe(403);
    // Signed with another account's token.
    const other = await signedPost(hub.url + '/webhooks/twilio/messages', form, 'f'.repeat(32), PUBLIC_URL + '/webhooks/twilio/messages');
    expect(other.status).toBe(403);
    expect(await (await post({ 'x-twilio-signature': sig }, tampered)).json()).toEqual({ error: 'invalid Twilio signature' });
    await drained([hub.deps.queues.inbound]); // anything let through would be queued before its answer
    expect(await messagesOf({ providerId: form.MessageSid })).toHaveLength(0);
  });

  test('missing fields and senders that are not phone numbers get a clear 400', async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ ...inboundForm(standin, '+905321110004', 'x'), MessageSid: '' , SmsMessageSid: '', SmsSid: '' }, /MessageSid/],
      [{ ...inboundForm(standin, '', 'x') }, /From is missing/],
      [inboundForm(standin, 'kargo-firmasi', 'x'), /not a valid phone number/],
      [inboundForm(standin, '+905321110004', ''), /Body is empty/],
    ];
    for (const [form, message] of cases) {
      const res = await webhook('/webhooks/twilio/messages', form);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(message);
    }
    expect(await collectionsOf(hub.deps.models).Identity.countDocuments({ address: '+905321110004' })).toBe(0);
  });

  test('MMS media is fetched with the account credentials and stored; media over the limit becomes a visible note', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 1)]);
    const big = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(10_000, 2)]);
    const { stored } = await receive('+905321110005', 'Hasarlı ürün', {
      NumMedia: '2', MediaUrl0: standin.addMedia(png, 'image/png'), MediaContentType0: 'image/png',
      MediaUrl1: standin.addMedia(big, 'image/jpeg'), MediaContentType1: 'image/jpeg',
    });
    expect(stored.attachments).toHaveLength(1);
    expect(stored.attachments[0]).toMatchObject({ contentType: 'image/png', size: png.length });
    expect(stored.text).toMatch(/^Hasarlı ürün\n⚠️ .*\.jpg \(image\/jpeg\) was not kept: larger than 4096 bytes$/);
  });

  test('media URLs outside Twilio are not fetched with our credentials', async () => {
    const form = inboundForm(standin, '+905321110006', 'bak', { NumMedia: '1', MediaUrl0: 'http://127.0.0.1:9/steal', MediaContentType0: 'image/png' });
    const res = await webhook('/webhooks/twilio/messages', form);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('media URL is not a Twilio URL: http://127.0.0.1:9');
    expect(await messagesOf({ providerId: form.MessageSid })).toHaveLength(0);
  });
});

describe('outbound through the twilio SDK and status callbacks', () => {
  test('a reply goes out with a status callback and moves to delivered through signed callbacks', async () => {
    const { stored } = await receive('+905321110010', 'Siparişim gelmedi');
    const reply = await api('POST', `/conversations/${stored.conversationId}/reply`, { text: 'Kontrol ediyorum, İstanbul deposunda.' });
    expect(reply.status).toBe(202);
    const done = await waitFor(async () => {
      const m = await collectionsOf(hub.deps.models).Message.findById(reply.body.id).lean();
      return m?.delivery?.status === 'delivered' ? m : undefined;
    });
    const sent = standin.sent.find((s) => s.sid === done.providerId)!;
    expect(sent.form).toMatchObject({
      To: '+905321110010', From: '+908501234567', Body: 'Kontrol ediyorum, İstanbul deposunda.',
      StatusCallback: `${PUBLIC_URL}/webhooks/twilio/status`,
    });
    // The hub answered both callbacks (the standin records each once our answer is back).
    const calls = await waitFor(async () => {
      const mine = standin.callbacks.filter((c) => c.sid === done.providerId);
      return mine.length === 2 ? mine : undefined;
    });
    expect(calls.map((c) => [c.status, c.code])).toEqual([['sent', 204], ['delivered', 204]]);
    // A late, out-of-order "sent" does not move it back; a forged callback is refused.
    expect(await standin.callback(done.providerId!, 'sent')).toBe(204);
    const forged = await signedPost(hub.url + '/webhooks/twilio/status', { MessageSid: done.providerId!, MessageStatus: 'failed' }, 'x'.repeat(32), PUBLIC_URL + '/webhooks/twilio/status');
    expect(forged.status).toBe(403);
    expect((await collectionsOf(hub.deps.models).Message.findById(reply.body.id).lean())?.delivery?.status).toBe('delivered');
  });

  test('an undelivered callback shows the mapped reason in the thread', async () => {
    const { stored } = await receive('+905321110011', 'Telefonum kapalı olabilir');
    standin.scripts.set('+905321110011', { finalStatus: 'undelivered', errorCode: 30003 });
    const reply = await api('POST', `/conversations/${stored.conversationId}/reply`, { text: 'Size ulaşamadık' });
    const failed = await waitFor(async () => {
      const m = await collectionsOf(hub.deps.models).Message.findById(reply.body.id).lean();
      return m?.delivery?.status === 'failed' ? m : undefined;
    });
    expect(failed.delivery?.error).toBe('the phone is unreachable (off or out of coverage) (Twilio 30003)');
  });

  test('a permanent REST error fails at once with a readable reason and can be retried from the API', async () => {
    const { stored } = await receive('+905321110012', 'STOP');
    standin.scripts.set('+905321110012', { error: { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' } });
    const reply = await api('POST', `/conversations/${stored.conversationId}/reply`, { text: 'Abonelikten çıktınız' });
    const failed = await waitFor(async () => {
      const m = await collectionsOf(hub.deps.models).Message.findById(reply.body.id).lean();
      return m?.delivery?.status === 'failed' ? m : undefined;
    });
    expect(failed.delivery?.error).toBe('the customer has opted out (replied STOP); they must send START first (Twilio 21610)');
    expect(failed.delivery?.attempts).toBe(1);
    standin.scripts.delete('+905321110012'); // the customer sent START
    expect((await api('POST', `/messages/${reply.body.id}/retry`)).status).toBeLessThan(300);
    await waitFor(async () => (await collectionsOf(hub.deps.models).Message.findById(reply.body.id).lean())?.delivery?.status === 'delivered' || undefined);
  });
});

describe('WhatsApp over Twilio: the 24-hour window', () => {
  test('inside the window free text goes to whatsapp:+...; the channel list says available', async () => {
    const { stored } = await receive('whatsapp:+905321110020', 'Merhaba', { WaId: '905321110020', ProfileName: 'Cem' });
    const channels = await api('GET', `/customers/${stored.customerId}/channels`);
    expect(channels.body).toEqual(expect.arrayContaining([
      expect.objectContaining({ channel: 'whatsapp', address: '+905321110020', available: true, official: true, route: 'twilio' }),
      expect.objectContaining({ channel: 'sms', address: '+905321110020', available: true }),
    ]));
    const reply = await api('POST', `/conversations/${stored.conversationId}/reply`, { text: 'Buyurun', channel: 'whatsapp' });
    expect(reply.status).toBe(202);
    const sent = await waitFor(async () => {
      const m = await collectionsOf(hub.deps.models).Message.findById(reply.body.id).lean();
      return m?.providerId ? standin.sent.find((s) => s.sid === m.providerId) : undefined;
    });
    expect(sent.form).toMatchObject({ To: 'whatsapp:+905321110020', From: 'whatsapp:+908501234568', Body: 'Buyurun' });
  });

  test('on both sides of the boundary: open one second before 24 hours, refused at 24 hours', async () => {
    const { stored } = await receive('whatsapp:+905321110021', 'Selam', { WaId: '905321110021' });
    const at = (ms: number) => new Date((stored.createdAt as Date).getTime() + ms);
    const base = { conversationId: String(stored.conversationId), agent: { id: 'a', name: 'Deniz' }, channel: 'whatsapp', settings: { ...hub.deps.config, WHATSAPP_ROUTE: 'twilio' } };
    await expect(createReply(hub.deps.models, null, { ...base, text: 'son saniye', now: at(WINDOW_MS - 1000) })).resolves.toBeTruthy();
    await expect(createReply(hub.deps.models, null, { ...base, text: 'geç', now: at(WINDOW_MS) })).rejects.toThrow(/outside the 24-hour WhatsApp window/);
    // The unofficial route has no window.
    await expect(createReply(hub.deps.models, null, { ...base, text: 'wwebjs', settings: { ...hub.deps.config, WHATSAPP_ROUTE: 'wwebjs' }, now: at(WINDOW_MS * 3) })).resolves.toBeTruthy();
  });

  test('outside the window: the reply is refused with 422, the picker says why, and a template goes out instead', async () => {
    const { stored } = await receive('whatsapp:+905321110022', 'Dün yazmıştım', { WaId: '905321110022', ProfileName: 'Işıl' });
    // (through the driver: mongoose treats createdAt as immutable)
    await collectionsOf(hub.deps.models).Message.collection.updateOne({ _id: stored._id }, { $set: { createdAt: new Date(Date.now() - WINDOW_MS - 60_000) } });
    const before = await collectionsOf(hub.deps.models).Message.countDocuments({ conversationId: stored.conversationId });
    const refused = await api('POST', `/conversations/${stored.conversationId}/reply`, { text: 'Merhaba', channel: 'whatsapp' });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatch(/outside the 24-hour WhatsApp window.*template/);
    expect(await collectionsOf(hub.deps.models).Message.countDocuments({ conversationId: stored.conversationId })).toBe(before);
    const channels = await api('GET', `/customers/${stored.customerId}/channels`);
    expect(channels.body.find((c: any) => c.channel === 'whatsapp')).toMatchObject({
      available: false, reason: expect.stringMatching(/24-hour/), windowClosesAt: null, templates: ['siparis_hazir'],
    });

    expect((await api('POST', `/conversations/${stored.conversationId}/template`, { template: 'yok' })).status).toBe(422);
    const missing = await api('POST', `/conversations/${stored.conversationId}/template`, { template: 'siparis_hazir', variables: { ad: 'Işıl' } });
    expect(missing.status).toBe(422);
    expect(missing.body.error).toBe('template siparis_hazir needs: siparis');
    const tpl = await api('POST', `/conversations/${stored.conversationId}/template`, { template: 'siparis_hazir', variables: { ad: 'Işıl', siparis: 'TR-42' } });
    expect(tpl.status).toBe(202);
    expect(tpl.body.text).toBe('Merhaba Işıl, TR-42 numaralı siparişiniz hazır.');
    const sent = await waitFor(async () => {
      const m = await collectionsOf(hub.deps.models).Message.findById(tpl.body.id).lean();
      return m?.providerId ? standin.sent.find((s) => s.sid === m.providerId) : undefined;
    });
    expect(sent.form).toMatchObject({ To: 'whatsapp:+905321110022', ContentSid: TEMPLATE_SID, ContentVariables: '{"1":"Işıl","2":"TR-42"}' });
    expect(sent.form.Body).toBeUndefined();
  });

  test('an unknown customer has no channels (404)', async () => {
    expect((await api('GET', `/customers/${'0'.repeat(24)}/channels`)).status).toBe(404);
    expect(hexSid('SM')).toMatch(/^SM[0-9a-f]{32}$/);
  });
});
