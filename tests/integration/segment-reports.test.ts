import { Types } from 'mongoose';
import type { ReportSummary, SegmentReport } from '../../src/domain/reports';
import { setTeamAccessMode } from '../../src/services/access';
import { inboundFacts, recordMetricEvents, resolvedFacts, responseFacts, type MetricEvent } from '../../src/services/metrics/metrics';
import { flushMetrics, recomputeBuckets } from '../../src/services/metrics/metrics-buckets';
import { enqueueInbound } from '../../src/queues';
import { collectionsOf } from '../../src/store/collections';
import { signedInAgent } from '../helpers/agent-api';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { emailMessage } from '../helpers/messages';
import { waitFor } from '../helpers/process';

// Reports split by segment (docs/segments.md, "Reports split by segment"): FRT, resolution and CSAT per segment from
// facts that carry the customer's segments when they were recorded, through the real hub, store, Redis and flusher.
const config = testConfig('segment-reports');
let hub: Awaited<ReturnType<typeof startTestHub>>;
let supervisor: Awaited<ReturnType<typeof signedInAgent>>;
const MIN = 60_000;
const FROM = '2026-10-01T00:00:00Z';
const TO = '2026-10-08T00:00:00Z';
const ids: Record<string, Types.ObjectId> = {};
let vip = '';
let pro = '';

const flush = () => waitFor(() => flushMetrics(hub.deps.models, hub.deps.redis, hub.deps.config.QUEUE_PREFIX), 10_000, 'the metrics flusher lock');
const split = (range = `from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`) => supervisor.api<SegmentReport>('GET', `/reports/segments?${range}`);
const rowOf = (r: SegmentReport, id: string) => r.segments.find((s) => s.segmentId === id)!;

/** One conversation of `customer` opened at `opened`, first answered after `frtMin` and resolved after `resMin`, rated `score`. */
async function history(customer: string, opened: string, frtMin: number, resMin: number, score: number) {
  const m = hub.deps.models;
  const conv = { _id: new Types.ObjectId(), customerId: ids[customer]!, teamId: null, assigneeId: null, openedAt: new Date(opened), lastInboundChannel: 'email' as const };
  const at = (min: number) => new Date(conv.openedAt.getTime() + min * MIN);
  const facts: MetricEvent[] = [
    ...inboundFacts(conv, { _id: new Types.ObjectId(), channel: 'email', createdAt: conv.openedAt }, true),
    ...(await responseFacts(m, { ...conv, waitingSince: conv.openedAt }, { messageId: new Types.ObjectId(), agentId: new Types.ObjectId(), channel: 'email', at: at(frtMin), first: true })),
    ...(await resolvedFacts(m, conv, at(resMin))),
    { _id: `csat_asked:${String(conv._id)}`, type: 'csat_asked', at: at(resMin), conversationId: conv._id, customerId: conv.customerId, teamId: null, agentId: null, channel: 'email' },
    { _id: `csat_answered:${String(conv._id)}:1`, type: 'csat_answered', at: at(resMin + 5), conversationId: conv._id, customerId: conv.customerId, teamId: null, agentId: null, channel: 'email', score },
  ];
  await recordMetricEvents(m, facts);
}

beforeAll(async () => {
  hub = await startTestHub(config, 'all');
  await setTeamAccessMode(hub.deps.models, null, 'open', null);
  supervisor = await signedInAgent(hub, 'super-segrep@kanal.test', 'Süpervizör', 'supervisor');
  const admin = await signedInAgent(hub, 'admin-segrep@kanal.test', 'Yönetici', 'admin');
  await admin.api('PUT', '/attribute-definitions/customer/plan', { type: 'list', label: 'Plan', options: ['temel', 'pro'] });
  const csv = ['name,email,labels,plan', 'Ayşe VIP,ayse@example.com,vip,pro', 'Burak VIP,burak@example.com,vip,temel', 'Cem Sıradan,cem@example.com,,temel'].join('\n');
  const res = await fetch(`${hub.url}/api/directory/import`, { method: 'POST', headers: { authorization: `Bearer ${supervisor.token}`, 'content-type': 'text/csv' }, body: csv });
  expect(res.status).toBe(200);
  for (const c of await collectionsOf(hub.deps.models).Customer.find({}).lean()) ids[c.email!.split('@')[0]!] = c._id as Types.ObjectId;
  vip = (await supervisor.api<{ id: string }>('POST', '/segments', { name: 'VIP', filter: { label: 'vip' } })).body.id;
  pro = (await supervisor.api<{ id: string }>('POST', '/segments', { name: 'Pro', filter: { attr: ['plan:pro'] } })).body.id;
  // Seeded week: Ayşe (VIP, Pro) FRT 10 min, resolved in 60, rated 5; Burak (VIP) 30 / 120 / 2; Cem (no segment) 5 / 20 / 4.
  await history('ayse', '2026-10-02T09:00:00Z', 10, 60, 5);
  await history('burak', '2026-10-03T10:00:00Z', 30, 120, 2);
  await history('cem', '2026-10-04T11:00:00Z', 5, 20, 4);
  await flush();
}, 60_000);
afterAll(async () => {
  await hub.stop();
});

