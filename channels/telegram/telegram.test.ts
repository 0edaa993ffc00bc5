import { signedInAgent } from '../../tests/helpers/agent-api';
import { testConfig } from '../../tests/helpers/env';
import { startTestHub } from '../../tests/helpers/hub';
import { waitFor } from '../../tests/helpers/process';
import { collectionsOf } from '../../src/store/collections';
import { fixture, postUpdate, TelegramStandin } from './standin';

// The hub with a bot whose Bot API is a local stand-in; updates arrive as Telegram posts them (JSON + secret header).
const standin = new TelegramStandin();
let hub: Awaited<ReturnType<typeof startTestHub>>;
let agent: Awaited<ReturnType<typeof signedInAgent>>;
let nextUpdate = 880000;

const messagesOf = (q: Record<string, unknown>) => collectionsOf(hub.deps.models).Message.find(q).lean();
const stored = (providerId: string) => waitFor(async () => (await messagesOf({ providerId }))[0], 10_000, `message ${providerId}`);
/** A fresh chat and message, so the tests share no customer or conversation. */
const fromChat = (name: string, chatId: number, patch: (u: any) => void = () => {}) => fixture(name, (u) => { // eslint-disable-line @typescript-eslint/no-explicit-any
  u.update_id = ++nextUpdate;
  const m = u.message ?? u.edited_message;
  m.chat.id = chatId;
  if (m.from) m.from.id = chatId;
  patch(u);
});

beforeAll(async () => {
  await standin.start();
  hub = await startTestHub(testConfig('telegram', {
    TELEGRAM_BOT_TOKEN: standin.token, TELEGRAM_WEBHOOK_SECRET: standin.secret, TELEGRAM_API_URL: standin.url,
    ATTACHMENT_MAX_BYTES: '4096', OUTBOUND_ATTEMPTS: '2',
  }));
  agent = await signedInAgent(hub, 'selin@kanal.test', 'Selin', 'admin');
});
afterAll(async () => {
  await hub.stop();
  await standin.stop();
});

describe('Telegram webhook', () => {
  test('the secret token header is required: missing or wrong is 403 and nothing is queued', async () => {
    const update = fromChat('text', 600001);
    expect((await postUpdate(hub.url!, update, null)).status).toBe(403);
    expect((await postUpdate(hub.url!, update, `${standin.secret}x`)).status).toBe(403);
    // The same update with the right secret is the first one stored: the refused posts left nothing behind.
    expect((await postUpdate(hub.url!, update, standin.secret)).status).toBe(200);
    const m = await stored('600001:101');
    expect(m).toMatchObject({ channel: 'telegram', direction: 'in', text: 'Merhaba, siparişim nerede? Ğ ü ş ı İ ö ç' });
    expect(await messagesOf({ channel: 'telegram', customerId: m.customerId })).toHaveLength(1);
    const identity = await collectionsOf(hub.deps.models).Identity.findOne({ customerId: m.customerId }).lean();
    expect(identity).toMatchObject({ kind: 'telegram', address: '600001' });
  });

  test('photo, document and voice are fetched through getFile and stored; location is a map link', async () => {
    standin.addFile('AgACAgIAAxkBAAIBQ2large', Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...Buffer.alloc(60)]), 'jpg');
    standin.addFile('BQACAgIAAxkBAAIBRGdoc', Buffer.from('%PDF-1.4\n%fatura\n'), 'pdf');
    standin.addFile('AwACAgIAAxkBAAIBRXvoice', Buffer.from('OggS\0voice'), 'oga');
    for (const name of ['photo', 'document', 'voice', 'location']) expect((await postUpdate(hub.url!, fromChat(name, 600002), standin.secret)).status).toBe(200);
    const photo = await stored('600002:102');
    expect(photo.text).toBe('Kutu ezik geldi');
    expect(photo.attachments).toEqual([expect.objectContaining({ name: 'photo-102.jpg', contentType: 'image/jpeg', size: 64 })]);
    expect((await stored('600002:103')).attachments).toEqual([expect.objectContaining({ name: 'fatura-2026-11.pdf', contentType: 'application/pdf' })]);
    expect((await stored('600002:104')).attachments).toEqual([expect.objectContaining({ name: 'voice-104.ogg' })]);
    expect((await stored('600002:105')).text).toMatch(/^📍 41.008238,28.978359\n/);
  });

  test('a redelivered update (same update_id) is stored once and its file is not fetched again', async () => {
    standin.addFile('AgACAgIAAxkBAAIBQ2large', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]), 'jpg');
    const update = fromChat('photo', 600003);
    expect((await postUpdate(hub.url!, update, standin.secret)).status).toBe(200);
    await stored('600003:102');
    const fetched = standin.callsOf('getFile').length;
    expect((await postUpdate(hub.url!, update, standin.secret)).status).toBe(200);
    expect(standin.callsOf('getFile')).toHaveLength(fetched);
    // A later message of the same chat is stored after the redelivery was acknowledged: still one copy of the first.
    expect((await postUpdate(hub.url!, fromChat('location', 600003), standin.secret)).status).toBe(200);
    await stored('600003:105');
    expect(await messagesOf({ providerId: '600003:102' })).toHaveLength(1);
  });

  test('an edited message is acknowledged and not stored as a new message', async () => {
    const original = fromChat('text', 600004);
    expect((await postUpdate(hub.url!, original, standin.secret)).status).toBe(200);
    const first = await stored('600004:101');
    expect((await postUpdate(hub.url!, fromChat('edited', 600004), standin.secret)).status).toBe(200);
    // Also the edit of a message we never got (sent before the webhook was set): still no new message.
    const unseen = fromChat('edited', 600004, (u) => { u.edited_message.message_id = 150; });
    expect((await postUpdate(hub.url!, unseen, standin.secret)).status).toBe(200);
    expect((await postUpdate(hub.url!, fromChat('location', 600004), standin.secret)).status).toBe(200);
    await stored('600004:105');
    const all = await messagesOf({ customerId: first.customerId, direction: 'in' });
    expect(all.map((m) => m.text)).not.toContain('Merhaba, siparişim nerede? (düzeltme)');
    expect(all).toHaveLength(2);
  });

  test('bad input is refused before the acknowledgement: malformed update 400, not JSON 415/400', async () => {
    const bad = await postUpdate(hub.url!, fixture('malformed'), standin.secret);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toBe('invalid Telegram update: message.chat.id is required');
    expect((await postUpdate(hub.url!, '{"update_id": 1, "message": ', standin.secret)).status).toBe(400);
    const form = await fetch(`${hub.url}/webhooks/telegram`, { method: 'POST', headers: { 'x-telegram-bot-api-secret-token': standin.secret, 'content-type': 'text/plain' }, body: 'hi' });
    expect(form.status).toBe(415);
  });
});

