import { io as connect, type Socket } from 'socket.io-client';
import { AgentEvents } from '../../src/domain/events';
import type { ConversationView, MessageView } from '../../src/domain/views';
import { enqueueInbound } from '../../src/queues';
import { routingDeps } from '../../src/services/routing/routing';
import { signedInAgent } from '../helpers/agent-api';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { emailMessage, webchatMessage } from '../helpers/messages';
import { waitFor } from '../helpers/process';
import { onlineAgent, settleRouting } from '../helpers/routing';
import { connected, nextEvent } from '../helpers/sockets';
import { collectionsOf } from '../../src/store/collections';
import { conversationModel } from '../../src/store/conversations';

// A merge resolves the source's open conversation like any resolve does: the assignee's routing load is released
// (so the next waiting conversation is routed to them at capacity 1), the resolved fact and the thread event are
// recorded and published. The undo reopens it through the same path: the assignee's load counts it again.
const config = testConfig('mergefx', { ROUTING_DEFAULT_TEAM: 'Tek' });
let hub: Awaited<ReturnType<typeof startTestHub>>;
let admin: Awaited<ReturnType<typeof signedInAgent>>;
let socket: Socket;

beforeAll(async () => {
  hub = await startTestHub(config, 'all');
  admin = await signedInAgent(hub, 'admin@kanal.test', 'Yönetici', 'admin');
  await collectionsOf(hub.deps.models).Team.create({ name: 'Tek', assignmentPolicy: 'least-busy' });
  socket = connect(`${hub.url}/agents`, { auth: { token: admin.token }, transports: ['websocket'], reconnection: false, forceNew: true });
  await connected(socket);
}, 60_000);
afterAll(async () => {
  socket.disconnect();
  await hub.stop();
});

/** A customer writes; resolves with their conversation once it is stored. */
async function arrive(msg: ReturnType<typeof webchatMessage>) {
  await enqueueInbound(hub.deps.queues, msg);
  const stored = await waitFor(() => collectionsOf(hub.deps.models).Message.findOne({ dedupeKey: msg.dedupeKey }).lean(), 20_000, 'ingest');
  return { customerId: String(stored.customerId), conversationId: String(stored.conversationId) };
}
const conversation = (id: string) => conversationModel(hub.deps.db).findById(id).lean();

test('merging away a customer whose open conversation is assigned frees the agent for the next one in the queue', async () => {
  const team = await collectionsOf(hub.deps.models).Team.findOne({ name: 'Tek' }).lean();
  const agent = await onlineAgent(hub, 'Tülay', String(team!._id), { capacity: 1 });
  const load = async () => (await routingDeps(hub.deps).state.loads([agent.id])).get(agent.id);

  const source = await arrive(webchatMessage('mfx-1', 'mfx-visitor', 'Merhaba, siparişim nerede?'));
  await waitFor(async () => String((await conversation(source.conversationId))?.assigneeId) === agent.id, 20_000, 'the first conversation routed');
  const target = await arrive(emailMessage('mfx-2', 'ayse.mfx@example.com', 'Aynı sipariş için e-posta'));
  await settleRouting(hub);
  expect((await conversation(target.conversationId))?.assigneeId ?? null).toBeNull(); // the agent is at capacity: it waits
  expect(await load()).toBe(1);

  const updated = nextEvent<ConversationView>(socket, AgentEvents.conversationUpdated, (c) => c.id === source.conversationId && c.status === 'resolved');
  const merged = await admin.api('POST', `/customers/${target.customerId}/merge`, { sourceId: source.customerId });
  expect(merged.status).toBe(200);
  await updated; // published to the agents' inbox

  // The freed place goes to the waiting conversation (routing drained the agent's team).
  await waitFor(async () => String((await conversation(target.conversationId))?.assigneeId) === agent.id, 20_000, 'the waiting conversation routed to the freed agent');
  expect(await load()).toBe(1);
  const facts = await hub.deps.models.metricEvents.ofConversation(source.conversationId);
  expect(facts.filter((f) => f.type === 'resolved').map((f) => String(f.agentId))).toEqual([agent.id]);
  const thread = (await admin.api<{ items: MessageView[] }>('GET', `/customers/${target.customerId}/thread`)).body.items;
  expect(thread.filter((m) => m.kind === 'event' && m.conversationId === source.conversationId).map((m) => m.text))
    .toContain('Yönetici merged this customer into Ayşe Yılmaz: resolved');

  // Undo: the conversation is open again with its assignee, who carries it again (a manual decision may exceed capacity).
  expect((await admin.api('POST', `/audit/${merged.body.auditId}/undo`)).status).toBe(200);
  expect(await conversation(source.conversationId)).toMatchObject({ status: 'open', resolvedAt: null });
  await settleRouting(hub);
  expect(await load()).toBe(2);
}, 90_000);
