import { Types } from 'mongoose';
import { io as connect, type Socket } from 'socket.io-client';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { FLOODER_CLOSE_GRACE_MS, MAX_REFUSALS, PAUSE_AFTER_REFUSALS, PAUSE_MS, TYPING_RELAY_MS } from '../../channels/webchat/ingress';
import { SESSION_COOKIE } from '../../src/http/session';
import { HOLD_MAX_MS, HOLD_PER_ADDRESS } from '../../src/services/rate-limit/refusal-hold';
import { REFUSALS_BEFORE_EARLY } from '../../src/realtime/handshake-guard';
import { AgentEvents } from '../../src/domain/events';
import type { InboundMessage } from '../../src/domain/messages';
import { startHub, type Hub } from '../../src/hub';
import { ingest } from '../../src/services/ingest/ingest';
import { RateLimiter } from '../../src/services/rate-limit/rate-limiter';
import { signedInAgent } from '../helpers/agent-api';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { waitFor } from '../helpers/process';
import { connected, nextEvent } from '../helpers/sockets';

// Small budgets, so a flood is a few dozen requests: per visitor, per client address / window.
const config = testConfig('ratelimit', {
  TRUST_PROXY: 'loopback', // the tests are the proxy: X-Forwarded-For names the client (one address per test)
  WIDGET_RATE_SESSION: '4,8/600s',
  WIDGET_RATE_SEND: '3,1000/600s',
  WIDGET_RATE_HISTORY: '5,12/600s',
  WIDGET_RATE_TYPING: '6,1000/600s',
  WIDGET_RATE_CONNECT: '6,1000/600s',
});
let hub: Awaited<ReturnType<typeof startTestHub>>;
/** A second hub node on the same Redis and store that trusts no proxy (X-Forwarded-For is ignored there). */
let nodeB: Hub;
let agent: Awaited<ReturnType<typeof signedInAgent>>;
const sockets: Socket[] = [];

type Ack = { ok?: true; error?: string; code?: string; retryAfterMs?: number; messages?: unknown[] };

beforeAll(async () => {
  hub = await startTestHub(config, 'all');
  nodeB = await startHub({ ...config, TRUST_PROXY: undefined }, 'hub');
  agent = await signedInAgent(hub, 'selin@kanal.test', 'Selin');
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await nodeB.close();
  await hub.stop();
});

