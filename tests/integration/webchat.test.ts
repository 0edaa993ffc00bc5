import { existsSync } from 'node:fs';
import path from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { identityHash, signToken } from '../../channels/webchat/token';
import { jobIdFor } from '../../src/queues';
import { createReply } from '../../src/services/conversations/replies';
import { testConfig } from '../helpers/env';
import { connected, nextEvent } from '../helpers/sockets';
import { startTestHub } from '../helpers/hub';
import { waitUntil } from '../helpers/process';
import { drained } from '../helpers/queues';
import { collectionsOf } from '../../src/store/collections';

type TestHub = Awaited<ReturnType<typeof startTestHub>>;
type Ack = { ok?: true; clientId?: string; error?: string; messages?: Array<Record<string, unknown>> };

let hub: TestHub;
const sockets: Socket[] = [];
const root = path.resolve(__dirname, '../..');

beforeAll(async () => {
  hub = await startTestHub(testConfig('webchat'), 'all');
  if (!existsSync(path.join(root, 'public/widget.js'))) {
    const { buildWidget } = (await import(path.join(root, 'scripts/build-widget.mjs'))) as { buildWidget(): Promise<string> };
    await buildWidget();
  }
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await hub.stop();
});

async function session(body: unknown, base = hub.url) {
  const res = await fetch(`${base}/api/widget/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as { token: string; visitorId: string; error?: string } };
}
function open(token?: string, base = hub.url): Socket {
  const s = connect(`${base}/widget`, { auth: token === undefined ? {} : { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(s);
  return s;
}
const ack = (s: Socket, event: string, payload?: unknown) => s.timeout(5000).emitWithAck(event, payload) as Promise<Ack>;
async function visitor(body: Record<string, unknown> = {}) {
  const { body: s } = await session(body);
  const socket = open(s.token);
  await connected(socket);
  return { ...s, socket };
}
const stored = (visitorId: string) => collectionsOf(hub.deps.models).Message.find({ dedupeKey: new RegExp(`^webchat:${visitorId}:`) }).lean();

test('a session gives a token and a visitor id; the same token gets the same visitor; bad input is a 400', async () => {
  const first = await session({ name: 'Ayşe Yılmaz', email: 'ayse@example.com' });
  expect(first.status).toBe(200);
  expect(first.body.visitorId).toMatch(/^v_/);
  expect(first.headers.get('access-control-allow-origin')).toBe('*');
  const again = await session({ token: first.body.token });
  expect(again.body.visitorId).toBe(first.body.visitorId);
  // The widget runs on the customer's site: the CORS preflight is answered.
  const preflight = await fetch(`${hub.url}/api/widget/session`, {
    method: 'OPTIONS', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });
  expect(preflight.status).toBe(204);
  expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type');
  const bad = await session({ email: 'nope' });
  expect(bad.status).toBe(400);
  expect(bad.body.error).toMatch(/email/);
  const notJson = await fetch(`${hub.url}/api/widget/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' });
  expect(notJson.status).toBe(400);
  expect(await notJson.json()).toEqual({ error: 'body must be JSON' });
});

test('a socket without a valid token is refused', async () => {
  await expect(connected(open())).rejects.toThrow('unauthorized');
  await expect(connected(open('garbage'))).rejects.toThrow('unauthorized');
  const { body } = await session({});
  await expect(connected(open(`${body.token}x`))).rejects.toThrow('unauthorized');
});

test('a visitor message is acked only once enqueued and stored with its Turkish text intact', async () => {
  const v = await visitor({ name: 'Çağrı Öztürk', email: 'cagri@example.com' });
  const res = await ack(v.socket, 'message:send', { clientId: 'c1', text: '  Merhaba, siparişim ne zaman gelir? ğüşıöç  ' });
  expect(res).toEqual({ ok: true, clientId: 'c1' });
  // The ack came after the job was in Redis.
  expect(await hub.deps.queues.inbound.getJob(jobIdFor(`webchat:${v.visitorId}:c1`))).toBeDefined();
  await waitUntil(async () => (await stored(v.visitorId)).length === 1, 10_000, 'the message to be stored');
  const [m] = await stored(v.visitorId);
  expect(m).toMatchObject({ direction: 'in', channel: 'webchat', text: 'Merhaba, siparişim ne zaman gelir? ğüşıöç', providerId: 'c1' });
  const customer = await collectionsOf(hub.deps.models).Customer.findById(m!.customerId).lean();
  expect(customer?.name).toBe('Çağrı Öztürk');
});

