import { Types } from 'mongoose';
import { io as connect, type Socket } from 'socket.io-client';
import { AgentEvents } from '../../src/domain/events';
import type { InboundMessage } from '../../src/domain/messages';
import type { MessageView } from '../../src/domain/views';
import { ingest } from '../../src/services/ingest/ingest';
import { collectionsOf } from '../../src/store/collections';
import { signedInAgent } from '../helpers/agent-api';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { connected, nextEvent } from '../helpers/sockets';

// @mentions in private notes: stored on the note, validated, and a notification to each mentioned agent who may
// see the conversation (their own room only).
let hub: Awaited<ReturnType<typeof startTestHub>>;
type Client = Awaited<ReturnType<typeof signedInAgent>>;
let ali: Client; // team A, writes the notes
let selin: Client; // team A
let burak: Client; // team B: may not see team A's conversations in team mode
let admin: Client;
let teamA = '';
const sockets: Socket[] = [];

interface Mention { conversationId: string; messageId: string; from: { id: string; name: string }; preview: string }

const inbound = (address: string): InboundMessage => ({
  channel: 'webchat', dedupeKey: `webchat:${new Types.ObjectId()}`, from: { address, name: 'Zeynep Kaya' },
  text: 'Faturam hatalı', attachments: [], sentAt: new Date().toISOString(),
});
async function teamAConversation(): Promise<string> {
  const r = await ingest(hub.deps.models, hub.deps.events, inbound(`visitor-${new Types.ObjectId()}`));
  await hub.deps.models.conversations.updateById(r.conversationId, { $set: { teamId: new Types.ObjectId(teamA) } });
  return String(r.conversationId);
}
async function socketOf(who: Client): Promise<Socket> {
  const s = connect(`${hub.url}/agents`, { auth: { token: who.token }, transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(s);
  await connected(s);
  return s;
}

beforeAll(async () => {
  hub = await startTestHub(testConfig('mentions'), 'hub');
  admin = await signedInAgent(hub, 'admin@kanal.test', 'Yönetici', 'admin');
  teamA = (await admin.api<{ id: string }>('POST', '/teams', { name: 'Takım A' })).body.id;
  const teamB = (await admin.api<{ id: string }>('POST', '/teams', { name: 'Takım B' })).body.id;
  ali = await signedInAgent(hub, 'ali@kanal.test', 'Ali Demir', 'agent', [teamA]);
  selin = await signedInAgent(hub, 'selin@kanal.test', 'Selin Kaya', 'agent', [teamA]);
  burak = await signedInAgent(hub, 'burak@kanal.test', 'Burak Can', 'agent', [teamB]);
  expect((await admin.api('PUT', '/admin/team-access', { mode: 'team' })).status).toBe(200);
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await hub.stop();
});

test('a mentioned agent, and only they, is notified; the note records whom it mentions', async () => {
  const conversationId = await teamAConversation();
  const [selinSocket, adminSocket] = [await socketOf(selin), await socketOf(admin)];
  const heardByAdmin: string[] = [];
  adminSocket.on(AgentEvents.noteMention, (p: Mention) => heardByAdmin.push(p.messageId));
  const got = nextEvent<Mention>(selinSocket, AgentEvents.noteMention);

  const res = await ali.api<MessageView>('POST', `/conversations/${conversationId}/notes`, { text: '@Selin Kaya   iade\nonayını sen verir misin?', mentions: [selin.id, selin.id] });
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({ kind: 'note', mentions: [selin.id] });
  expect(await got).toEqual({ conversationId, messageId: res.body.id, from: { id: ali.id, name: 'Ali Demir' }, preview: '@Selin Kaya iade onayını sen verir misin?' });

  // The thread keeps the mention. The admin, not mentioned, heard nothing: the proof is a later mention of them.
  const thread = await ali.api<{ items: MessageView[] }>('GET', `/customers/${(await hub.deps.models.conversations.byId(conversationId))!.customerId}/thread`);
  expect(thread.body.items.find((m) => m.id === res.body.id)?.mentions).toEqual([selin.id]);
  const marker = nextEvent<Mention>(adminSocket, AgentEvents.noteMention);
  const second = await ali.api<MessageView>('POST', `/conversations/${conversationId}/notes`, { text: 'Yönetici de baksın', mentions: [admin.id] });
  expect((await marker).messageId).toBe(second.body.id);
  expect(heardByAdmin).toEqual([second.body.id]);
});

test('an agent who may not see the conversation is not told of it', async () => {
  const conversationId = await teamAConversation();
  const burakSocket = await socketOf(burak);
  const heard: string[] = [];
  burakSocket.on(AgentEvents.noteMention, (p: Mention) => heard.push(p.conversationId));
  const res = await ali.api('POST', `/conversations/${conversationId}/notes`, { text: 'ikinize de', mentions: [burak.id, selin.id] });
  expect(res.status).toBe(201);
  // The proof: a later mention of Burak in a conversation he may see (no team) reaches him, and only that one did.
  const { conversationId: open } = await ingest(hub.deps.models, hub.deps.events, inbound(`visitor-${new Types.ObjectId()}`));
  const marker = nextEvent<Mention>(burakSocket, AgentEvents.noteMention);
  expect((await ali.api('POST', `/conversations/${String(open)}/notes`, { text: 'Burak?', mentions: [burak.id] })).status).toBe(201);
  await marker;
  expect(heard).toEqual([String(open)]);
});

test('a mention of an unknown or disabled agent, or a malformed one, is refused before the note is stored', async () => {
  const conversationId = await teamAConversation();
  await signedInAgent(hub, 'kapali@kanal.test', 'Kapalı', 'agent', [teamA]);
  const off = await collectionsOf(hub.deps.models).Agent.findOne({ email: 'kapali@kanal.test' });
  await collectionsOf(hub.deps.models).Agent.updateOne({ email: 'kapali@kanal.test' }, { $set: { disabled: true } });
  for (const mentions of [[String(new Types.ObjectId())], [String(off!._id)], ['selin'], Array.from({ length: 21 }, () => selin.id)]) {
    const res = await ali.api<{ error: string }>('POST', `/conversations/${conversationId}/notes`, { text: 'kime?', mentions });
    expect(res.status).toBe(400);
  }
  const thread = await ali.api<{ items: MessageView[] }>('GET', `/customers/${(await hub.deps.models.conversations.byId(conversationId))!.customerId}/thread`);
  expect(thread.body.items.filter((m) => m.kind === 'note')).toEqual([]);
});
