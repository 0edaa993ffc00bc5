import { Types } from 'mongoose';
import { ingest } from '../../src/services/ingest/ingest';
import { recordMetricEvents, type MetricEvent } from '../../src/services/metrics/metrics';
import { signedInAgent } from '../helpers/agent-api';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { emailMessage } from '../helpers/messages';
import { waitFor } from '../helpers/process';

jest.setTimeout(60_000);

// Customer health on seeded histories, through the real path: facts recorded as services record them, folded by the
// metrics worker's flusher into Redis, evaluated with the stored rules, listed from the directory index.
const DAY = 86_400_000;
const now = Date.now();
const ago = (days: number) => new Date(now - days * DAY);
let hub: Awaited<ReturnType<typeof startTestHub>>;
let admin: Awaited<ReturnType<typeof signedInAgent>>;
let supervisor: Awaited<ReturnType<typeof signedInAgent>>;
let agent: Awaited<ReturnType<typeof signedInAgent>>;
const ids: Record<string, string> = {};
type Reason = { code: string; count?: number; score?: number; days?: number; baselineDays?: number };
type AtRisk = { items: { id: string; email?: string; state: string; reasons: Reason[] }[]; total: number; next: string | null; counts: Record<string, number> };

/**
 * A customer (written through the repository, so the directory has them) whose latest conversation opened, with a
 * message, `daysAgo`: the rest of their history is seeded as facts.
 */
async function customer(who: string, daysAgo: number): Promise<MetricEvent[]> {
  const id = new Types.ObjectId();
  await hub.deps.models.customers.createIfAbsent(id, { name: who, email: `${who}@example.com` }, ago(daysAgo));
  ids[who] = String(id);
  const conversationId = new Types.ObjectId();
  return [fact(who, 'opened', ago(daysAgo), { conversationId }), fact(who, 'inbound', ago(daysAgo), { conversationId })];
}
const fact = (who: string, type: MetricEvent['type'], at: Date, extra: Partial<MetricEvent> = {}): MetricEvent => ({
  _id: `${type}:test:${new Types.ObjectId()}`, type, at, conversationId: new Types.ObjectId(), customerId: new Types.ObjectId(ids[who]),
  teamId: null, agentId: null, channel: 'email', messageId: new Types.ObjectId(), ...extra,
});
/** Earlier conversations, one every `every` days before the customer's latest one. */
const earlier = (who: string, n: number, every: number, lastDaysAgo: number) =>
  Array.from({ length: n }, (_, i) => fact(who, 'opened', ago(lastDaysAgo + (i + 1) * every)));

const atRisk = async (state = 'at_risk') => {
  const res = await supervisor.api<AtRisk>('GET', `/supervisor/customers-at-risk?state=${state}`);
  expect(res.status).toBe(200);
  return res.body;
};
const reasonsOf = (page: AtRisk) => Object.fromEntries(page.items.map((i) => [i.email, i.reasons.map((r) => r.code)]));

beforeAll(async () => {
  hub = await startTestHub(testConfig('health'));
  admin = await signedInAgent(hub, 'yonetici@kanal.test', 'Yönetici', 'admin');
  supervisor = await signedInAgent(hub, 'super@kanal.test', 'Süpervizör', 'supervisor');
  agent = await signedInAgent(hub, 'ajan@kanal.test', 'Ajan', 'agent');
  const m = hub.deps.models;
  const latest = [
    await customer('loyal', 2),
    await customer('unhappy', 5),
    await customer('reopener', 3),
    await customer('patient', 8), // reopens from pending: waiting on the customer, not a complaint
    await customer('waiter', 4),
    await customer('drifting', 40),
    await customer('gone', 200),
    await customer('oneoff', 300),
  ].flat();
  const csatConv = new Types.ObjectId();
  await recordMetricEvents(m, [
    ...latest,
    ...earlier('loyal', 9, 7, 2),
    fact('loyal', 'csat_answered', ago(1), { score: 5 }),
    fact('unhappy', 'csat_answered', ago(4), { score: 1, conversationId: csatConv }),
    ...[20, 10, 3].map((d) => fact('reopener', 'reopened', ago(d), { reopenedFrom: 'resolved' })),
    ...[20, 10, 8].map((d) => fact('patient', 'reopened', ago(d), { reopenedFrom: 'pending' })),
    fact('waiter', 'response', ago(9), { wallMs: 30 * 3_600_000, first: true }),
    fact('waiter', 'response', ago(4), { wallMs: 26 * 3_600_000, first: false }),
    ...earlier('drifting', 5, 7, 40),
    ...earlier('gone', 3, 30, 200),
  ]);
  ids.csatConv = String(csatConv);
}, 120_000);
afterAll(async () => {
  await hub.stop();
});

