import { Types } from 'mongoose';
import { setTeamAccessMode } from '../../src/services/access';
import { reevaluateDueHealth } from '../../src/services/crm/health';
import { recordMetricEvents, type MetricEvent } from '../../src/services/metrics/metrics';
import { underFlusherLock } from '../../src/services/metrics/metrics-buckets';
import { enqueueInbound } from '../../src/queues';
import { collectionsOf } from '../../src/store/collections';
import { signedInAgent } from '../helpers/agent-api';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { emailMessage } from '../helpers/messages';
import { waitFor } from '../helpers/process';

// Segment conditions kept on change, never by scanning customers (docs/segments.md): the CSAT average (folded from
// each answer by the metrics flusher), open conversations (every conversation write), and conversations in the last
// N days (folded from each opening, and re-evaluated for that customer alone when a conversation leaves the window).
jest.setTimeout(120_000);
const config = testConfig('segment-conditions');
const DAY = 86_400_000;
let hub: Awaited<ReturnType<typeof startTestHub>>;
let supervisor: Awaited<ReturnType<typeof signedInAgent>>;
const ids: Record<string, Types.ObjectId> = {};
type Segment = { id: string; count: number };
type Page = { items: { id: string; email?: string }[]; total: number };

const fact = (who: string, type: MetricEvent['type'], at: Date, extra: Partial<MetricEvent> = {}): MetricEvent => ({
  _id: `${type}:cond:${new Types.ObjectId()}`, type, at, conversationId: new Types.ObjectId(), customerId: ids[who]!, teamId: null, agentId: null,
  channel: 'email', messageId: new Types.ObjectId(), ...extra,
});
const count = async (id: string) => (await supervisor.api<Segment>('GET', `/segments/${id}`)).body.count;
const members = async (query: string) => (await supervisor.api<Page>('GET', `/directory/customers?${query}`)).body.items.map((i) => i.email).sort();

beforeAll(async () => {
  hub = await startTestHub(config, 'all');
  await setTeamAccessMode(hub.deps.models, null, 'open', null);
  supervisor = await signedInAgent(hub, 'super-cond@kanal.test', 'Süpervizör', 'supervisor');
  const csv = ['name,email', 'Ayla,ayla@example.com', 'Bora,bora@example.com', 'Cansu,cansu@example.com'].join('\n');
  const res = await fetch(`${hub.url}/api/directory/import`, { method: 'POST', headers: { authorization: `Bearer ${supervisor.token}`, 'content-type': 'text/csv' }, body: csv });
  expect(res.status).toBe(200);
  for (const c of await collectionsOf(hub.deps.models).Customer.find({}).lean()) ids[c.email!.split('@')[0]!] = c._id as Types.ObjectId;
});
afterAll(async () => {
  await hub.stop();
});

test('CSAT average: a rating moves the customer into the segment, a better one moves them out', async () => {
  const unhappy = (await supervisor.api<Segment>('POST', '/segments', { name: 'Mutsuz', filter: { csatMax: 2.5 } })).body;
  expect(unhappy.count).toBe(0);
  await recordMetricEvents(hub.deps.models, [fact('ayla', 'csat_answered', new Date(Date.now() - DAY), { score: 2 }), fact('bora', 'csat_answered', new Date(Date.now() - DAY), { score: 4 })]);
  await waitFor(async () => (await count(unhappy.id)) === 1, 20_000, 'the rating folded');
  expect(await members('csatMax=2.5')).toEqual(['ayla@example.com']);
  expect(await members('csatMin=3')).toEqual(['bora@example.com']);
  // A new rating of 5 on another conversation: average 3.5, out of the segment.
  await recordMetricEvents(hub.deps.models, [fact('ayla', 'csat_answered', new Date(), { score: 5 })]);
  await waitFor(async () => (await count(unhappy.id)) === 0, 20_000, 'the new rating folded');
  expect(await members('csatMin=3.5&csatMax=3.5')).toEqual(['ayla@example.com']);
  // A changed answer replaces the earlier one of its conversation: Bora's 4 becomes 1.
  const [first] = (await hub.deps.models.health.facts([String(ids.bora)]))[0]!.csat;
  await recordMetricEvents(hub.deps.models, [fact('bora', 'csat_answered', new Date(), { score: 1, prevScore: 4, conversationId: new Types.ObjectId(first![0]) })]);
  await waitFor(async () => (await count(unhappy.id)) === 1, 20_000, 'the changed answer folded');
  expect(await members('csatMax=2.5')).toEqual(['bora@example.com']);
  expect((await supervisor.api('POST', '/segments', { name: 'Kötü', filter: { csatMax: 9 } })).status).toBe(400);
});