async function session(ip: string | null, body: Record<string, unknown> = {}, base = hub.url!) {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(ip ? { 'x-forwarded-for': ip } : {}) };
  const res = await fetch(`${base}/api/widget/session`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { token: string; visitorId: string; error?: string; retryAfterMs?: number } };
}
async function socketOf(token: string, ip: string | null, base = hub.url!) {
  const s = connect(`${base}/widget`, { auth: { token }, extraHeaders: ip ? { 'x-forwarded-for': ip } : {}, transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(s);
  await connected(s);
  return s;
}
async function visitor(ip: string) {
  const { body } = await session(ip);
  return { ...body, ip, socket: await socketOf(body.token, ip) };
}
const ack = (s: Socket, event: string, payload?: unknown) => s.timeout(10_000).emitWithAck(event, payload) as Promise<Ack>;
const limited = (a: Ack) => a.code === 'rate_limited';
const inbound = (visitorId: string, text: string): InboundMessage => ({
  channel: 'webchat', dedupeKey: `webchat:${new Types.ObjectId()}`, from: { address: visitorId }, text, attachments: [], sentAt: new Date().toISOString(),
});

test('a visitor flooding history gets rate_limited acks past its budget; another visitor and an agent are unaffected', async () => {
  const flooder = await visitor('10.0.1.1');
  const other = await visitor('10.0.1.2');
  const acks = await Promise.all(Array.from({ length: 40 }, () => ack(flooder.socket, 'history', { limit: 50 })));
  expect(acks.filter((a) => a.messages)).toHaveLength(5);
  const refused = acks.filter(limited);
  expect(refused).toHaveLength(35);
  expect(refused[0]).toMatchObject({ error: 'rate limited, slow down', code: 'rate_limited' });
  expect(refused.every((a) => a.retryAfterMs! > 0 && a.retryAfterMs! <= 600_000)).toBe(true);
  expect(await ack(other.socket, 'history', {})).toEqual({ messages: [] });
  expect((await agent.api('GET', '/me')).status).toBe(200);
  expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);
});

test('a socket that keeps sending past its budget is not read for a while; another visitor is answered meanwhile', async () => {
  const flooder = await visitor('10.0.1.4');
  const other = await visitor('10.0.1.5');
  const acks: Array<{ at: number; ack: Ack }> = [];
  const sent: Promise<void>[] = [];
  for (let i = 0; i < 30; i++) {
    sent.push(ack(flooder.socket, 'history', {}).then((a) => void acks.push({ at: Date.now(), ack: a })));
    await new Promise((r) => setImmediate(r)); // each request in its own write
  }
  // Past PAUSE_AFTER_REFUSALS refusals the hub stops reading this socket for up to PAUSE_MS...
  await waitFor(async () => acks.filter((a) => limited(a.ack)).length >= PAUSE_AFTER_REFUSALS, 10_000, 'the first refusals');
  const pausedAt = Date.now();
  // ...while another visitor's request is answered at once.
  expect(await ack(other.socket, 'history', {})).toEqual({ messages: [] });
  expect(Date.now() - pausedAt).toBeLessThan(PAUSE_MS / 2);
  await Promise.all(sent);
  expect(acks.filter((a) => a.ack.messages)).toHaveLength(5);
  expect(acks.filter((a) => limited(a.ack))).toHaveLength(25);
  // The rest of the flood was answered only after the pause (all 30 were written within a few milliseconds).
  const spread = Math.max(...acks.map((a) => a.at)) - Math.min(...acks.map((a) => a.at));
  expect(spread).toBeGreaterThanOrEqual(PAUSE_MS * 0.8);
});

/** The raw WebSocket under a connected Socket.IO client, to write frames to it exactly as a flooder would. */
const rawSocketOf = (s: Socket) => (s.io.engine.transport as unknown as { ws: { _socket: net.Socket } }).ws._socket;
/** One masked WebSocket text frame (a client's frames are masked; a zero mask keeps the payload as it is). */
function textFrame(payload: string): Buffer {
  const data = Buffer.from(payload);
  if (data.length >= 126) throw new Error('short frames only');
  return Buffer.concat([Buffer.from([0x81, 0x80 | data.length, 0, 0, 0, 0]), data]);
}

test('a visitor whose frames arrive by the hundred in one write takes turns with another visitor', async () => {
  const flooder = await visitor('10.0.1.7');
  const other = await visitor('10.0.1.8');
  // The order in which the hub takes up each event (before any limit): who sent it.
  const order: string[] = [];
  const whoIs = new Map([[flooder.socket.id, 'flooder'], [other.socket.id, 'other']]);
  for (const s of hub.io!.of('/widget').sockets.values()) {
    if (whoIs.has(s.id)) s.onAny(() => order.push(whoIs.get(s.id)!));
  }
  const typing = textFrame('42/widget,["typing",{"typing":true}]');
  const FLOOD = 150; // under MAX_REFUSALS: the socket stays open, every frame is taken up
  expect(FLOOD).toBeLessThan(MAX_REFUSALS);
  // Both writes reach the hub before it reads either: the flooder's 150 frames first, then the other's one.
  rawSocketOf(flooder.socket).write(Buffer.concat(Array.from({ length: FLOOD }, () => typing)));
  rawSocketOf(other.socket).write(typing);
  await waitFor(async () => order.length === FLOOD + 1, 10_000, 'every frame taken up');
  // One frame of each connection per turn of the loop: the other visitor's comes after a frame or two of the flood,
  // not after all of it.
  expect(order.indexOf('other')).toBeLessThan(5);
});

test('history pages are capped at 50 messages', async () => {
  const v = await visitor('10.0.1.3');
  expect((await ack(v.socket, 'history', { limit: 51 })).error).toMatch(/limit: .*50/);
  expect(await ack(v.socket, 'history', { limit: 50 })).toEqual({ messages: [] });
});

test('visitors behind one address share its budget; another address is unaffected', async () => {
  const [a, b, c] = [await visitor('10.0.2.1'), await visitor('10.0.2.1'), await visitor('10.0.2.1')];
  const d = await visitor('10.0.2.2');
  const answered = async (s: Socket) => (await Promise.all(Array.from({ length: 5 }, () => ack(s, 'history', {})))).filter((x) => x.messages).length;
  expect(await answered(a.socket)).toBe(5);
  expect(await answered(b.socket)).toBe(5);
  expect(await answered(c.socket)).toBe(2); // 12 per address
  expect(await answered(d.socket)).toBe(5);
});

test('message:send is limited per visitor, not per socket: a second tab does not double the budget', async () => {
  const v = await visitor('10.0.3.1');
  const tab2 = await socketOf(v.token, v.ip);
  const send = (s: Socket, i: number) => ack(s, 'message:send', { clientId: `tab-${i}`, text: `mesaj ${i}` });
  expect(await send(v.socket, 1)).toMatchObject({ ok: true });
  expect(await send(tab2, 2)).toMatchObject({ ok: true });
  expect(await send(v.socket, 3)).toMatchObject({ ok: true });
  expect(await send(tab2, 4)).toMatchObject({ error: 'rate limited, slow down', code: 'rate_limited' });
});

test('a typing flood reaches the agent only within its budget; another visitor\'s typing still does', async () => {
  const flooder = await visitor('10.0.4.1');
  const other = await visitor('10.0.4.2');
  const floodConversation = (await ingest(hub.deps.models, null, inbound(flooder.visitorId, 'yazıyorum'))).conversationId;
  const otherConversation = (await ingest(hub.deps.models, null, inbound(other.visitorId, 'ben de'))).conversationId;
  const watcher = connect(`${hub.url}/agents`, { auth: { token: agent.token }, transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(watcher);
  await connected(watcher);
  for (const conversationId of [floodConversation, otherConversation]) {
    expect(await ack(watcher, 'conversation:join', { conversationId: String(conversationId) })).toEqual({ ok: true });
  }
  const relayed: unknown[] = [];
  watcher.on(AgentEvents.typing, (p: { conversationId: string }) => { if (p.conversationId === String(floodConversation)) relayed.push(p); });

  for (let i = 0; i < 200; i++) flooder.socket.emit('typing', { typing: i % 2 === 0 });
  // Every toggle has passed the limiter once an event sent after them is answered (the socket keeps their order).
  expect(limited(await ack(flooder.socket, 'message:send', { clientId: 'after-typing-1', text: 'bitti' }))).toBe(false);
  const otherTyping = nextEvent<{ conversationId: string }>(watcher, AgentEvents.typing, (p) => p.conversationId === String(otherConversation));
  other.socket.emit('typing', { typing: true });
  await otherTyping;
  expect(relayed.length).toBeGreaterThan(0);
  expect(relayed.length).toBeLessThanOrEqual(6);
});

test('typing reaches the agent at most once a second, the last state winning: toggles in between are one relay', async () => {
  const typist = await visitor('10.0.4.3');
  const conversationId = String((await ingest(hub.deps.models, null, inbound(typist.visitorId, 'merhaba'))).conversationId);
  const watcher = connect(`${hub.url}/agents`, { auth: { token: agent.token }, transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(watcher);
  await connected(watcher);
  expect(await ack(watcher, 'conversation:join', { conversationId })).toEqual({ ok: true });
  const relayed: Array<{ typing: boolean; at: number }> = [];
  watcher.on(AgentEvents.typing, (p: { conversationId: string; typing: boolean }) => { if (p.conversationId === conversationId) relayed.push({ typing: p.typing, at: Date.now() }); });
  // Five toggles at once (within the budget of 6), ending with "stopped".
  const stopped = nextEvent<{ typing: boolean }>(watcher, AgentEvents.typing, (p) => p.typing === false);
  for (const t of [true, false, true, false, true, false]) typist.socket.emit('typing', { typing: t });
  await stopped;
  // The first at once, then only the last state, a second later.
  expect(relayed.map((r) => r.typing)).toEqual([true, false]);
  expect(relayed[1]!.at - relayed[0]!.at).toBeGreaterThanOrEqual(TYPING_RELAY_MS - 50);
});

test('a socket that keeps flooding after being refused is told why, then closed; the visitor may connect again', async () => {
  const v = await visitor('10.0.4.3');
  const seen: unknown[] = [];
  v.socket.on('rate:limited', (notice: { closing?: boolean }) => seen.push(notice));
  const closed = new Promise<string>((resolve) => v.socket.once('disconnect', (reason) => { seen.push('disconnect'); resolve(reason); }));
  for (let i = 0; i < MAX_REFUSALS + 50; i++) v.socket.emit('typing', { typing: i % 2 === 0 });
  expect(await closed).toBe('io server disconnect');
  // Typing has no ack: its first refusal is told as an event; the last word before the close says it is closing.
  const notice = { error: 'rate limited, slow down', code: 'rate_limited', event: 'typing', retryAfterMs: expect.any(Number) };
  expect(seen[0]).toEqual(notice);
  expect(seen.slice(-2)).toEqual([{ ...notice, closing: true }, 'disconnect']);
  expect((seen.at(-2) as { retryAfterMs: number }).retryAfterMs).toBeGreaterThanOrEqual(10_000);
  expect(seen.length).toBeLessThan(10); // told once per refusal period, not once per refused event
  const again = await socketOf(v.token, v.ip);
  expect(again.connected).toBe(true);
});

test('events the widget never sends are dropped and counted: a socket flooding them is closed too', async () => {
  const v = await visitor('10.0.4.9');
  const closed = new Promise<string>((resolve) => v.socket.once('disconnect', resolve));
  const notices: Array<{ closing?: boolean; event?: string }> = [];
  v.socket.on('rate:limited', (n: { closing?: boolean; event?: string }) => notices.push(n));
  for (let i = 0; i < MAX_REFUSALS + 10; i++) v.socket.emit('admin:delete-everything', { i });
  expect(await closed).toBe('io server disconnect');
  expect(notices).toEqual([expect.objectContaining({ closing: true, event: 'admin:delete-everything' })]);
});

test('a flooder that never answers the close is cut off within moments, not after the WebSocket close timeout', async () => {
  const ip = '10.0.4.8';
  const { body } = await session(ip);
  const { port } = new URL(hub.url!);
  const raw = net.connect(Number(port), '127.0.0.1');
  raw.on('error', () => {}); // writes after the hub cut the connection fail: that is the point
  await new Promise<void>((resolve) => raw.once('connect', () => resolve()));
  raw.write([
    'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1', `Host: 127.0.0.1:${port}`, 'Upgrade: websocket', 'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`, 'Sec-WebSocket-Version: 13', `X-Forwarded-For: ${ip}`, '', '',
  ].join('\r\n'));
  let received = '';
  const closingNotice = new Promise<number>((resolve) => {
    raw.on('data', (d: Buffer) => {
      received += d.toString('latin1');
      if (received.includes('"closing":true')) resolve(Date.now());
    });
  });
  const cut = new Promise<number>((resolve) => raw.once('close', () => resolve(Date.now())));
  await waitFor(async () => received.includes('"sid"'), 10_000, 'the engine.io open packet');
  raw.write(wsFrame(`40/widget,${JSON.stringify({ token: body.token })}`));
  await waitFor(async () => received.includes('40/widget,'), 10_000, 'the namespace connect');
  // Typing toggles, never answering anything (a client would answer the close frame): a flood past the budget.
  const flood = setInterval(() => {
    if (!raw.destroyed) raw.write(Buffer.concat(Array.from({ length: 50 }, (_, i) => wsFrame(`42/widget,["typing",{"typing":${i % 2 === 0}}]`))));
  }, 5);
  try {
    const told = await closingNotice;
    const gone = await Promise.race([cut, new Promise<number>((r) => setTimeout(() => r(Number.POSITIVE_INFINITY), 15_000))]);
    expect(gone - told).toBeLessThan(15_000); // ws alone would read on for 30 s
    expect(gone - told).toBeGreaterThanOrEqual(FLOODER_CLOSE_GRACE_MS - 50);
  } finally {
    clearInterval(flood);
    raw.destroy();
  }
});

/** One masked WebSocket text frame, as a client must send it. */
function wsFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const header = payload.length < 126 ? Buffer.from([0x81, 0x80 | payload.length]) : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 255]);
  return Buffer.concat([header, mask, Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!))]);
}