describe('Telegram replies', () => {
  test('text goes out with sendMessage to the chat; the reply is sent with the Bot API message id', async () => {
    expect((await postUpdate(hub.url!, fromChat('text', 600010), standin.secret)).status).toBe(200);
    const inbound = await stored('600010:101');
    const reply = await agent.api('POST', `/conversations/${inbound.conversationId}/reply`, { text: 'Kargoya verildi, yarın sizde.', channel: 'telegram' });
    expect(reply.status).toBe(202);
    const sent = await waitFor(async () => {
      const m = await collectionsOf(hub.deps.models).Message.findById(reply.body.id).lean();
      return m?.delivery?.status === 'sent' ? m : undefined;
    });
    const call = standin.callsOf('sendMessage').find((c) => c.fields.chat_id === '600010');
    expect(call?.fields.text).toBe('Kargoya verildi, yarın sizde.');
    expect(sent.providerId).toMatch(/^600010:\d+$/);
  });

  test('a file goes out with sendPhoto or sendDocument, the text as its caption', async () => {
    expect((await postUpdate(hub.url!, fromChat('text', 600011), standin.secret)).status).toBe(200);
    const inbound = await stored('600011:101');
    const upload = await fetch(`${hub.url}/api/attachments?name=iade.pdf`, {
      method: 'POST', headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/pdf' }, body: '%PDF-1.4\n%iade formu\n',
    });
    const key = ((await upload.json()) as { storageKey: string }).storageKey;
    const reply = await agent.api('POST', `/conversations/${inbound.conversationId}/reply`, { text: 'İade formu ekte', channel: 'telegram', attachments: [key] });
    expect(reply.status).toBe(202);
    const call = await waitFor(async () => standin.callsOf('sendDocument').find((c) => c.fields.chat_id === '600011'));
    expect(call.fields.caption).toBe('İade formu ekte');
    expect(call.files.document).toMatchObject({ name: 'iade.pdf', type: 'application/pdf' });
    expect(standin.callsOf('sendMessage').some((c) => c.fields.chat_id === '600011')).toBe(false);
  });

  test('a chat that blocked the bot: the reply fails at once with the Bot API reason (no retries)', async () => {
    expect((await postUpdate(hub.url!, fromChat('text', 600012), standin.secret)).status).toBe(200);
    const inbound = await stored('600012:101');
    standin.refusals.set('600012', { error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    const reply = await agent.api('POST', `/conversations/${inbound.conversationId}/reply`, { text: 'Merhaba?', channel: 'telegram' });
    const failed = await waitFor(async () => {
      const m = await collectionsOf(hub.deps.models).Message.findById(reply.body.id).lean();
      return m?.delivery?.status === 'failed' ? m : undefined;
    });
    expect(failed.delivery!.error).toBe('Telegram sendMessage: Forbidden: bot was blocked by the user');
    expect(standin.callsOf('sendMessage').filter((c) => c.fields.chat_id === '600012')).toHaveLength(1);
  });

  test('the console gets Telegram from the registry: channel list, reply availability, setup card', async () => {
    const channels = await agent.api('GET', '/channels');
    expect(channels.body).toContainEqual({ name: 'telegram', identityKind: 'telegram', label: { tr: 'Telegram', en: 'Telegram' }, colour: '#145a86', background: '#e0f0fa' });
    expect((await postUpdate(hub.url!, fromChat('text', 600013), standin.secret)).status).toBe(200);
    const inbound = await stored('600013:101');
    const options = await agent.api('GET', `/customers/${inbound.customerId}/channels`);
    expect(options.body).toEqual([expect.objectContaining({ channel: 'telegram', address: '600013', available: true })]);
    const setup = await agent.api('GET', '/admin/channels');
    expect(setup.body.sections).toContainEqual(expect.objectContaining({ channel: 'telegram', configured: true, items: expect.arrayContaining([expect.objectContaining({ value: expect.stringMatching(/\/webhooks\/telegram$/) })]) }));
    expect(JSON.stringify(setup.body)).not.toContain(standin.secret);
    expect(JSON.stringify(setup.body)).not.toContain(standin.token);
  });
});
