import { io as connect, type Socket } from 'socket.io-client';
import type { MessageView } from '../../src/domain/views';
import { signedInAgent } from '../helpers/agent-api';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { connected, nextEvent } from '../helpers/sockets';

// The widget's receipts, offline email, state and file upload (docs/widget-protocol.md) against a real hub: each checks
// the visitor's token, refuses bad input with an error ack (or 4xx) and draws on its own rate budget.
const config = testConfig('widgetevents', {
  TRUST_PROXY: 'loopback', // X-Forwarded-For names the client: each test its own address budget
  WIDGET_RATE_CONTACT: '3,1000/600s',
  WIDGET_RATE_UPLOAD: '4,1000/600s',
  WIDGET_RATE_RECEIPT: '30,1000/600s',
  WIDGET_RATE_STATE: '20,1000/600s',
  WIDGET_UPLOAD_MAX_MB: '0.05', // ~52 KB, so "too large" is a small body
});
let hub: Awaited<ReturnType<typeof startTestHub>>;
let agent: Awaited<ReturnType<typeof signedInAgent>>;
let agentSocket: Socket;
const sockets: Socket[] = [];
type Ack = { ok?: true; error?: string; code?: string; updated?: number; retryAfterMs?: number; messages?: Array<Record<string, unknown>> } & Record<string, unknown>;

beforeAll(async () => {
  hub = await startTestHub(config, 'all');
  agent = await signedInAgent(hub, 'deniz@kanal.test', 'Deniz Aksoy', 'admin');
  agentSocket = connect(`${hub.url}/agents`, { auth: { token: agent.token }, transports: ['websocket'], reconnection: false });
  await connected(agentSocket);
});
afterAll(async () => {
  agentSocket?.disconnect();
  for (const s of sockets) s.disconnect();
  await hub.stop();
});