test('supervisors get customers at risk with the reasons, and the churned apart', async () => {
  const page = await waitFor(async () => {
    const p = await atRisk();
    return p.total === 4 ? p : null;
  }, 20_000, 'the metrics worker to fold the seeded facts');
  expect(reasonsOf(page)).toEqual({
    'unhappy@example.com': ['negative_csat'], 'reopener@example.com': ['repeated_reopens'],
    'waiter@example.com': ['long_waits'], 'drifting@example.com': ['contact_drop'],
  });
  // Most recent contact first.
  expect(page.items.map((i) => i.email)).toEqual(['reopener@example.com', 'waiter@example.com', 'unhappy@example.com', 'drifting@example.com']);
  expect(page.items.find((i) => i.email === 'drifting@example.com')!.reasons[0]).toMatchObject({ days: 40, baselineDays: 7 });
  const churned = await atRisk('churned');
  expect(churned.items.map((i) => [i.email, i.reasons[0]])).toEqual([['gone@example.com', expect.objectContaining({ code: 'no_contact', days: 200 })]]);
  expect(page.counts).toEqual({ healthy: 3, at_risk: 4, churned: 1 });

  // The directory filters and sorts by it, and its rows carry it.
  const dir = await supervisor.api('GET', '/directory/customers?health=healthy&sort=first&dir=asc');
  expect(dir.body.items.map((c: { email: string }) => c.email)).toEqual(['loyal@example.com', 'patient@example.com', 'oneoff@example.com']);
  expect(dir.body.items[0].health).toEqual({ state: 'healthy', reasons: [] });
  const sorted = await supervisor.api('GET', '/directory/customers?sort=health&dir=desc&limit=1');
  expect(sorted.body.items[0].email).toBe('gone@example.com');

  // Agents do not get the list.
  expect((await agent.api('GET', '/supervisor/customers-at-risk')).status).toBe(403);
});

test("the profile shows the customer's state, contacts, rhythm and first response time", async () => {
  // (Seeded customers have no stored conversation an agent's team could see: a supervisor looks.)
  const loyal = await supervisor.api('GET', `/customers/${ids.loyal}/health`);
  expect(loyal.status).toBe(200);
  expect(loyal.body).toMatchObject({ state: 'healthy', reasons: [], contacts: 10, baselineDays: 7, lastContactAt: ago(2).toISOString() });
  const waiter = await supervisor.api('GET', `/customers/${ids.waiter}/health`);
  expect(waiter.body.medianFirstResponseMs).toBe(30 * 3_600_000);
  expect((await supervisor.api('GET', `/customers/${new Types.ObjectId()}/health`)).status).toBe(404);
});

test('a changed CSAT answer and a real reopen of a resolved conversation move the state', async () => {
  await recordMetricEvents(hub.deps.models, [fact('unhappy', 'csat_answered', ago(3), { score: 5, prevScore: 1, conversationId: new Types.ObjectId(ids.csatConv) })]);
  await waitFor(async () => !reasonsOf(await atRisk())['unhappy@example.com'], 20_000, 'the changed answer to count');

  // A customer writes, and writes again three times after each resolve: each reopens it (ingest's own facts).
  const m = hub.deps.models;
  const msg = (i: number) => ({ ...emailMessage(`health-back-${i}`, 'back@example.com'), from: { address: 'back@example.com', name: 'Geri Gelen' } });
  const back = (await ingest(m, null, msg(0))).customerId;
  for (const i of [1, 2, 3]) {
    const conv = (await m.conversations.unresolvedOf(back))!;
    expect((await agent.api('POST', `/conversations/${String(conv._id)}/status`, { status: 'resolved' })).status).toBe(200);
    await ingest(m, null, msg(i));
  }
  const page = await waitFor(async () => {
    const p = await atRisk();
    return reasonsOf(p)['back@example.com'] ? p : null;
  }, 20_000, 'the reopens to count');
  expect(page.items.find((i) => i.email === 'back@example.com')!.reasons).toEqual([expect.objectContaining({ code: 'repeated_reopens', count: 3 })]);
});

