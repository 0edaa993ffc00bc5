import { Worker } from 'bullmq';
import { enqueueInbound, QueueNames, redisConnection, type RoutingJob } from '../../src/queues';
import { routingProcessor } from '../../workers/routing';
import { routingDeps } from '../../src/services/routing/routing';
import { listNotifications } from '../../src/services/notifications/notifications';
import { signedInAgent } from '../helpers/agent-api';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { webchatMessage } from '../helpers/messages';
import { waitFor } from '../helpers/process';
import { loadsInStore, onlineAgent, settleRouting } from '../helpers/routing';
import { conversationModel } from '../../src/store/conversations';
import { collectionsOf } from '../../src/store/collections';

// Least-busy with capacity 3: 100 conversations arrive at once for 5 agents, routed by two routing workers.
const config = testConfig('routingcap', { ROUTING_DEFAULT_TEAM: 'Destek', WORKER_CONCURRENCY: '8' });
let hub: Awaited<ReturnType<typeof startTestHub>>;
let second: Worker<RoutingJob>;
let secondRedis: ReturnType<typeof redisConnection>;
let sup: Awaited<ReturnType<typeof signedInAgent>>;
let teamId: string;
let order: string[] = [];
const agentIds: string[] = [];

beforeAll(async () => {
  hub = await startTestHub(config, 'all');
  // A second routing worker with its own Redis connection, competing for the same jobs, locks and counters.
  // (Not a second startHub: two full worker sets in one process exhaust FerretDB's PostgreSQL pool on ingest.)
  secondRedis = redisConnection(config.REDIS_URL);
  second = new Worker<RoutingJob>(QueueNames.routing, routingProcessor(routingDeps({ ...hub.deps, redis: secondRedis })), {
    connection: secondRedis, prefix: config.QUEUE_PREFIX, concurrency: 4,
  });
  const team = await collectionsOf(hub.deps.models).Team.create({ name: 'Destek', assignmentPolicy: 'least-busy' });
  teamId = String(team._id);
  for (const name of ['Ayşe', 'Burak', 'Cem', 'Deniz', 'Elif']) agentIds.push((await onlineAgent(hub, name, teamId, { capacity: 3 })).id);
  sup = await signedInAgent(hub, 'sup@kanal.test', 'Selin', 'supervisor');
}, 60_000);
afterAll(async () => {
  await second.close();
  await secondRedis.quit();
  await hub.stop();
});

const maxLoad = async () => Math.max(0, ...(await loadsInStore(hub)).values());
const unassignedOpen = () => conversationModel(hub.deps.db).find({ assigneeId: null, status: 'open' }).lean();

test('100 simultaneous conversations: 15 assigned, nobody above 3, the rest queued in priority then wait order', async () => {
  const senders = Array.from({ length: 100 }, (_, i) => `cap-visitor-${i}`);
  await Promise.all(senders.map((s, i) => enqueueInbound(hub.deps.queues, webchatMessage(`cap-${i}`, s, `Merhaba, ${i} numaralı siparişim nerede kaldı?`))));
  await waitFor(async () => (await conversationModel(hub.deps.db).countDocuments()) === 100, 60_000, '100 conversations');
  await settleRouting(hub, 60_000);

  const loads = await loadsInStore(hub);
  expect([...loads.values()].reduce((a, b) => a + b, 0)).toBe(15);
  expect(Math.max(...loads.values())).toBe(3);
  expect(loads.size).toBe(5);
  // Redis counters agree with the store.
  const counted = await routingDeps(hub.deps).state.loads(agentIds);
  for (const id of agentIds) expect(counted.get(id)).toBe(3);
  // Each agent's bell says routing gave them their three (from: null, the hub itself), once each.
  for (const id of agentIds) {
    const bell = await waitFor(async () => {
      const page = await listNotifications(hub.deps.models, id, { limit: 30 });
      return page.notifications.length >= 3 ? page : null;
    }, 10_000, 'routing notifications');
    expect(bell.notifications.map((n) => [n.kind, n.from])).toEqual([['assigned', null], ['assigned', null], ['assigned', null]]);
    expect(new Set(bell.notifications.map((n) => n.conversationId)).size).toBe(3);
  }
  const board = (await sup.api('GET', '/supervisor/wallboard')).body;
  expect(board.teams).toEqual([{ id: teamId, name: 'Destek', policy: 'least-busy', queueLength: 85, longestWaitMs: expect.any(Number) }]);

  // A supervisor raises 10 waiting conversations to priority 2: they go to the head of the queue.
  const waiting = await unassignedOpen();
  const urgent = waiting.slice(40, 50).map((c) => String(c._id));
  for (const id of urgent) expect((await sup.api('PATCH', `/conversations/${id}/routing`, { priority: 2 })).status).toBe(200);
  expect((await sup.api('PATCH', `/conversations/${urgent[0]}/routing`, { priority: 'high' })).status).toBe(400);

  order = (await unassignedOpen())
    .map((c) => ({ id: String(c._id), p: c.priority ?? 0, t: new Date(c.waitingSince as Date).getTime() }))
    .sort((a, b) => b.p - a.p || a.t - b.t || (a.id < b.id ? -1 : 1))
    .map((c) => c.id);
  expect(order.slice(0, 10).sort()).toEqual([...urgent].sort());

  // Resolve 5 at a time (spread over agents); the freed places go to the next 5 of the queue, never above 3.
  let cursor = 0;
  while (cursor < order.length) {
    const assigned = await conversationModel(hub.deps.db).find({ assigneeId: { $ne: null }, status: 'open' }).lean();
    const byAgent = new Map<string, string>();
    for (const c of assigned) if (!byAgent.has(String(c.assigneeId))) byAgent.set(String(c.assigneeId), String(c._id));
    const toResolve = [...byAgent.values()].slice(0, 5);
    await Promise.all(toResolve.map(async (id) => expect((await sup.api('POST', `/conversations/${id}/status`, { status: 'resolved' })).status).toBe(200)));
    const expected = order.slice(cursor, cursor + toResolve.length);
    cursor += toResolve.length;
    await settleRouting(hub);
    const nowAssigned = await conversationModel(hub.deps.db).find({ _id: { $in: expected }, assigneeId: { $ne: null } }, { _id: 1 }).lean();
    expect(nowAssigned.map((c) => String(c._id)).sort()).toEqual([...expected].sort());
    expect(await maxLoad()).toBeLessThanOrEqual(3);
  }
  expect((await unassignedOpen()).length).toBe(0);
  expect((await sup.api('GET', '/supervisor/wallboard')).body.teams[0]).toMatchObject({ queueLength: 0, longestWaitMs: 0 });
}, 240_000);

test('every routing decision is recorded on the conversation as an event', async () => {
  const events = await collectionsOf(hub.deps.models).Message.find({ conversationId: order[order.length - 1], kind: 'event' }).sort({ createdAt: 1 }).lean();
  const texts = events.map((e) => e.text);
  expect(texts[0]).toMatch(/^Queued in team Destek at position \d+ \(least-busy: every eligible agent is at capacity\)$/);
  expect(texts[texts.length - 1]).toMatch(/^Routed to .+ by least-busy in team Destek: least busy \(load [0-2]\/3\)/);
  expect(events.every((e) => e.author?.type === 'system')).toBe(true);
});