test('open conversations: a customer joins when their conversation opens and leaves when it is resolved', async () => {
  const open = (await supervisor.api<Segment>('POST', '/segments', { name: 'Açık konuşması olan', filter: { openMin: 1 } })).body;
  expect(open.count).toBe(0);
  await enqueueInbound(hub.deps.queues, emailMessage('cond-open-1', 'cansu@example.com'));
  await waitFor(async () => (await count(open.id)) === 1, 20_000, 'the opening');
  expect(await members('openMin=1')).toEqual(['cansu@example.com']);
  const conv = (await collectionsOf(hub.deps.models).Conversation.findOne({ customerId: ids.cansu }).lean())!;
  expect((await supervisor.api('POST', `/conversations/${String(conv._id)}/status`, { status: 'pending' })).status).toBe(200);
  expect(await count(open.id)).toBe(1); // pending is still unresolved
  expect((await supervisor.api('POST', `/conversations/${String(conv._id)}/status`, { status: 'resolved' })).status).toBe(200);
  expect(await count(open.id)).toBe(0);
  expect(await members('openMin=1')).toEqual([]);
  // The directory rebuilt from the store gives the same counts.
  await enqueueInbound(hub.deps.queues, emailMessage('cond-open-2', 'cansu@example.com'));
  await waitFor(async () => (await count(open.id)) === 1, 20_000, 'the reopening');
  await hub.deps.models.directory.rebuild();
  expect(await count(open.id)).toBe(1);
  // Cansu merged into Ayla: the open conversation moves with her, counted once, for Ayla.
  expect((await supervisor.api('POST', `/customers/${String(ids.ayla)}/merge`, { sourceId: String(ids.cansu) })).status).toBeLessThan(300);
  await waitFor(async () => (await members('openMin=1')).join() === 'ayla@example.com', 10_000, 'the merge');
  expect(await count(open.id)).toBe(1);
});

test('conversations in the last N days: folded from each opening, re-evaluated for that customer when one leaves the window', async () => {
  const regular = (await supervisor.api<Segment>('POST', '/segments', { name: 'Sık yazan', filter: { recentDays: 30, recentMin: 2 } })).body;
  const now = Date.now();
  const oldest = new Date(now - 28 * DAY);
  await recordMetricEvents(hub.deps.models, [fact('bora', 'opened', oldest), fact('bora', 'opened', new Date(now - 3 * DAY)), fact('ayla', 'opened', new Date(now - 45 * DAY))]);
  const inRegular = async () => (await members('recentDays=30&recentMin=2')).includes('bora@example.com');
  await waitFor(inRegular, 20_000, 'the openings folded');
  expect(await members('recentDays=30&recentMin=2')).not.toContain('ayla@example.com'); // 45 days ago: outside
  expect(await members('recentDays=90&recentMin=1')).toEqual(expect.arrayContaining(['ayla@example.com', 'bora@example.com']));
  const before = await count(regular.id);
  expect((await supervisor.api('GET', '/directory/customers?recentDays=31&recentMin=1')).status).toBe(400);
  // Bora is due again when his oldest conversation leaves the 30-day window (2 days from now), not before.
  const leaves = oldest.getTime() + 30 * DAY;
  expect(await hub.deps.models.health.dueBy(leaves - 60_000, 1000)).not.toContain(String(ids.bora));
  expect(await hub.deps.models.health.dueBy(leaves, 1000)).toContain(String(ids.bora));
  // Time passes: the pass that finds him due re-evaluates him alone, and he leaves the segment.
  await underFlusherLock(hub.deps.redis, config.QUEUE_PREFIX, () => reevaluateDueHealth(hub.deps.models, leaves + 1));
  expect(await inRegular()).toBe(false);
  expect(await count(regular.id)).toBe(before - 1);
  expect(await members('recentDays=30&recentMin=1')).toContain('bora@example.com');
});

test('lifetime value: an admin chooses a currency attribute (validated, audited); profiles show it, segments and the sort use it', async () => {
  const admin = await signedInAgent(hub, 'admin-cond@kanal.test', 'Yönetici', 'admin');
  expect((await admin.api('PUT', '/attribute-definitions/customer/ciro', { type: 'currency', label: 'Ciro', currency: 'TRY' })).status).toBeLessThan(300);
  expect((await admin.api('PUT', '/attribute-definitions/customer/sehir', { type: 'text', label: 'Şehir' })).status).toBeLessThan(300);
  expect((await admin.api('PATCH', `/customers/${String(ids.ayla)}/attributes`, { attributes: { ciro: 125000 } })).status).toBeLessThan(300);
  expect((await admin.api('PATCH', `/customers/${String(ids.bora)}/attributes`, { attributes: { ciro: 900 } })).status).toBeLessThan(300);
  // Nothing chosen yet: no value on the profile.
  expect((await supervisor.api('GET', `/customers/${String(ids.ayla)}/health`)).body.lifetimeValue).toBeNull();
  expect((await supervisor.api('PUT', '/admin/customer-value', { key: 'ciro' })).status).toBe(403);
  expect((await admin.api('PUT', '/admin/customer-value', { key: 'sehir' })).status).toBe(400);
  expect((await admin.api('PUT', '/admin/customer-value', { key: 'yok' })).status).toBe(400);
  const chosen = await admin.api('PUT', '/admin/customer-value', { key: 'ciro' });
  expect(chosen.body).toEqual({ attribute: { key: 'ciro', label: 'Ciro', currency: 'TRY' } });
  expect((await supervisor.api('GET', `/customers/${String(ids.ayla)}/health`)).body.lifetimeValue).toEqual({ amount: 125000, currency: 'TRY' });
  expect((await supervisor.api('GET', `/customers/${String(ids.cansu)}/health`)).body.lifetimeValue).toBeNull();
  const log = await admin.api('GET', '/admin/audit?action=settings.customer_value_changed');
  expect(log.body.entries[0]).toMatchObject({ action: 'settings.customer_value_changed' });
  // A segment on it, and the directory sorted by it, from the directory index.
  const valuable = (await supervisor.api<Segment>('POST', '/segments', { name: 'Değerli', filter: { attr: ['ciro>=10000'] } })).body;
  expect(valuable.count).toBe(1);
  expect((await supervisor.api<Page>('GET', '/directory/customers?sort=attr:ciro&dir=desc&attr=ciro>=0')).body.items.map((i) => i.email)).toEqual(['ayla@example.com', 'bora@example.com']);
});