test('admins change the rules (audited, bad ones refused) and every customer is evaluated again', async () => {
  const current = await admin.api('GET', '/admin/customer-health');
  expect(current.body.rules).toEqual(current.body.defaults);
  expect((await supervisor.api('PUT', '/admin/customer-health', current.body.rules)).status).toBe(403);
  const bad = await admin.api('PUT', '/admin/customer-health', { ...current.body.rules, churn: { enabled: true, minContacts: 3, afterDays: 1 } });
  expect(bad.status).toBe(400);

  // Churn only after a year: "gone" (monthly, silent 200 days) is no longer churned but has dropped off its rhythm.
  const rules = { ...current.body.rules, churn: { enabled: true, minContacts: 3, afterDays: 365 } };
  expect((await admin.api('PUT', '/admin/customer-health', rules)).status).toBe(200);
  const page = await waitFor(async () => {
    const p = await atRisk();
    return reasonsOf(p)['gone@example.com'] ? p : null;
  }, 20_000, 'the customers to be evaluated again');
  expect(page.items.find((i) => i.email === 'gone@example.com')!.reasons[0]).toMatchObject({ code: 'contact_drop', days: 200, baselineDays: 30 });
  expect((await atRisk('churned')).total).toBe(0);
  const log = await admin.api('GET', '/admin/audit?action=settings.customer_health_changed');
  expect(log.body.entries[0]).toMatchObject({ action: 'settings.customer_health_changed' });
});

test('retention and attrition over months count customers who wrote in the period before and wrote again', async () => {
  const [a, b, c, d] = [1, 2, 3, 4].map(() => new Types.ObjectId());
  const wrote = (who: Types.ObjectId, iso: string) => ({ ...fact('loyal', 'inbound', new Date(iso)), customerId: who });
  await recordMetricEvents(hub.deps.models, [
    wrote(a!, '2025-01-03T10:00:00Z'), wrote(a!, '2025-01-20T10:00:00Z'), wrote(b!, '2025-01-31T23:59:00Z'), wrote(c!, '2025-01-15T08:00:00Z'),
    wrote(a!, '2025-02-01T00:00:00Z'), wrote(d!, '2025-02-10T09:00:00Z'), wrote(b!, '2025-03-05T09:00:00Z'),
  ]);
  const report = await waitFor(async () => {
    const r = await supervisor.api('GET', '/reports/retention?from=2025-02&to=2025-02');
    return r.body.active === 2 && r.body.previousActive === 3 ? r.body : null;
  }, 20_000, 'the facts to be folded');
  expect(report).toEqual({
    period: { from: '2025-02', to: '2025-02' }, previous: { from: '2025-01', to: '2025-01' },
    previousActive: 3, active: 2, retained: 1, lost: 2, returningOrNew: 1, retention: 1 / 3, attrition: 2 / 3,
  });
  // Two months against the two before: a, b and c wrote in Dec-Jan; a and b wrote again in Feb-Mar.
  const two = await supervisor.api('GET', '/reports/retention?from=2025-02&to=2025-03');
  expect(two.body).toMatchObject({ previous: { from: '2024-12', to: '2025-01' }, previousActive: 3, active: 3, retained: 2, retention: 2 / 3 });
  expect((await supervisor.api('GET', '/reports/retention?from=2025-03&to=2025-02')).status).toBe(400);
  expect((await supervisor.api('GET', '/reports/retention?from=2024-01&to=2025-01')).status).toBe(400);
  expect((await supervisor.api('GET', '/reports/retention?from=2025-13&to=2025-13')).status).toBe(400);
  expect((await agent.api('GET', '/reports/retention?from=2025-02&to=2025-02')).status).toBe(403);
});