test('socket connections are limited per visitor: over the budget the connection is refused with retryAfterMs', async () => {
  const { body } = await session('10.0.4.4');
  for (let i = 0; i < 6; i++) await socketOf(body.token, '10.0.4.4');
  const refused = connect(`${hub.url}/widget`, { auth: { token: body.token }, extraHeaders: { 'x-forwarded-for': '10.0.4.4' }, transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(refused);
  const err = (await connected(refused).catch((e: unknown) => e)) as Error & { data?: { code?: string; retryAfterMs?: number } };
  expect(err.message).toBe('rate limited');
  expect(err.data).toMatchObject({ code: 'rate_limited' });
  expect(err.data!.retryAfterMs).toBeGreaterThan(0);
  expect((await visitor('10.0.4.5')).socket.connected).toBe(true); // another visitor and address
});

test('an address that keeps reconnecting after refusals is refused before the handshake; agents and other addresses are not', async () => {
  const ip = '10.0.4.6';
  const { body } = await session(ip);
  for (let i = 0; i < 6; i++) await socketOf(body.token, ip);
  const attempt = async () => {
    const s = connect(`${hub.url}/widget`, { auth: { token: body.token }, extraHeaders: { 'x-forwarded-for': ip }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(s);
    return (await connected(s).then(() => null, (e: unknown) => e)) as (Error & { data?: { code?: string } }) | null;
  };
  // Refused by the namespace (after the handshake), with the reason, until the address has been refused often enough.
  for (let i = 0; i < REFUSALS_BEFORE_EARLY; i++) expect((await attempt())?.message).toBe('rate limited');
  // Then the engine refuses the request itself: no handshake, so no reason either (the client backs off as usual),
  // and only after the wait (at most HOLD_MAX_MS): a client that reconnects at once can do so once a second.
  const earlyAt = Date.now();
  const early = await attempt();
  expect(early?.message).not.toBe('rate limited');
  expect(early?.data?.code).toBeUndefined();
  expect(Date.now() - earlyAt).toBeGreaterThanOrEqual(HOLD_MAX_MS - 5);
  // An agent's console behind the same address still connects (its session cookie), and so does another address.
  const console = connect(`${hub.url}/agents`, { extraHeaders: { 'x-forwarded-for': ip, cookie: `${SESSION_COOKIE}=${agent.token}`, origin: hub.url! }, transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(console);
  await connected(console);
  expect((await visitor('10.0.4.7')).socket.connected).toBe(true);
});

test('session creation is limited per address and per visitor token, with 429 and Retry-After', async () => {
  const statuses = [];
  let last: Awaited<ReturnType<typeof session>> | undefined;
  for (let i = 0; i < 12; i++) {
    last = await session('10.0.5.1');
    statuses.push(last.status);
  }
  expect(statuses).toEqual([...Array(8).fill(200), ...Array(4).fill(429)]);
  expect(Number(last!.retryAfter)).toBeGreaterThanOrEqual(1);
  expect(last!.body).toMatchObject({ error: 'too many requests, retry later' });
  expect(last!.body.retryAfterMs).toBeGreaterThan(0);
  // Once the address is known to be over its budget, the request is refused before its body is read (no 400 for it).
  const unread = await fetch(`${hub.url}/api/widget/session`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.0.5.1' }, body: '{not json' });
  expect(unread.status).toBe(429);
  expect(Number(unread.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  // The host page's widget reads the refusal cross-origin: CORS and the exposed Retry-After come with it.
  expect(unread.headers.get('access-control-allow-origin')).toBe('*');
  expect(unread.headers.get('access-control-expose-headers')).toBe('retry-after');
  expect(await unread.json()).toMatchObject({ error: 'too many requests, retry later', retryAfterMs: expect.any(Number) });
  expect((await session('10.0.5.2')).status).toBe(200); // another address

  // One visitor renewing its token over and over: 4 per visitor, while its address still has room for others.
  const first = await session('10.0.5.3');
  let token = first.body.token;
  for (let i = 0; i < 4; i++) {
    const renewed = await session('10.0.5.3', { token });
    expect(renewed.status).toBe(200);
    token = renewed.body.token;
  }
  expect((await session('10.0.5.3', { token })).status).toBe(429);
  expect((await session('10.0.5.3')).status).toBe(200);
});

test('a refused session request is answered after its wait (at most a second), with the wait left; past 32 held at once an address is answered at once', async () => {
  const ip = '10.0.5.9';
  while ((await session(ip)).status !== 429); // its budget spent (8 sessions); the wait is minutes
  const sentAt = Date.now();
  const answers: Array<{ at: number; status: number; retryAfterMs: number; retryAfter: number }> = [];
  await Promise.all(Array.from({ length: HOLD_PER_ADDRESS + 8 }, async () => {
    const r = await session(ip);
    answers.push({ at: Date.now(), status: r.status, retryAfterMs: r.body.retryAfterMs!, retryAfter: Number(r.retryAfter) });
  }));
  expect(answers.every((a) => a.status === 429)).toBe(true);
  // The 8 over the address' share came first, with the whole wait; the 32 held after HOLD_MAX_MS, with that much less.
  const [unheld, held] = [answers.slice(0, 8), answers.slice(8)];
  expect(held.every((a) => a.at - sentAt >= HOLD_MAX_MS - 5)).toBe(true);
  expect(Math.min(...unheld.map((a) => a.retryAfterMs)) - Math.max(...held.map((a) => a.retryAfterMs))).toBeGreaterThan(HOLD_MAX_MS * 0.5);
  expect(held.every((a) => a.retryAfter >= 1 && a.retryAfterMs > 0)).toBe(true);
});

test('budgets hold across hub nodes, and a node that trusts no proxy ignores a forged X-Forwarded-For', async () => {
  // History: the same visitor on two nodes draws on one budget of 5.
  const v = await visitor('10.0.6.1');
  const onB = await socketOf(v.token, '10.0.6.1', nodeB.url);
  for (let i = 0; i < 3; i++) expect((await ack(v.socket, 'history', {})).messages).toEqual([]);
  expect((await ack(onB, 'history', {})).messages).toEqual([]);
  expect((await ack(onB, 'history', {})).messages).toEqual([]);
  expect(limited(await ack(onB, 'history', {}))).toBe(true);
  expect(limited(await ack(v.socket, 'history', {}))).toBe(true);

  // Sessions from this machine's own address (8 of them): half on each node; node B ignores the forged header.
  const statuses = [];
  for (let i = 0; i < 5; i++) statuses.push((await session(null)).status);
  for (let i = 0; i < 5; i++) statuses.push((await session(`192.0.2.${i}`, {}, nodeB.url)).status);
  expect(statuses).toEqual([...Array(8).fill(200), 429, 429]);
});

test('a budget refills at its rate, a refused request does not count, and one key over its limit refuses the request', async () => {
  const limiter = new RateLimiter(hub.deps.redis);
  const key = (k: string) => `${config.QUEUE_PREFIX}:rl:test:${k}`;
  const rules = (limit: number) => [{ key: key('a'), limit, windowMs: 600 }, { key: key('shared'), limit: 100, windowMs: 600_000 }];
  expect(await limiter.take(rules(3))).toEqual({ allowed: true });
  expect(await limiter.take(rules(3))).toEqual({ allowed: true });
  expect(await limiter.take(rules(3))).toEqual({ allowed: true });
  const refused = await limiter.take(rules(3));
  expect(refused.allowed).toBe(false);
  const wait = (refused as { retryAfterMs: number }).retryAfterMs;
  expect(wait).toBeGreaterThan(0);
  expect(wait).toBeLessThanOrEqual(200); // one per 600/3 ms
  expect((await limiter.take(rules(3))).allowed).toBe(false); // still refused (this node remembers it)
  await new Promise((r) => setTimeout(r, wait + 20)); // the time the limiter itself named
  expect(await limiter.take(rules(3))).toEqual({ allowed: true });
  // The shared key counted only the 4 allowed requests, not the 2 refused ones.
  const other = new RateLimiter(hub.deps.redis);
  for (let i = 0; i < 96; i++) expect((await other.take([{ key: key('shared'), limit: 100, windowMs: 600_000 }])).allowed).toBe(true);
  expect((await other.take([{ key: key('shared'), limit: 100, windowMs: 600_000 }])).allowed).toBe(false);
});

test('the local pre-check never allows more than the shared budget across two hub nodes, and spares Redis the refusals', async () => {
  const key = (k: string) => `${config.QUEUE_PREFIX}:rl:test:two-nodes:${k}`;
  const onA = new RateLimiter(hub.deps.redis);
  const onB = new RateLimiter(nodeB.deps.redis);
  const budget = [{ key: key('flood'), limit: 20, windowMs: 600_000 }]; // one more every 30 s: no refill during the test
  // 300 requests at once, alternating between the nodes: exactly the shared 20 pass.
  const burst = await Promise.all(Array.from({ length: 300 }, (_, i) => (i % 2 ? onB : onA).take(budget)));
  expect(burst.filter((d) => d.allowed)).toHaveLength(20);
  // Each node asked Redis at most for what its own bucket had room for; every other refusal cost no Redis call.
  expect(onA.stats.redisCalls + onB.stats.redisCalls).toBeLessThanOrEqual(40);
  expect(onA.stats.refusedLocally + onB.stats.refusedLocally).toBeGreaterThanOrEqual(260);
  const calls = onA.stats.redisCalls + onB.stats.redisCalls;
  const again = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? onB : onA).take(budget)));
  expect(again.every((d) => !d.allowed)).toBe(true);
  expect(onA.stats.redisCalls + onB.stats.redisCalls).toBe(calls); // both nodes now know: no Redis call at all
  expect(onA.refusedFor(budget)).toBeGreaterThan(0);

  // A node whose own bucket still has room does not allow on its own: node B spent the shared budget, so A is refused.
  const shared = [{ key: key('spent-elsewhere'), limit: 10, windowMs: 600_000 }];
  const a = new RateLimiter(hub.deps.redis);
  const b = new RateLimiter(nodeB.deps.redis);
  expect((await a.take(shared)).allowed).toBe(true);
  for (let i = 0; i < 9; i++) expect((await b.take(shared)).allowed).toBe(true);
  expect(a.refusedFor(shared)).toBe(0); // A has seen 1 of 10: it does not know, so it asks
  expect((await a.take(shared)).allowed).toBe(false);
  expect(a.stats).toMatchObject({ redisCalls: 2, refusedByRedis: 1, allowed: 1 });
});
