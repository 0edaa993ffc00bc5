import type { ReportSummary } from '../../src/domain/reports';
import { enqueueInbound } from '../../src/queues';
import { flushMetrics } from '../../src/services/metrics/metrics-buckets';
import { routeConversation, routingDeps } from '../../src/services/routing/routing';
import { signedInAgent } from '../helpers/agent-api';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { emailMessage, webchatMessage } from '../helpers/messages';
import { waitFor } from '../helpers/process';
import { onlineAgent, settleRouting } from '../helpers/routing';
import { collectionsOf } from '../../src/store/collections';
import { conversationModel } from '../../src/store/conversations';

// Routing's automatic assignments record the same facts as a manual one (assigned, and dequeued with the wait in
// the queue), so the report's waiting time counts them; a retried routing job records nothing twice.
const config = testConfig('routefacts', { ROUTING_DEFAULT_TEAM: 'Oto' });
let hub: Awaited<ReturnType<typeof startTestHub>>;
let supervisor: Awaited<ReturnType<typeof signedInAgent>>;
let agentId: string;

beforeAll(async () => {
  hub = await startTestHub(config, 'all');
  supervisor = await signedInAgent(hub, 'sup@kanal.test', 'Selin', 'supervisor');
  const team = await collectionsOf(hub.deps.models).Team.create({ name: 'Oto', assignmentPolicy: 'round-robin' });
  agentId = (await onlineAgent(hub, 'Oğuz', String(team._id), { capacity: 50 })).id;
}, 60_000);
afterAll(async () => {
  await hub.stop();
});

/** A customer writes; resolves once routing assigned their conversation (with its id and opening message). */
async function routed(msg: ReturnType<typeof webchatMessage>) {
  await enqueueInbound(hub.deps.queues, msg);
  const stored = await waitFor(() => collectionsOf(hub.deps.models).Message.findOne({ dedupeKey: msg.dedupeKey }).lean(), 20_000, 'ingest');
  const conversationId = String(stored.conversationId);
  const c = await waitFor(async () => {
    const doc = await conversationModel(hub.deps.db).findById(conversationId).lean();
    return doc?.assigneeId ? doc : null;
  }, 20_000, 'routing');
  await settleRouting(hub);
  return { conversation: c, messageId: String(stored._id) };
}
const factsOf = async (id: unknown) => (await hub.deps.models.metricEvents.ofConversation(String(id))).filter((f) => f.type === 'assigned' || f.type === 'dequeued');
/** Runs the metrics flusher until this call itself got the lock (the worker may be flushing at the same time). */
const flush = () => waitFor(() => flushMetrics(hub.deps.models, hub.deps.redis, hub.deps.config.QUEUE_PREFIX), 10_000, 'the metrics flusher lock');
const hour = 3600_000;
const waiting = async (channel: string) => {
  const range = `from=${encodeURIComponent(new Date(Date.now() - hour).toISOString())}&to=${encodeURIComponent(new Date(Date.now() + hour).toISOString())}`;
  const res = await supervisor.api<ReportSummary>('GET', `/reports/summary?${range}&channel=${channel}`);
  expect(res.status).toBe(200);
  return res.body.waiting;
};

test('an automatic assignment records assigned and dequeued, and the report counts its wait in the queue', async () => {
  const { conversation: c } = await routed(emailMessage('rf-auto', 'rf.auto@example.com', 'Faturam iki kez kesilmiş'));
  expect(String(c.assigneeId)).toBe(agentId);
  const facts = await factsOf(c._id);
  expect(facts.map((f) => f.type).sort()).toEqual(['assigned', 'dequeued']);
  for (const f of facts) expect(String(f.agentId)).toBe(agentId);
  const dequeued = facts.find((f) => f.type === 'dequeued')!;
  expect(dequeued.wallMs).toBe(c.assignedAt!.getTime() - c.openedAt.getTime());

  await flush();
  const wait = await waiting('email');
  expect(wait.count).toBe(1);
  expect(wait.avg).toBeCloseTo(dequeued.wallMs!, 0);
}, 60_000);

test('a retried routing job records the assignment facts once, and again only if they were lost', async () => {
  const { conversation: c, messageId } = await routed(webchatMessage('rf-retry', 'rf-retry-visitor', 'Kargom nerede kaldı?'));
  const d = routingDeps(hub.deps);
  const once = (await factsOf(c._id)).map((f) => f._id).sort();
  expect(once).toHaveLength(2);

  // The same route job run again (a retry after the worker died mid-job): nothing new.
  await routeConversation(d, String(c._id), messageId);
  await routeConversation(d, String(c._id), messageId);
  expect((await factsOf(c._id)).map((f) => f._id).sort()).toEqual(once);

  // A worker that died between the assignment and its facts: the retry records them, under the same keys.
  await collectionsOf(hub.deps.models).MetricEvent.deleteMany({ _id: { $in: once } });
  await routeConversation(d, String(c._id), messageId);
  await routeConversation(d, String(c._id), messageId);
  expect((await factsOf(c._id)).map((f) => f._id).sort()).toEqual(once);

  await flush();
  expect((await waiting('webchat')).count).toBe(1);
}, 60_000);
