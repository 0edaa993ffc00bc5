import { setTeamAccessMode } from '../../src/services/access';
import { enqueueInbound } from '../../src/queues';
import { collectionsOf } from '../../src/store/collections';
import { conversationModel, type StoredConversation } from '../../src/store/conversations';
import { signedInAgent } from '../helpers/agent-api';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { emailMessage } from '../helpers/messages';
import { waitFor } from '../helpers/process';
import { onlineAgent, settleRouting } from '../helpers/routing';

// Segments: saved directory filters with a live count, an opening rule (priority, team, SLA policy) applied by the
// real inbound worker, and inbox views whose membership follows the customer's changes.
const config = testConfig('segments', { ROUTING_DEFAULT_TEAM: 'Genel' });
let hub: Awaited<ReturnType<typeof startTestHub>>;
let admin: Awaited<ReturnType<typeof signedInAgent>>;
let supervisor: Awaited<ReturnType<typeof signedInAgent>>;
let agent: Awaited<ReturnType<typeof signedInAgent>>;
let vipTeam: string;
let generalTeam: string;
let vipAgent: string;
let n = 0;

type Segment = { id: string; name: string; count?: number; rule: unknown; showAsView: boolean };
type Page = { items: { id: string; customerId: string; priority: number; segments?: string[] }[] };
type Counts = { segments: Record<string, number> };

beforeAll(async () => {
  hub = await startTestHub(config, 'all');
  await setTeamAccessMode(hub.deps.models, null, 'open', null);
  admin = await signedInAgent(hub, 'admin-seg@kanal.test', 'Yönetici', 'admin');
  supervisor = await signedInAgent(hub, 'super-seg@kanal.test', 'Süpervizör', 'supervisor');
  agent = await signedInAgent(hub, 'agent-seg@kanal.test', 'Temsilci', 'agent');
  await admin.api('PUT', '/attribute-definitions/customer/plan', { type: 'list', label: 'Plan', options: ['temel', 'pro'] });
  const teams = collectionsOf(hub.deps.models).Team;
  generalTeam = String((await teams.create({ name: 'Genel', assignmentPolicy: 'manual' }))._id); // nobody takes the others: they stay unassigned
  vipTeam = String((await teams.create({ name: 'VIP Destek', assignmentPolicy: 'least-busy' }))._id);
  vipAgent = (await onlineAgent(hub, 'Vera', vipTeam, { capacity: 10 })).id;
  // Customers known before they write: two VIPs (one on the pro plan), one ordinary.
  const csv = ['name,email,labels,plan', 'Ayşe VIP,ayse@example.com,VIP,pro', 'Burak VIP,burak@example.com,vip,temel', 'Cem Sıradan,cem@example.com,,temel'].join('\n');
  const res = await fetch(`${hub.url}/api/directory/import`, { method: 'POST', headers: { authorization: `Bearer ${supervisor.token}`, 'content-type': 'text/csv' }, body: csv });
  expect(res.status).toBe(200);
}, 60_000);
afterAll(async () => {
  await hub.stop();
});

/** The customer with this email writes an email; resolves with their conversation once routing settled. */
async function writes(email: string) {
  await enqueueInbound(hub.deps.queues, emailMessage(`seg-${++n}`, email));
  await settleRouting(hub); // stored, segments applied, then routed
  const identity = (await collectionsOf(hub.deps.models).Identity.findOne({ address: email }).lean())!;
  const opened = (await conversationModel(hub.deps.db).findOne({ customerId: identity.customerId, status: { $ne: 'resolved' } }).lean())!;
  return (await conversationModel(hub.deps.db).findById(opened._id).lean<StoredConversation>())!;
}
const vipSegment = {
  name: 'VIP', description: 'Etiketi vip olan müşteriler', filter: { label: 'vip' }, showAsView: true, order: 10,
  rule: { priority: 2, teamId: '', sla: { default: { firstResponseMinutes: 30 } } },
};

test('supervisors save a filter as a segment with a live count; agents read; bad filters and teams are refused', async () => {
  const body = { ...vipSegment, rule: { ...vipSegment.rule, teamId: vipTeam } };
  expect((await agent.api('POST', '/segments', body)).status).toBe(403);
  expect((await supervisor.api('POST', '/segments', { ...body, filter: { attr: ['nope:x'] } })).body.error).toContain('no such customer attribute: nope');
  expect((await supervisor.api('POST', '/segments', { ...body, rule: { ...body.rule, teamId: '0123456789abcdef01234567' } })).status).toBe(422);
  expect((await supervisor.api('POST', '/segments', { ...body, rule: {} })).status).toBe(400);
  expect((await supervisor.api('POST', '/segments', { ...body, name: '' })).status).toBe(400);
  const created = await supervisor.api<Segment>('POST', '/segments', body);
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ name: 'VIP', count: 2, showAsView: true });
  const pro = await supervisor.api<Segment>('POST', '/segments', { name: 'Pro VIP', filter: { label: 'vip', attr: ['plan:pro'] } });
  expect(pro.body.count).toBe(1);

  const list = await agent.api<Segment[]>('GET', '/segments');
  expect(list.body.map((s) => [s.name, s.count])).toEqual([['VIP', 2], ['Pro VIP', 1]]); // rule order, then name
  // The count is the directory's: it follows a label change at once.
  const cem = await collectionsOf(hub.deps.models).Customer.findOne({ email: 'cem@example.com' }).lean();
  await supervisor.api('POST', '/directory/labels', { ids: [String(cem!._id)], add: ['vip'] });
  expect((await agent.api<Segment>('GET', `/segments/${created.body.id}`)).body.count).toBe(3);
  await supervisor.api('POST', '/directory/labels', { ids: [String(cem!._id)], remove: ['vip'] });
  expect((await agent.api<Segment>('GET', `/segments/${created.body.id}`)).body.count).toBe(2);

  // Edit and remove are audited; an unknown id is a 404.
  expect((await supervisor.api('PUT', `/segments/${pro.body.id}`, { name: 'Pro müşteriler', filter: { attr: ['plan:pro'] } })).body.count).toBe(1);
  expect((await supervisor.api('POST', `/segments/${pro.body.id}/remove`)).status).toBe(204);
  expect((await supervisor.api('POST', `/segments/${pro.body.id}/remove`)).status).toBe(404);
  const trail = await admin.api<{ entries: { action: string }[] }>('GET', '/admin/audit?subjectType=segment');
  expect(trail.body.entries.map((e) => e.action)).toEqual(expect.arrayContaining(['segment.created', 'segment.updated', 'segment.removed']));
});