test('FRT, resolution time and CSAT per segment, from the facts of its customers only', async () => {
  const res = await split();
  expect(res.status).toBe(200);
  expect(res.body.segments.map((s) => s.name)).toEqual(['Pro', 'VIP']); // rule order, then name (both order 100)
  const v = rowOf(res.body, vip);
  expect(v.frt).toMatchObject({ count: 2, avg: 20 * MIN });
  expect(v.resolution).toMatchObject({ count: 2, avg: 90 * MIN });
  expect(v.csat).toMatchObject({ asked: 2, answered: 2, satisfied: 1, csat: 0.5, avgScore: 3.5, responseRate: 1 });
  expect(v).toMatchObject({ opened: 2, resolved: 2 });
  const p = rowOf(res.body, pro);
  expect(p.frt).toMatchObject({ count: 1, avg: 10 * MIN });
  expect(p.resolution).toMatchObject({ count: 1, avg: 60 * MIN });
  expect(p.csat).toMatchObject({ answered: 1, satisfied: 1, csat: 1 });
  // The whole (unsplit) summary still counts every customer.
  const all = await supervisor.api<ReportSummary>('GET', `/reports/summary?from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`);
  expect(all.body.frt).toMatchObject({ count: 3, avg: 15 * MIN });
  // The summary for one segment is the same read as its row.
  const one = await supervisor.api<ReportSummary>('GET', `/reports/summary?from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}&segmentId=${vip}`);
  expect(one.body.resolution).toMatchObject({ count: 2, avg: 90 * MIN });
  expect(one.body.csat.csat).toBe(0.5);
  expect(one.body.agents).toEqual([]);
});

test('membership counts as it was when the fact was recorded; a rebuild from the facts gives the same split', async () => {
  // Cem becomes a VIP: his earlier facts stay outside the segment, his next ones count in it.
  await supervisor.api('POST', '/directory/labels', { ids: [String(ids.cem)], add: ['vip'] });
  expect(rowOf((await split()).body, vip).frt.count).toBe(2);
  await history('cem', '2026-10-05T12:00:00Z', 40, 80, 1);
  await flush();
  const after = rowOf((await split()).body, vip);
  expect(after.frt).toMatchObject({ count: 3, avg: ((10 + 30 + 40) / 3) * MIN });
  expect(after.csat).toMatchObject({ answered: 3, satisfied: 1 });
  const rebuilt = await recomputeBuckets(hub.deps.models, hub.deps.redis, hub.deps.config.QUEUE_PREFIX, new Date(FROM), new Date(TO));
  expect(rebuilt.events).toBeGreaterThan(0);
  expect(rowOf((await split()).body, vip)).toEqual(after);
  await supervisor.api('POST', '/directory/labels', { ids: [String(ids.cem)], remove: ['vip'] });
});

test('a segment split with a team is refused; agents may not read it', async () => {
  const agent = await signedInAgent(hub, 'agent-segrep@kanal.test', 'Temsilci', 'agent');
  expect((await agent.api('GET', `/reports/segments?from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`)).status).toBe(403);
  const bad = await supervisor.api<{ error: string }>('GET', `/reports/summary?from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}&segmentId=${vip}&teamId=${new Types.ObjectId().toHexString()}`);
  expect(bad.status).toBe(400);
  expect(JSON.stringify(bad.body)).toContain('segment split covers every team');
});

test('the CSV lists the segments of each conversation and filters by one, through the real ingest and resolve', async () => {
  const n = Date.now();
  await enqueueInbound(hub.deps.queues, emailMessage(`segrep-a-${n}`, 'ayse@example.com'));
  await enqueueInbound(hub.deps.queues, emailMessage(`segrep-c-${n}`, 'cem@example.com'));
  const Conversation = collectionsOf(hub.deps.models).Conversation;
  await waitFor(async () => (await Conversation.countDocuments({})) === 2, 20_000, 'both conversations opened');
  const ayse = (await Conversation.findOne({ customerId: ids.ayse }).lean())!;
  expect((await supervisor.api('POST', `/conversations/${String(ayse._id)}/status`, { status: 'resolved' })).status).toBe(200);
  const facts = await hub.deps.models.metricEvents.ofConversation(ayse._id);
  expect(facts.find((e) => e.type === 'opened')?.segments?.sort()).toEqual([pro, vip].sort());
  expect(facts.find((e) => e.type === 'resolved')?.segments?.sort()).toEqual([pro, vip].sort());

  const day = new Date().toISOString().slice(0, 10);
  const range = `from=${day}T00:00:00Z&to=${encodeURIComponent(new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString())}`;
  const csv = async (q: string) => {
    const res = await fetch(`${hub.url}/api/reports/conversations.csv?${range}${q}`, { headers: { authorization: `Bearer ${supervisor.token}` } });
    expect(res.status).toBe(200);
    return (await res.text()).replace(/^\uFEFF/, '').trim().split('\r\n');
  };
  const everything = await csv('&lang=tr');
  expect(everything[0]!.endsWith(',SLA,Segmentler')).toBe(true);
  expect(everything).toHaveLength(3);
  expect(everything.find((l) => l.startsWith(String(ayse._id)))!.endsWith(',Pro; VIP')).toBe(true);
  expect(everything.find((l) => !l.startsWith(String(ayse._id)) && l !== everything[0])!.endsWith(',')).toBe(true);
  const onlyVip = await csv(`&segmentId=${vip}`);
  expect(onlyVip.slice(1).map((l) => l.split(',')[0])).toEqual([String(ayse._id)]);
}, 60_000);
