import { Types } from 'mongoose';
import { io as connect, type Socket } from 'socket.io-client';
import { AgentEvents } from '../../src/domain/events';
import type { InboundMessage } from '../../src/domain/messages';
import type { MessageView } from '../../src/domain/views';
import { createAgent } from '../../src/services/agents/agents';
import { ingest } from '../../src/services/ingest/ingest';
import { setStatus } from '../../src/services/conversations/conversations';
import { visitorTyping } from '../../src/services/conversations/threads';
import { testConfig } from '../helpers/env';
import { connected, nextEvent } from '../helpers/sockets';
import { startTestHub } from '../helpers/hub';

let hub: Awaited<ReturnType<typeof startTestHub>>;
const sockets: Socket[] = [];
const tokens: Record<string, string> = {};
const PASSWORD = 'doğru-parola-123';

const inbound = (address: string, text: string): InboundMessage => ({
  channel: 'webchat',
  dedupeKey: `webchat:${new Types.ObjectId()}`,
  from: { address, name: 'Mehmet Öz' },
  text,
  attachments: [],
  sentAt: new Date().toISOString(),
});

function open(auth?: { token: string }, headers?: Record<string, string>): Socket {
  const s = connect(`${hub.url}/agents`, { auth, extraHeaders: headers, transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(s);
  return s;
}
const next = <T>(s: Socket, event: string, ms = 5000) => nextEvent<T>(s, event, undefined, ms);
const ack = (s: Socket, event: string, payload: unknown) => s.timeout(5000).emitWithAck(event, payload) as Promise<{ ok?: true; error?: string }>;

beforeAll(async () => {
  hub = await startTestHub(testConfig('agentsock'), 'hub');
  for (const name of ['ali', 'veli']) {
    await createAgent(hub.deps.models, { email: `${name}@kanal.test`, name, password: PASSWORD, role: 'agent' });
    const res = await fetch(`${hub.url}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `${name}@kanal.test`, password: PASSWORD }),
    });
    tokens[name] = ((await res.json()) as { token: string }).token;
  }
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await hub.stop();
});

test('a socket without a valid token or cookie is refused', async () => {
  await expect(connected(open())).rejects.toThrow('unauthorized');
  await expect(connected(open({ token: 'garbage' }))).rejects.toThrow('unauthorized');
  await expect(connected(open(undefined, { cookie: 'kanal_session=nope' }))).rejects.toThrow('unauthorized');
});

test('the session cookie works as well as auth.token', async () => {
  const s = open(undefined, { cookie: `other=1; kanal_session=${tokens.ali}` });
  await connected(s);
  expect(s.connected).toBe(true);
  s.disconnect();
});

test('the session cookie is refused from another site\'s page; a page of ours and an explicit token are not', async () => {
  const cookie = `kanal_session=${tokens.ali}`;
  await expect(connected(open(undefined, { cookie, origin: 'https://evil.example' }))).rejects.toThrow('cross-site');
  const ours = open(undefined, { cookie, origin: hub.url! });
  await connected(ours);
  ours.disconnect();
  const api = open({ token: tokens.ali! }, { origin: 'https://integration.example' });
  await connected(api);
  api.disconnect();
});

test('an agent receives message.created (inbox room) when a message is ingested with real events', async () => {
  const s = open({ token: tokens.ali! });
  await connected(s);
  const got = next<MessageView>(s, AgentEvents.messageCreated);
  await ingest(hub.deps.models, hub.deps.events, inbound('visitor-mehmet', 'Merhaba, iade yapmak istiyorum'));
  const view = await got;
  expect(view).toMatchObject({ direction: 'in', channel: 'webchat', text: 'Merhaba, iade yapmak istiyorum' });
});

test('agents with the conversation open get the whole message; every other agent only its summary', async () => {
  const first = await ingest(hub.deps.models, null, inbound('visitor-long', 'İlk mesaj'));
  const ali = open({ token: tokens.ali! });
  const veli = open({ token: tokens.veli! });
  await Promise.all([connected(ali), connected(veli)]);
  expect(await ack(ali, 'conversation:join', { conversationId: first.conversationId })).toEqual({ ok: true });
  const long = `Sipariş ${'ayrıntı '.repeat(400)}`;
  const toAli = next<MessageView>(ali, AgentEvents.messageCreated);
  const toVeli = next<MessageView>(veli, AgentEvents.messageCreated);
  await ingest(hub.deps.models, hub.deps.events, { ...inbound('visitor-long', long), html: `<p>${long}</p>` });
  const [whole, summary] = await Promise.all([toAli, toVeli]);
  expect(whole.text).toBe(long);
  expect(whole.html).toContain('<p>Sipariş');
  expect(whole.summary).toBeUndefined();
  expect(summary).toMatchObject({ id: whole.id, conversationId: first.conversationId, direction: 'in', summary: true });
  expect(summary.html).toBeUndefined();
  expect(long.startsWith(summary.text)).toBe(true);
  expect(summary.text.length).toBeLessThan(400);
});

test('typing is relayed to the other agent in the conversation room', async () => {
  const { conversationId } = await ingest(hub.deps.models, null, inbound('visitor-typing', 'yazıyor muyum?'));
  const ali = open({ token: tokens.ali! });
  const veli = open({ token: tokens.veli! });
  await Promise.all([connected(ali), connected(veli)]);
  expect(await ack(veli, 'conversation:join', { conversationId })).toEqual({ ok: true });
  const got = next<Record<string, unknown>>(veli, AgentEvents.typing);
  expect(await ack(ali, 'typing', { conversationId, typing: true })).toEqual({ ok: true });
  expect(await got).toMatchObject({ conversationId, from: 'agent', typing: true, agentName: 'ali' });

  // After leaving, veli no longer hears it. The proof: typing in a conversation veli is still in, sent after it,
  // reaches veli alone (events of one hub reach a socket in the order they were sent).
  const { conversationId: other } = await ingest(hub.deps.models, null, inbound('visitor-typing-2', 'ben de buradayım'));
  expect(await ack(veli, 'conversation:join', { conversationId: other })).toEqual({ ok: true });
  expect(await ack(veli, 'conversation:leave', { conversationId })).toEqual({ ok: true });
  const heard: string[] = [];
  veli.on(AgentEvents.typing, (p: { conversationId: string }) => heard.push(p.conversationId));
  const marker = nextEvent<{ conversationId: string }>(veli, AgentEvents.typing, (p) => p.conversationId === other);
  expect(await ack(ali, 'typing', { conversationId, typing: false })).toEqual({ ok: true });
  expect(await ack(ali, 'typing', { conversationId: other, typing: true })).toEqual({ ok: true });
  await marker;
  expect(heard).toEqual([other]);
});

test('a visitor typing reaches the agents in their open conversation, and stops once it is resolved', async () => {
  const { conversationId } = await ingest(hub.deps.models, null, inbound('visitor-types', 'bir saniye...'));
  const s = open({ token: tokens.veli! });
  await connected(s);
  expect(await ack(s, 'conversation:join', { conversationId })).toEqual({ ok: true });
  const got = next<Record<string, unknown>>(s, AgentEvents.typing);
  await visitorTyping(hub.deps.models, hub.deps.events, 'webchat', 'visitor-types', true);
  expect(await got).toMatchObject({ conversationId, from: 'customer', typing: true });

  await setStatus(hub.deps.models, new Types.ObjectId(conversationId), 'resolved');
  const silent = next(s, AgentEvents.typing, 400);
  await visitorTyping(hub.deps.models, hub.deps.events, 'webchat', 'visitor-types', false);
  await expect(silent).rejects.toThrow(/no typing/);
});

test('agent typing on a web chat conversation is also published to the visitor (widget namespace, via Redis)', async () => {
  const { conversationId } = await ingest(hub.deps.models, null, inbound('visitor-sees-typing', 'orada mısınız?'));
  // Listen where the Redis emitter publishes for the /widget namespace (the widget side is another module).
  const sub = hub.deps.redis.duplicate();
  const heard = new Promise<string>((resolve) => sub.on('pmessageBuffer', (_p: Buffer, _c: Buffer, msg: Buffer) => {
    const text = msg.toString('latin1');
    if (text.includes('agent:typing')) resolve(text);
  }));
  await sub.psubscribe(`${hub.deps.config.QUEUE_PREFIX}:socket.io#/widget#*`);
  const s = open({ token: tokens.veli! });
  await connected(s);
  expect(await ack(s, 'typing', { conversationId, typing: true })).toEqual({ ok: true });
  const packet = await heard;
  expect(packet).toContain('visitor:visitor-sees-typing');
  expect(packet).toContain('veli');
  await sub.quit();
});

test('bad payloads are acked with an error and the socket stays usable', async () => {
  const s = open({ token: tokens.ali! });
  await connected(s);
  expect((await ack(s, 'conversation:join', null)).error).toEqual(expect.any(String));
  expect((await ack(s, 'conversation:join', { conversationId: 'nope' })).error).toMatch(/conversationId/);
  expect((await ack(s, 'conversation:join', { conversationId: String(new Types.ObjectId()) })).error).toBe('conversation not found');
  expect((await ack(s, 'typing', { conversationId: String(new Types.ObjectId()), typing: 'yes' })).error).toMatch(/typing/);
  expect((await ack(s, 'typing', { conversationId: String(new Types.ObjectId()), typing: true })).error).toBe('conversation not found');
  s.emit('typing', { bogus: true }); // no ack callback: must not throw either
  const { conversationId } = await ingest(hub.deps.models, null, inbound('visitor-bad', 'hâlâ burada'));
  expect(await ack(s, 'conversation:join', { conversationId })).toEqual({ ok: true });
  expect(s.connected).toBe(true);
});