let addresses = 0;
async function visitor() {
  const ip = `10.9.0.${++addresses}`;
  const res = await fetch(`${hub.url}/api/widget/session`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: '{}' });
  const body = (await res.json()) as { token: string; visitorId: string };
  const socket = connect(`${hub.url}/widget`, { auth: { token: body.token }, extraHeaders: { 'x-forwarded-for': ip }, transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(socket);
  await connected(socket);
  return { ...body, ip, socket };
}
const ack = (s: Socket, event: string, payload?: unknown) => s.timeout(10_000).emitWithAck(event, payload) as Promise<Ack>;

/** The visitor writes; resolves once the hub says it is stored (delivered), with the agents' view of it. */
async function write(v: Awaited<ReturnType<typeof visitor>>, text: string) {
  const clientId = `c${Date.now()}${Math.random().toString(36).slice(2, 8)}`;
  const delivered = nextEvent<{ id: string; clientId: string; status: string }>(v.socket, 'message:status', (p) => p.clientId === clientId, 15_000);
  const seen = nextEvent<MessageView>(agentSocket, 'message.created', (m) => m.text === text, 15_000);
  expect(await ack(v.socket, 'message:send', { clientId, text })).toEqual({ ok: true, clientId });
  const [status, view] = await Promise.all([delivered, seen]);
  expect(status).toMatchObject({ status: 'delivered', id: view.id });
  return view;
}
async function reply(v: Awaited<ReturnType<typeof visitor>>, conversationId: string, text: string) {
  const received = nextEvent<{ id: string; text: string; authorName: string; status: string }>(v.socket, 'message', (m) => m.text === text, 15_000);
  const res = await agent.api('POST', `/conversations/${conversationId}/reply`, { text });
  expect(res.status).toBe(202);
  return received;
}

test('receipts move an agent reply to delivered and read, the console is told, and only the visitor it was sent to counts', async () => {
  const v = await visitor();
  const other = await visitor();
  const inbound = await write(v, 'Siparişim nerede?');
  const out = await reply(v, inbound.conversationId, 'Kargoda, yarın elinizde.');
  expect(out).toMatchObject({ authorName: 'Deniz Aksoy', status: 'sent' });

  // Another visitor naming this reply's id changes nothing.
  expect(await ack(other.socket, 'message:receipt', { ids: [out.id], status: 'read' })).toEqual({ ok: true, updated: 0 });

  const delivered = nextEvent<MessageView>(agentSocket, 'message.updated', (m) => m.id === out.id && m.delivery.status === 'delivered');
  expect(await ack(v.socket, 'message:receipt', { ids: [out.id], status: 'delivered' })).toEqual({ ok: true, updated: 1 });
  await delivered;
  const read = nextEvent<MessageView>(agentSocket, 'message.updated', (m) => m.id === out.id && m.delivery.status === 'read');
  expect(await ack(v.socket, 'message:receipt', { ids: [out.id], status: 'read' })).toEqual({ ok: true, updated: 1 });
  await read;
  // Only forward: a late "delivered" leaves it read.
  expect(await ack(v.socket, 'message:receipt', { ids: [out.id], status: 'delivered' })).toEqual({ ok: true, updated: 0 });
  const history = await ack(v.socket, 'history', {});
  expect(history.messages?.find((m) => m.id === out.id)).toMatchObject({ status: 'read' });
  // The visitor's own message cannot be "read" through this door either (only agent replies take receipts).
  expect(await ack(v.socket, 'message:receipt', { ids: [inbound.id], status: 'read' })).toEqual({ ok: true, updated: 0 });
});

test('bad receipts, emails and state requests get an error ack', async () => {
  const v = await visitor();
  const invalid = (a: Ack) => expect(a).toMatchObject({ code: 'invalid_input', error: expect.any(String) });
  invalid(await ack(v.socket, 'message:receipt', { ids: ['nope'], status: 'read' }));
  invalid(await ack(v.socket, 'message:receipt', { ids: [], status: 'read' }));
  invalid(await ack(v.socket, 'message:receipt', { ids: ['0123456789abcdef01234567'], status: 'seen' }));
  invalid(await ack(v.socket, 'message:receipt', { ids: Array.from({ length: 51 }, () => '0123456789abcdef01234567'), status: 'read' }));
  invalid(await ack(v.socket, 'message:receipt', 'read'));
  const bad = await ack(v.socket, 'contact:email', { email: 'not an email' });
  expect(bad).toMatchObject({ code: 'invalid_input', error: 'email: not a valid email address' });
  invalid(await ack(v.socket, 'contact:email', { email: `${'a'.repeat(320)}@example.com` }));
  invalid(await ack(v.socket, 'widget:state', 'everything'));
  // No customer yet: the first message makes one.
  expect(await ack(v.socket, 'contact:email', { email: 'ayse@example.com' })).toMatchObject({ code: 'not_found', error: 'write a message first' });
});

test('when nobody is online the visitor leaves an email: stored on their customer as an unverified email', async () => {
  const v = await visitor();
  const inbound = await write(v, 'Kimse yok mu?');
  const state = await ack(v.socket, 'widget:state', {});
  expect(state).toMatchObject({ ok: true, open: true, online: false, conversation: { status: 'open' }, emailKnown: false });
  expect(await ack(v.socket, 'contact:email', { email: ' Ayse.Yilmaz@Example.com ' })).toEqual({ ok: true });
  const customer = await agent.api('GET', `/customers/${inbound.customerId}`);
  expect(customer.body.unverifiedEmail).toBe('ayse.yilmaz@example.com');
  expect(await ack(v.socket, 'widget:state', {})).toMatchObject({ emailKnown: true });
});

test('the greeting per language comes from the admin setting; a resolve reaches the widget as a status', async () => {
  expect((await agent.api('PUT', '/admin/widget', { greeting: { tr: 'Merhaba! Çiçek Dükkanı burada.', en: 'Hi! The Flower Shop here.' } })).status).toBe(200);
  expect((await agent.api('PUT', '/admin/widget', { greeting: { de: 'Hallo' } })).status).toBe(400);
  expect((await agent.api('PUT', '/admin/widget', { greeting: { tr: 'x'.repeat(501) } })).status).toBe(400);
  const v = await visitor();
  expect(await ack(v.socket, 'widget:state', {})).toMatchObject({ greeting: { tr: 'Merhaba! Çiçek Dükkanı burada.', en: 'Hi! The Flower Shop here.' }, conversation: null });
  const inbound = await write(v, 'Teşekkürler, çözüldü.');
  const resolved = nextEvent<{ status: string }>(v.socket, 'conversation:status', (p) => p.status === 'resolved');
  expect((await agent.api('POST', `/conversations/${inbound.conversationId}/status`, { status: 'resolved' })).status).toBe(200);
  await resolved;
  // Writing again reopens it, and the widget is told.
  const reopened = nextEvent<{ status: string }>(v.socket, 'conversation:status', (p) => p.status === 'open', 15_000);
  await write(v, 'Bir sorum daha var');
  await reopened;
});

test('an agent opening the thread marks the visitor\'s messages read, and the widget is told which', async () => {
  const v = await visitor();
  const first = await write(v, 'Birinci soru');
  const second = await write(v, 'İkinci soru');
  const told = nextEvent<{ ids: string[]; status: string }>(v.socket, 'message:status', (p) => p.status === 'read');
  await agentSocket.timeout(5000).emitWithAck('conversation:join', { conversationId: first.conversationId });
  expect((await told).ids.sort()).toEqual([first.id, second.id].sort());
  const history = await ack(v.socket, 'history', {});
  expect(history.messages?.filter((m) => m.direction === 'in').map((m) => m.status)).toEqual(['read', 'read']);
  // A message arriving while the thread is open: the console says it read it.
  const third = await write(v, 'Üçüncü soru');
  const again = nextEvent<{ ids: string[] }>(v.socket, 'message:status', (p) => p.ids?.includes(third.id));
  expect(await agentSocket.timeout(5000).emitWithAck('conversation:read', { conversationId: first.conversationId })).toEqual({ ok: true, read: 1 });
  await again;
  await agentSocket.timeout(5000).emitWithAck('conversation:leave', { conversationId: first.conversationId });
});

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5e2f0f20000000049454e44ae426082', 'hex');

test('upload: the token is required, type and size are checked, and the stored file is served through its signed link', async () => {
  const v = await visitor();
  const upload = (query: string, body: Buffer | string, headers: Record<string, string>) =>
    fetch(`${hub.url}/api/widget/upload?${query}`, { method: 'POST', headers: { 'x-forwarded-for': v.ip, ...headers }, body: typeof body === 'string' ? body : new Uint8Array(body) });
  expect((await upload('clientId=a1&name=x.png', PNG, { 'content-type': 'image/png' })).status).toBe(401);
  const auth = { authorization: `Bearer ${v.token}` };
  const html = await upload('clientId=a2&name=x.png', '<html><script>alert(1)</script></html>', { ...auth, 'content-type': 'image/png' });
  expect(html.status).toBe(415);
  expect(await html.json()).toMatchObject({ code: 'unsupported_type' });
  const big = await upload('clientId=a3&name=big.pdf', Buffer.alloc(60_000, 1), { ...auth, 'content-type': 'application/pdf' });
  expect(big.status).toBe(413);
  expect(await big.json()).toMatchObject({ code: 'too_large', maxBytes: 52_429 });
  const noName = await upload('clientId=a4', PNG, { ...auth, 'content-type': 'image/png' });
  expect(noName.status).toBe(400);

  const seen = nextEvent<MessageView>(agentSocket, 'message.created', (m) => m.attachments.some((a) => a.name === 'fatura.png'), 15_000);
  const ok = await upload('clientId=a5&name=fatura.png', PNG, { ...auth, 'content-type': 'image/png' });
  expect(ok.status).toBe(201);
  const body = (await ok.json()) as { attachment: { url: string; contentType: string; size: number } };
  expect(body.attachment).toMatchObject({ contentType: 'image/png', size: PNG.length, url: expect.stringMatching(/^\/api\/widget\/files\/[0-9a-f]{24}\?s=/) });
  await seen;
  const file = await fetch(`${hub.url}${body.attachment.url}`);
  expect(file.status).toBe(200);
  expect(file.headers.get('content-type')).toBe('image/png');
  expect(file.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
  expect(Buffer.from(await file.arrayBuffer()).equals(PNG)).toBe(true);
  expect((await fetch(`${hub.url}${body.attachment.url.replace(/s=./, 's=x')}`)).status).toBe(403);
  const history = await ack(v.socket, 'history', {});
  expect(history.messages?.find((m) => m.clientId === 'a5')).toMatchObject({ attachments: [{ name: 'fatura.png', url: body.attachment.url }] });
  // Over the upload budget (4 per visitor): 429 with the wait.
  const limited = await upload('clientId=a6&name=x.png', PNG, { ...auth, 'content-type': 'image/png' });
  expect(limited.status).toBe(429);
  expect(await limited.json()).toMatchObject({ code: 'rate_limited', retryAfterMs: expect.any(Number) });
});

test('each new event draws on its own budget: over it, an error ack with the wait', async () => {
  const v = await visitor();
  const answers = [];
  for (let i = 0; i < 4; i++) answers.push(await ack(v.socket, 'contact:email', { email: 'x@example.com' }));
  expect(answers.slice(0, 3).every((a) => a.code === 'not_found')).toBe(true);
  expect(answers[3]).toMatchObject({ code: 'rate_limited', error: 'rate limited, slow down', retryAfterMs: expect.any(Number) });
  // Other events keep their own budgets.
  expect(await ack(v.socket, 'widget:state', {})).toMatchObject({ ok: true });
});
