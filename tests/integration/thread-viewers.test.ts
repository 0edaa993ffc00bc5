import { Types } from 'mongoose';
import { io as connect, type Socket } from 'socket.io-client';
import { AgentEvents } from '../../src/domain/events';
import type { InboundMessage } from '../../src/domain/messages';
import { createAgent } from '../../src/services/agents/agents';
import { ingest } from '../../src/services/ingest/ingest';
import { testConfig } from '../helpers/env';
import { connected, nextEvent } from '../helpers/sockets';
import { startTestHub } from '../helpers/hub';

// "Selin Kaya is viewing": who has a conversation open reaches its room when someone opens or leaves it.
let hub: Awaited<ReturnType<typeof startTestHub>>;
const sockets: Socket[] = [];
const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};
const PASSWORD = 'doğru-parola-123';

interface Viewers { conversationId: string; viewers: { id: string; name: string }[]; total: number }

const inbound = (address: string): InboundMessage => ({
  channel: 'webchat', dedupeKey: `webchat:${new Types.ObjectId()}`, from: { address, name: 'Mehmet Öz' },
  text: 'Merhaba', attachments: [], sentAt: new Date().toISOString(),
});
async function open(name: string): Promise<Socket> {
  const s = connect(`${hub.url}/agents`, { auth: { token: tokens[name] }, transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(s);
  await connected(s);
  return s;
}
const ack = (s: Socket, event: string, payload: unknown) => s.timeout(5000).emitWithAck(event, payload) as Promise<{ ok?: true; error?: string }>;
const viewersOf = (s: Socket, conversationId: string, names: string[]) =>
  nextEvent<Viewers>(s, AgentEvents.conversationViewers, (p) => p.conversationId === conversationId && p.viewers.map((v) => v.name).sort().join() === names.join());

beforeAll(async () => {
  hub = await startTestHub(testConfig('viewers'), 'hub');
  for (const [key, name] of [['selin', 'Selin Kaya'], ['ali', 'Ali Demir']]) {
    const agent = await createAgent(hub.deps.models, { email: `${key}@kanal.test`, name: name!, password: PASSWORD, role: 'agent' });
    ids[key!] = agent.id;
    const res = await fetch(`${hub.url}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `${key}@kanal.test`, password: PASSWORD }),
    });
    tokens[key!] = ((await res.json()) as { token: string }).token;
  }
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await hub.stop();
});

test('opening, leaving and closing a conversation tells its room who views it, each agent once', async () => {
  const { conversationId } = await ingest(hub.deps.models, null, inbound('visitor-viewers'));
  const ali = await open('ali');
  const aliAlone = viewersOf(ali, conversationId, ['Ali Demir']);
  expect(await ack(ali, 'conversation:join', { conversationId })).toEqual({ ok: true });
  expect(await aliAlone).toMatchObject({ total: 1, viewers: [{ id: ids.ali, name: 'Ali Demir' }] });

  // Selin opens it in two tabs: Ali sees her once.
  const selin = await open('selin');
  const selin2 = await open('selin');
  const both = viewersOf(ali, conversationId, ['Ali Demir', 'Selin Kaya']);
  await ack(selin, 'conversation:join', { conversationId });
  expect((await both).total).toBe(2);
  const stillBoth = nextEvent<Viewers>(ali, AgentEvents.conversationViewers, (p) => p.conversationId === conversationId);
  await ack(selin2, 'conversation:join', { conversationId });
  expect(await stillBoth).toMatchObject({ total: 2 });

  // One tab leaves: she still views it. The other closes: Ali is alone again.
  const oneTab = nextEvent<Viewers>(ali, AgentEvents.conversationViewers, (p) => p.conversationId === conversationId);
  await ack(selin2, 'conversation:leave', { conversationId });
  expect((await oneTab).total).toBe(2);
  const alone = viewersOf(ali, conversationId, ['Ali Demir']);
  selin.disconnect();
  expect(await alone).toMatchObject({ total: 1 });
});

test('a conversation one does not have open tells them nothing of its viewers', async () => {
  const { conversationId: watched } = await ingest(hub.deps.models, null, inbound('visitor-watched'));
  const { conversationId: other } = await ingest(hub.deps.models, null, inbound('visitor-other'));
  const ali = await open('ali');
  const selin = await open('selin');
  await ack(ali, 'conversation:join', { conversationId: watched });
  const heard: string[] = [];
  ali.on(AgentEvents.conversationViewers, (p: Viewers) => heard.push(p.conversationId));
  // Selin opens `other` (Ali must not hear it), then `watched` (the marker Ali does hear, sent after).
  await ack(selin, 'conversation:join', { conversationId: other });
  const marker = viewersOf(ali, watched, ['Ali Demir', 'Selin Kaya']);
  await ack(selin, 'conversation:join', { conversationId: watched });
  await marker;
  expect(heard).not.toContain(other);
});

test('typing a note reaches the other agents in the conversation, flagged as agent typing', async () => {
  const { conversationId } = await ingest(hub.deps.models, null, inbound('visitor-note-typing'));
  const ali = await open('ali');
  const selin = await open('selin');
  await ack(ali, 'conversation:join', { conversationId });
  await ack(selin, 'conversation:join', { conversationId });
  const got = nextEvent<Record<string, unknown>>(ali, AgentEvents.typing, (p) => p.conversationId === conversationId);
  expect(await ack(selin, 'typing', { conversationId, typing: true, note: true })).toEqual({ ok: true });
  expect(await got).toMatchObject({ from: 'agent', typing: true, agentId: ids.selin, agentName: 'Selin Kaya' });
  expect(await ack(selin, 'typing', { conversationId, typing: true, note: 'yes' })).toMatchObject({ error: expect.any(String) });
});

test('typing a note is never published to the web chat visitor; typing a reply is', async () => {
  const { conversationId } = await ingest(hub.deps.models, null, inbound('visitor-note-secret'));
  // Listen where the Redis emitter publishes for the /widget namespace (as agent-socket.test.ts does).
  const sub = hub.deps.redis.duplicate();
  const packets: string[] = [];
  const first = new Promise<void>((resolve) => sub.on('pmessageBuffer', (_p: Buffer, _c: Buffer, msg: Buffer) => {
    const text = msg.toString('latin1');
    if (!text.includes('agent:typing')) return;
    packets.push(text);
    resolve();
  }));
  await sub.psubscribe(`${hub.deps.config.QUEUE_PREFIX}:socket.io#/widget#*`);
  const selin = await open('selin');
  expect(await ack(selin, 'typing', { conversationId, typing: true, note: true })).toEqual({ ok: true });
  // The marker, published after: a reply being typed reaches the visitor, and it is the first packet heard.
  expect(await ack(selin, 'typing', { conversationId, typing: true })).toEqual({ ok: true });
  await first;
  await sub.quit();
  expect(packets).toHaveLength(1);
  expect(packets[0]).toContain('visitor:visitor-note-secret');
});
