import { io as connect, type Socket } from 'socket.io-client';
import { AgentEvents } from '../../src/domain/events';
import { wallboardSchema } from '../../src/http/routes/routing';
import { enqueueInbound } from '../../src/queues';
import { signedInAgent } from '../helpers/agent-api';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { webchatMessage } from '../helpers/messages';
import { waitFor } from '../helpers/process';
import { settleRouting } from '../helpers/routing';
import { connected, nextEvent } from '../helpers/sockets';
import { conversationModel } from '../../src/store/conversations';
import { collectionsOf } from '../../src/store/collections';

// A short grace period so the re-queue after going offline happens within the test.
const config = testConfig('routingpres', { ROUTING_DEFAULT_TEAM: 'Canlı', ROUTING_OFFLINE_GRACE_MS: '300' });
let hub: Awaited<ReturnType<typeof startTestHub>>;
let admin: Awaited<ReturnType<typeof signedInAgent>>;
let sup: Awaited<ReturnType<typeof signedInAgent>>;
let ali: Awaited<ReturnType<typeof signedInAgent>>;
let teamId: string;
let conversationId: string;
const sockets: Socket[] = [];

function open(token: string): Socket {
  const s = connect(`${hub.url}/agents`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(s);
  return s;
}
const ack = (s: Socket, event: string, payload: unknown) => s.timeout(5000).emitWithAck(event, payload) as Promise<{ ok?: true; error?: string; presence?: string; since?: string }>;
const board = async () => wallboardSchema.parse((await sup.api('GET', '/supervisor/wallboard')).body);

beforeAll(async () => {
  hub = await startTestHub(config, 'all');
  teamId = String((await collectionsOf(hub.deps.models).Team.create({ name: 'Canlı', assignmentPolicy: 'least-busy' }))._id);
  admin = await signedInAgent(hub, 'admin@kanal.test', 'Yönetici', 'admin');
  sup = await signedInAgent(hub, 'sup@kanal.test', 'Selin', 'supervisor');
  ali = await signedInAgent(hub, 'ali@kanal.test', 'Ali', 'agent');
  expect((await admin.api('PATCH', `/agents/${ali.id}`, { teamIds: [teamId], capacity: 2 })).status).toBe(200);
}, 60_000);
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await hub.stop();
});

test('the wallboard is for supervisors and admins only', async () => {
  expect((await ali.api('GET', '/supervisor/wallboard')).status).toBe(403);
  expect((await ali.api('GET', '/supervisor/wallboard', undefined, false)).status).toBe(401);
  const b = await board();
  expect(b.teams).toEqual([{ id: teamId, name: 'Canlı', policy: 'least-busy', queueLength: 0, longestWaitMs: 0 }]);
  expect(b.agents.find((a) => a.id === ali.id)).toEqual({ id: ali.id, name: 'Ali', presence: 'offline', presenceSince: null, load: 0, capacity: 2, teamIds: [teamId] });
  expect(b.viewers).toEqual([]);
});

test('presence:set: own presence only, broadcast to the inbox, supervisors told to refresh; then routing starts', async () => {
  const supSocket = open(sup.token);
  const aliSocket = open(ali.token);
  await Promise.all([connected(supSocket), connected(aliSocket)]);
  expect((await ack(aliSocket, 'presence:set', { presence: 'busy' })).error).toMatch(/online, away or offline/);
  const seen = nextEvent<{ agentId: string; presence: string; since: string }>(supSocket, AgentEvents.agentPresence, (p) => p.agentId === ali.id);
  const changed = nextEvent(supSocket, AgentEvents.supervisorChanged);
  const res = await ack(aliSocket, 'presence:set', { presence: 'online' });
  expect(res).toMatchObject({ ok: true, presence: 'online' });
  expect(await seen).toEqual({ agentId: ali.id, presence: 'online', since: res.since });
  await changed;

  await enqueueInbound(hub.deps.queues, webchatMessage('pres-1', 'pres-visitor', 'Merhaba, kargom nerede acaba?'));
  const c = await waitFor(() => conversationModel(hub.deps.db).findOne({ assigneeId: { $ne: null } }).lean(), 20_000, 'routing to Ali');
  conversationId = String(c._id);
  expect(String(c.assigneeId)).toBe(ali.id);
  expect((await board()).agents.find((a) => a.id === ali.id)).toMatchObject({ presence: 'online', presenceSince: res.since, load: 1 });
});

test('who is viewing which conversation: joined, left, gone with the socket', async () => {
  const aliSocket = sockets[1]!;
  expect(await ack(aliSocket, 'conversation:join', { conversationId })).toEqual({ ok: true });
  expect((await board()).viewers).toEqual([{ conversationId, customerName: 'Ayşe Yılmaz', agentIds: [ali.id] }]);
  expect(await ack(aliSocket, 'conversation:leave', { conversationId })).toEqual({ ok: true });
  expect((await board()).viewers).toEqual([]);
});

test('back online within the grace period: nothing is re-queued', async () => {
  const aliSocket = sockets[1]!;
  const off = await ack(aliSocket, 'presence:set', { presence: 'offline' });
  expect(await ack(aliSocket, 'presence:set', { presence: 'online' })).toMatchObject({ ok: true, presence: 'online' });
  const jobId = `offline_${ali.id}_${Date.parse(off.since!)}`;
  const job = await waitFor(async () => {
    const j = await hub.deps.queues.routing.getJob(jobId);
    // Read again once completed: the copy fetched before it finished holds no return value yet.
    return j && (await j.isCompleted()) ? hub.deps.queues.routing.getJob(jobId) : null;
  }, 20_000, 'the grace job');
  expect(job.returnvalue).toEqual({ requeued: 0 });
  expect(String((await conversationModel(hub.deps.db).findById(conversationId).lean())!.assigneeId)).toBe(ali.id);
});

test('an agent whose last socket goes is offline; after the grace period their open conversations are re-queued', async () => {
  const aliSocket = sockets[1]!;
  expect(await ack(aliSocket, 'conversation:join', { conversationId })).toEqual({ ok: true });
  const supSocket = sockets[0]!;
  const offline = nextEvent<{ agentId: string; presence: string }>(supSocket, AgentEvents.agentPresence, (p) => p.agentId === ali.id && p.presence === 'offline');
  aliSocket.disconnect();
  await offline;
  await waitFor(async () => !(await conversationModel(hub.deps.db).findById(conversationId).lean())?.assigneeId, 20_000, 'the re-queue');
  await settleRouting(hub);
  const texts = (await collectionsOf(hub.deps.models).Message.find({ conversationId, kind: 'event' }).sort({ createdAt: 1 }).lean()).map((m) => m.text);
  expect(texts).toEqual([
    expect.stringMatching(/^Routed to Ali by least-busy in team Canlı: least busy \(load 0\/2\)/),
    'Re-queued: Ali has been offline for 300 ms',
    'Queued in team Canlı at position 1 (least-busy: no agent of the team is online)',
  ]);
  const b = await board();
  expect(b.teams[0]).toMatchObject({ queueLength: 1 });
  expect(b.agents.find((a) => a.id === ali.id)).toMatchObject({ presence: 'offline', load: 0 });
  expect(b.viewers).toEqual([]);

  // Back online: the waiting conversation is assigned at once.
  const again = open(ali.token);
  await connected(again);
  await ack(again, 'presence:set', { presence: 'online' });
  await waitFor(async () => String((await conversationModel(hub.deps.db).findById(conversationId).lean())?.assigneeId) === ali.id, 20_000, 'routing after coming back');
  expect((await board()).teams[0]).toMatchObject({ queueLength: 0, longestWaitMs: 0 });
});