test('a VIP customer\'s new conversation opens with the rule\'s priority, team and SLA policy; others do not', async () => {
  const [vip] = (await agent.api<Segment[]>('GET', '/segments')).body;
  const ayse = await writes('ayse@example.com');
  expect(ayse).toMatchObject({ priority: 2, ruleSegmentId: vip!.id, segments: [vip!.id] });
  expect(String(ayse.teamId)).toBe(vipTeam);
  expect(String(ayse.assigneeId)).toBe(vipAgent); // routed in the VIP team
  // The segment's SLA policy applies (no team has one): first response due 30 minutes after opening.
  expect(ayse.sla?.firstResponseDueAt?.getTime()).toBe(ayse.openedAt.getTime() + 30 * 60_000);
  const events = await collectionsOf(hub.deps.models).Message.find({ conversationId: ayse._id, kind: 'event' }).lean();
  expect(events.map((e) => e.text)).toContain('Segment VIP: priority 2, team VIP Destek, its SLA policy');

  const cem = await writes('cem@example.com');
  expect(cem.priority).toBe(0);
  expect(cem.ruleSegmentId ?? null).toBeNull();
  expect(cem.segments ?? []).toEqual([]);
  expect(cem.assigneeId ?? null).toBeNull();
  expect(String(cem.teamId)).toBe(generalTeam); // the default team, as without segments
  expect(cem.sla?.firstResponseDueAt ?? null).toBeNull();
}, 60_000);

test('a segment view lists its open conversations with a count, and membership changes move them in and out', async () => {
  const [vip] = (await agent.api<Segment[]>('GET', '/segments')).body;
  const view = async () => (await agent.api<Page>('GET', `/conversations?status=open&segment=${vip!.id}`)).body.items;
  const count = async () => (await agent.api<Counts>('GET', '/inbox/counts?status=open')).body.segments[vip!.id];
  const burak = await writes('burak@example.com');
  expect((await view()).map((c) => c.customerId).sort()).toEqual([String((await collectionsOf(hub.deps.models).Customer.findOne({ email: 'ayse@example.com' }).lean())!._id), String(burak.customerId)].sort());
  expect(await count()).toBe(2);

  // Cem becomes a VIP while his conversation is open: it joins the view (routing already happened; it is not redone).
  const cem = (await collectionsOf(hub.deps.models).Customer.findOne({ email: 'cem@example.com' }).lean())!;
  await supervisor.api('POST', '/directory/labels', { ids: [String(cem._id)], add: ['VIP'] });
  await waitFor(async () => (await count()) === 3, 10_000, 'Cem in the VIP view');
  const joined = (await view()).find((c) => c.customerId === String(cem._id));
  expect(joined).toMatchObject({ priority: 0, segments: [vip!.id] });
  // ... and leaves it when the label goes.
  await supervisor.api('POST', '/directory/labels', { ids: [String(cem._id)], remove: ['vip'] });
  await waitFor(async () => (await count()) === 2, 10_000, 'Cem out of the VIP view');
  expect((await view()).some((c) => c.customerId === String(cem._id))).toBe(false);

  // Resolved: out of the open view.
  const res = await agent.api('POST', `/conversations/${String(burak._id)}/status`, { status: 'resolved' });
  expect(res.status).toBe(200);
  expect(await count()).toBe(1);
  expect((await agent.api('GET', '/conversations?segment=nothex')).status).toBe(400);
}, 60_000);

test('relative day filters: last contact within N days, inactive for N days', async () => {
  const recent = await supervisor.api<Segment>('POST', '/segments', { name: 'Son 7 gün', filter: { lastWithinDays: 7 } });
  expect(recent.body.count).toBe(3); // the three who wrote today
  const inactive = await supervisor.api<Segment>('POST', '/segments', { name: 'Sessiz', filter: { inactiveDays: 30 } });
  expect(inactive.body.count).toBe(0);
  expect((await supervisor.api('POST', '/segments', { name: 'x', filter: { lastWithinDays: 0 } })).status).toBe(400);
  expect((await supervisor.api('POST', '/segments', { name: 'x', filter: { q: 'ayşe' } })).status).toBe(400); // no text search in a segment
});