test('the same clientId sent three times is stored once', async () => {
  const v = await visitor();
  const acks = await Promise.all([1, 2, 3].map(() => ack(v.socket, 'message:send', { clientId: 'same-id', text: 'tek sefer' })));
  expect(acks).toEqual(Array(3).fill({ ok: true, clientId: 'same-id' }));
  await waitUntil(async () => (await stored(v.visitorId)).length === 1, 10_000, 'the message to be stored');
  await drained([hub.deps.queues.inbound]); // a second job for a copy would still be queued or running
  expect(await stored(v.visitorId)).toHaveLength(1);
});

test('bad payloads get an error ack (or are ignored), store nothing, and the socket keeps working', async () => {
  const v = await visitor();
  expect((await ack(v.socket, 'message:send', { clientId: 'a1' })).error).toMatch(/text/);
  expect((await ack(v.socket, 'message:send', { clientId: 'a2', text: '   ' })).error).toMatch(/text: must not be empty/);
  expect((await ack(v.socket, 'message:send', { clientId: 'a3', text: 'x'.repeat(10_000) })).error).toMatch(/text: must be at most 5000/);
  expect((await ack(v.socket, 'message:send', { clientId: 'bad id!', text: 'hi' })).error).toMatch(/clientId/);
  expect((await ack(v.socket, 'message:send', 'just a string')).error).toBeDefined();
  expect((await ack(v.socket, 'message:send', null)).error).toBeDefined();
  expect((await ack(v.socket, 'history', 42)).error).toBeDefined();
  expect((await ack(v.socket, 'history', { limit: 1000 })).error).toMatch(/limit: .*50/);
  // No ack function: ignored, including a valid-looking message (the client could never know it arrived).
  v.socket.emit('message:send', { clientId: 'no-ack', text: 'kimse duymaz' });
  v.socket.emit('message:send', 'garbage');
  v.socket.emit('history', { limit: 5 });
  v.socket.emit('typing', 'yes');
  v.socket.emit('typing');
  v.socket.emit('typing', { typing: 'maybe' }, () => {});
  v.socket.emit('unknown-event', { a: 1 });
  expect(await ack(v.socket, 'history', {})).toEqual({ messages: [] });
  // A message acked after all of them: once it is stored and the queue is empty, nothing before it can still arrive.
  expect(await ack(v.socket, 'message:send', { clientId: 'marker', text: 'sonra gelen' })).toEqual({ ok: true, clientId: 'marker' });
  await waitUntil(async () => (await stored(v.visitorId)).length > 0, 10_000, 'the marker to be stored');
  await drained([hub.deps.queues.inbound]);
  expect(v.socket.connected).toBe(true);
  expect((await stored(v.visitorId)).map((d) => d.providerId)).toEqual(['marker']);
});

test('more than 20 messages in 10 s from one visitor are refused with a rate_limited ack (the default WIDGET_RATE_SEND)', async () => {
  const v = await visitor();
  // All at once: the budget is a bucket of 20 that refills at 2 per second, so sends spread over seconds would refill it.
  const acks = await Promise.all(Array.from({ length: 22 }, (_, i) => ack(v.socket, 'message:send', { clientId: `r${i}`, text: `mesaj ${i}` })));
  expect(acks.slice(0, 20).every((a) => a.ok)).toBe(true);
  const refused = { error: 'rate limited, slow down', code: 'rate_limited', retryAfterMs: expect.any(Number) };
  expect(acks.slice(20)).toEqual([refused, refused]);
});

test('an agent reply reaches the visitor socket, is marked sent, and is in the history after a reconnect', async () => {
  const v = await visitor({ name: 'Mehmet' });
  // Typing has no ack; relaying it must not disturb anything.
  v.socket.emit('typing', { typing: true });
  v.socket.emit('typing', { typing: false });
  expect((await ack(v.socket, 'message:send', { clientId: 'q1', text: 'Kargom nerede?' })).ok).toBe(true);
  await waitUntil(async () => (await stored(v.visitorId)).length === 1, 10_000, 'the message to be stored');
  const [inbound] = await stored(v.visitorId);
  // The message insert and the conversation's update run together: a reply needs the conversation's inbound channel.
  const conversations = collectionsOf(hub.deps.models).Conversation;
  await waitUntil(async () => (await conversations.findById(inbound!.conversationId).lean())?.lastInboundChannel === 'webchat', 10_000, 'the conversation update');

  const got = nextEvent<Record<string, unknown>>(v.socket, 'message');
  const { message } = await createReply(hub.deps.models, hub.deps.events, {
    conversationId: String(inbound!.conversationId), agent: { id: 'agent-1', name: 'Zeynep' }, text: 'Kargonuz yarın teslim edilecek.',
  });
  await hub.deps.queues.outbound.add('send', { messageId: String(message._id) });
  expect(await got).toMatchObject({ id: String(message._id), direction: 'out', text: 'Kargonuz yarın teslim edilecek.', authorName: 'Zeynep', status: 'sent' });
  await waitUntil(async () => (await collectionsOf(hub.deps.models).Message.findById(message._id).lean())?.delivery?.status === 'sent', 10_000, 'status sent');
  expect((await collectionsOf(hub.deps.models).Message.findById(message._id).lean())?.providerId).toBe(`webchat:${message._id}`);

  v.socket.disconnect();
  const again = await session({ token: v.token });
  expect(again.body.visitorId).toBe(v.visitorId);
  const s2 = open(again.body.token);
  await connected(s2);
  const history = await ack(s2, 'history', { limit: 10 });
  expect(history.messages).toEqual([
    // The visitor's own message carries the clientId it was sent with (the widget matches its pending copy by it).
    { id: String(inbound!._id), direction: 'in', text: 'Kargom nerede?', createdAt: expect.any(String), status: expect.any(String), clientId: 'q1' },
    { id: String(message._id), direction: 'out', text: 'Kargonuz yarın teslim edilecek.', authorName: 'Zeynep', createdAt: expect.any(String), status: 'sent' },
  ]);
  const older = await ack(s2, 'history', { before: history.messages![1]!.createdAt, limit: 10 });
  expect(older.messages!.map((m) => m.id)).toEqual([String(inbound!._id)]);
});

test('a visitor who typed someone else\'s email never sees that address\'s email thread in the widget history', async () => {
  const { ingest } = await import('../../src/services/ingest/ingest');
  const v = await visitor({ name: 'Impostor', email: 'victim@example.com' });
  expect(await ack(v.socket, 'message:send', { clientId: 'imp1', text: 'merhaba' })).toMatchObject({ ok: true });
  await waitUntil(async () => (await stored(v.visitorId)).length === 1, 10_000, 'the visitor message');
  // A real email from that address arrives later: the typed address is only a claim, so it goes to its owner
  // (tests/integration/preclaim.test.ts has the whole scenario).
  const mail = await ingest(hub.deps.models, null, {
    channel: 'email', dedupeKey: `email:<secret-${Date.now()}@example.com>`, from: { address: 'victim@example.com' },
    text: 'Hesap şifrem: gizli', attachments: [], sentAt: new Date().toISOString(),
  });
  expect(mail.customerId).not.toBe(String((await stored(v.visitorId))[0]!.customerId));
  const history = await ack(v.socket, 'history', { limit: 50 });
  expect(history.messages!.map((m) => m.text)).toEqual(['merhaba']);
});

test('strict identity mode: unsigned or wrongly signed sessions get 401, a good signature works', async () => {
  const strict = await startTestHub(testConfig('webchatstrict', { WIDGET_IDENTITY_SECRET: 'shop-identity-secret-0123456789' }), 'hub');
  try {
    expect((await session({}, strict.url)).status).toBe(401);
    expect((await session({ name: 'Anonim' }, strict.url)).status).toBe(401);
    const wrong = await session({ userId: 'musteri-7', userHash: identityHash('musteri-8', 'shop-identity-secret-0123456789') }, strict.url);
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toMatch(/userHash/);
    const good = await session({ userId: 'musteri-7', userHash: identityHash('musteri-7', 'shop-identity-secret-0123456789') }, strict.url);
    expect(good.status).toBe(200);
    expect(good.body.visitorId).toBe('u_musteri-7');
    const s = open(good.body.token, strict.url);
    await connected(s);
    expect(await ack(s, 'message:send', { clientId: 'k1', text: 'doğrulanmış müşteri' })).toEqual({ ok: true, clientId: 'k1' });
    s.disconnect();
    // A token issued before strict mode was turned on (same token secret, not verified) no longer connects.
    const earlier = signToken({ visitorId: 'v_earlier', verified: false, iat: Math.floor(Date.now() / 1000) }, strict.deps.config.WIDGET_TOKEN_SECRET);
    await expect(connected(open(earlier, strict.url))).rejects.toThrow('identity required');
  } finally {
    await strict.stop();
  }
});

test('GET /demo is an HTML page with the one-tag embed and a CSP; /widget.js is served', async () => {
  const res = await fetch(`${hub.url}/demo`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/text\/html/);
  const csp = res.headers.get('content-security-policy')!;
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain(`connect-src 'self' ws://${new URL(hub.url!).host} wss://${new URL(hub.url!).host}`);
  expect(await res.text()).toContain('<script src="/widget.js" async></script>');
  const js = await fetch(`${hub.url}/widget.js`);
  expect(js.status).toBe(200);
  expect(js.headers.get('content-type')).toMatch(/javascript/);
  expect(js.headers.get('cross-origin-resource-policy')).toBe('cross-origin'); // embeddable on other sites
  expect((await js.text()).length).toBeGreaterThan(1000);
});
