import { Types } from 'mongoose';
import type { BusinessCalendar } from '../../src/domain/business-hours';
import type { ReportSummary } from '../../src/domain/reports';
import { assignedFacts, calendarClock, inboundFacts, recordMetricEvents, reopenedFacts, resolvedFacts, responseFacts, slaFact, wireMetrics, type MetricEvent } from '../../src/services/metrics/metrics';
import { flushMetrics, recomputeBuckets } from '../../src/services/metrics/metrics-buckets';
import { HIST_MAX_RELATIVE_ERROR } from '../../src/services/metrics/metrics-histogram';
import { signedInAgent } from '../helpers/agent-api';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { waitFor } from '../helpers/process';
import { conversationModel } from '../../src/store/conversations';
import { collectionsOf } from '../../src/store/collections';

// Metrics on a seeded dataset with hand-computed expected values, in both clocks (docs/metrics.md).
// Team "Destek" works Mon-Fri 09:00-17:00 Istanbul time (UTC+3 all year); every time below is Istanbul time.
// The weekend is Fri 2026-11-06 .. Mon 2026-11-09 (Tue 2026-11-10 for one resolution).
const ist = (local: string) => new Date(`${local}:00+03:00`);
const MIN = 60_000;
const calendar: BusinessCalendar = {
  timezone: 'Europe/Istanbul',
  week: { 1: [{ start: '09:00', end: '17:00' }], 2: [{ start: '09:00', end: '17:00' }], 3: [{ start: '09:00', end: '17:00' }], 4: [{ start: '09:00', end: '17:00' }], 5: [{ start: '09:00', end: '17:00' }], 6: [], 7: [] },
  holidays: [],
};

type Channel = 'webchat' | 'email' | 'sms' | 'whatsapp';
interface Seed {
  name: string;
  channel: Channel;
  agent: 'ayse' | 'mehmet' | null;
  opened: string;
  assigned?: string;
  /** Customer messages after the first, each answered by the next entry of `replies`. */
  later?: string[];
  replies?: string[];
  resolved?: string;
  sla?: Array<['firstResponse' | 'nextResponse' | 'resolution', 'hit' | 'breached']>;
}

// Per conversation (minutes, wall / business). FRT = opened -> first reply; waiting = opened -> assigned;
// resolution = opened -> resolved; next response = customer's later message -> the reply after it.
const seeds: Seed[] = [
  // c1 Fri 10:00; assigned +5 (5/5); reply 10:10: FRT 10/10; resolved 11:00: 60/60. SLA frt hit.
  { name: 'Ayşe Yılmaz', channel: 'webchat', agent: 'ayse', opened: '2026-11-06T10:00', assigned: '2026-11-06T10:05', replies: ['2026-11-06T10:10'], resolved: '2026-11-06T11:00', sla: [['firstResponse', 'hit']] },
  // c2 Fri 16:00; assigned 16:30 (30/30); reply 16:40: FRT 40/40; customer again 16:50, reply Mon 09:20:
  // next response wall 64 h 30 min = 3870, business 10 (Fri 16:50-17:00) + 20 (Mon 09:00-09:20) = 30;
  // resolved Mon 10:00: wall 66 h = 3960, business 60 (Fri 16-17) + 60 (Mon 09-10) = 120. SLA frt hit, next breached.
  { name: 'Çağrı, "Öztürk"', channel: 'email', agent: 'ayse', opened: '2026-11-06T16:00', assigned: '2026-11-06T16:30', later: ['2026-11-06T16:50'], replies: ['2026-11-06T16:40', '2026-11-09T09:20'], resolved: '2026-11-09T10:00', sla: [['firstResponse', 'hit'], ['nextResponse', 'breached']] },
  // c3 Fri 17:59 (after hours); assigned Mon 09:00: waiting 63 h 01 min = 3781 / 0; reply Mon 09:30: FRT 3811 / 30.
  { name: '=HYPERLINK("http://x")', channel: 'whatsapp', agent: 'ayse', opened: '2026-11-06T17:59', assigned: '2026-11-09T09:00', replies: ['2026-11-09T09:30'], sla: [['firstResponse', 'breached']] },
  // c4 Sat 10:00; assigned +2 (2/0); reply 10:12: FRT 12/0; resolved 12:00: 120/0.
  { name: 'Şule\nİnce', channel: 'webchat', agent: 'ayse', opened: '2026-11-07T10:00', assigned: '2026-11-07T10:02', replies: ['2026-11-07T10:12'], resolved: '2026-11-07T12:00' },
  // c5 Sat 14:00; assigned Mon 09:05: waiting 43 h 05 min = 2585 / 5; reply Mon 09:15: FRT 2595 / 15. SLA frt hit.
  { name: 'Gökhan Işık', channel: 'sms', agent: 'ayse', opened: '2026-11-07T14:00', assigned: '2026-11-09T09:05', replies: ['2026-11-09T09:15'], sla: [['firstResponse', 'hit']] },
  // c6 Sun 20:00; assigned 20:10 (10/0); reply 20:30: FRT 30/0; resolved Mon 09:30: 13 h 30 min = 810 / 30.
  { name: '+90 532 000 00 00', channel: 'whatsapp', agent: 'ayse', opened: '2026-11-08T20:00', assigned: '2026-11-08T20:10', replies: ['2026-11-08T20:30'], resolved: '2026-11-09T09:30' },
  // c7 Mon 08:00 (before hours); assigned 08:30 (30/0); reply 09:10: FRT 70/10. SLA frt hit.
  { name: 'Emre Can', channel: 'email', agent: 'mehmet', opened: '2026-11-09T08:00', assigned: '2026-11-09T08:30', replies: ['2026-11-09T09:10'], sla: [['firstResponse', 'hit']] },
  // c8 Mon 11:00; assigned +1 (1/1); reply 11:05: FRT 5/5; resolved 15:00: 240/240. SLA frt hit.
  { name: 'Deniz', channel: 'webchat', agent: 'mehmet', opened: '2026-11-09T11:00', assigned: '2026-11-09T11:01', replies: ['2026-11-09T11:05'], resolved: '2026-11-09T15:00', sla: [['firstResponse', 'hit']] },
  // c9 Mon 12:00; assigned after 30 s (0.5/0.5); reply 12:20: FRT 20/20. SLA frt hit.
  { name: 'Ece', channel: 'webchat', agent: 'mehmet', opened: '2026-11-09T12:00', assigned: '2026-11-09T12:00:30', replies: ['2026-11-09T12:20'], sla: [['firstResponse', 'hit']] },
  // c10 Mon 13:00: nobody took it; no reply (in no duration metric, one inbound message).
  { name: 'Sessiz Müşteri', channel: 'sms', agent: null, opened: '2026-11-09T13:00' },
  // c11 Mon 14:00; assigned 14:10 (10/10); reply 14:25: FRT 25/25; customer 14:30 -> reply 14:45: 15/15;
  // customer 14:50 -> reply 15:20: 30/30; resolved 16:00: 120/120. SLA frt hit.
  { name: 'Zeynep', channel: 'whatsapp', agent: 'mehmet', opened: '2026-11-09T14:00', assigned: '2026-11-09T14:10', later: ['2026-11-09T14:30', '2026-11-09T14:50'], replies: ['2026-11-09T14:25', '2026-11-09T14:45', '2026-11-09T15:20'], resolved: '2026-11-09T16:00', sla: [['firstResponse', 'hit']] },
  // c12 Mon 16:30; assigned 16:40 (10/10); reply 17:30: FRT 60/30; resolved Tue 09:30: 17 h = 1020 / 30 + 30 = 60.
  // SLA resolution breached.
  { name: 'Murat', channel: 'email', agent: 'mehmet', opened: '2026-11-09T16:30', assigned: '2026-11-09T16:40', replies: ['2026-11-09T17:30'], resolved: '2026-11-10T09:30', sla: [['resolution', 'breached']] },
];
const at = (s: string) => (s.length === 16 ? ist(s) : new Date(`${s}+03:00`));

// Expected (minutes). Nearest-rank percentile of n samples: the ceil(p/100 * n)-th smallest.
// FRT wall (11): 5 10 12 20 25 30 40 60 70 2595 3811 -> median 6th = 30, p90 10th = 2595, sum 6678.
// FRT business: 0 0 5 10 10 15 20 25 30 30 40 -> median 15, p90 30, sum 185.
// Responses (FRT samples + next responses 3870/30, 15/15, 30/30; 14 samples):
//   wall 5 10 12 15 20 25 30 30 40 60 70 2595 3811 3870 -> median 7th = 30, p90 13th = 3811, sum 10593;
//   business 0 0 5 10 10 15 15 20 25 30 30 30 30 40 -> median 15, p90 30, sum 260.
// Resolution (7): wall 60 120 120 240 810 1020 3960 -> median 4th = 240, p90 7th = 3960, sum 6330;
//   business 0 30 60 60 120 120 240 -> median 60, p90 240, sum 630.
// Waiting (11): wall 0.5 1 2 5 10 10 10 30 30 2585 3781 -> median 6th = 10, p90 10th = 2585, sum 6464.5;
//   business 0 0 0 0 0.5 1 5 5 10 10 30 -> median 1, p90 10, sum 61.5.
// SLA: 7 hits (c1 c2 c5 c7 c8 c9 c11), 3 breaches (c2 next, c3, c12) -> 0.7 in both clocks.
const expected = {
  wall: {
    frt: { count: 11, sum: 6678, median: 30, p90: 2595 },
    response: { count: 14, sum: 10593, median: 30, p90: 3811 },
    resolution: { count: 7, sum: 6330, median: 240, p90: 3960 },
    waiting: { count: 11, sum: 6464.5, median: 10, p90: 2585 },
  },
  business: {
    frt: { count: 11, sum: 185, median: 15, p90: 30 },
    response: { count: 14, sum: 260, median: 15, p90: 30 },
    resolution: { count: 7, sum: 630, median: 60, p90: 240 },
    waiting: { count: 11, sum: 61.5, median: 1, p90: 10 },
  },
};

let hub: Awaited<ReturnType<typeof startTestHub>>;
let supervisor: Awaited<ReturnType<typeof signedInAgent>>;
let agent: Awaited<ReturnType<typeof signedInAgent>>;
const teamId = new Types.ObjectId();
const agents: Record<string, Types.ObjectId> = {};
const ids: Types.ObjectId[] = [];
const FROM = '2026-11-06T00:00:00+03:00';
const TO = '2026-11-11T00:00:00+03:00';

/** Runs the metrics flusher until this call itself got the lock (the worker may be flushing at the same time). */
const flush = () => waitFor(() => flushMetrics(hub.deps.models, hub.deps.redis, hub.deps.config.QUEUE_PREFIX), 10_000, 'the metrics flusher lock');
const summary = (query: string) => supervisor.api<ReportSummary>('GET', `/reports/summary?from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}${query}`);

async function seed() {
  const m = hub.deps.models;
  await collectionsOf(m).Team.create({ _id: teamId, name: 'Destek' });
  for (const s of seeds) {
    const customer = await collectionsOf(m).Customer.create({ name: s.name });
    const agentId = s.agent ? agents[s.agent]! : null;
    const replies = (s.replies ?? []).map(at);
    const conv = (await m.conversations.insertFixtures([{
      customerId: customer._id, openKey: s.resolved ? `resolved:${ids.length}` : String(customer._id), status: s.resolved ? 'resolved' : 'open',
      assigneeId: agentId, teamId, lastInboundChannel: s.channel, openedAt: at(s.opened), lastActivityAt: at(s.opened),
      firstResponseAt: replies[0] ?? null, resolvedAt: s.resolved ? at(s.resolved) : null,
    }]))[0]!;
    ids.push(conv._id as Types.ObjectId);
    const unassigned = { ...conv, assigneeId: null };
    const facts: MetricEvent[] = [...inboundFacts(unassigned, { _id: new Types.ObjectId(), channel: s.channel, createdAt: at(s.opened) }, true)];
    if (s.assigned) facts.push(...(await assignedFacts(m, unassigned, agentId, at(s.assigned))));
    // Customer messages wait from their time; the first from the opening.
    const waits = [at(s.opened), ...(s.later ?? []).map(at)];
    for (const [i, reply] of replies.entries()) {
      if (i > 0) facts.push(...inboundFacts(conv, { _id: new Types.ObjectId(), channel: s.channel, createdAt: waits[i]! }, false));
      facts.push(...(await responseFacts(m, { ...conv, waitingSince: waits[i] }, { messageId: new Types.ObjectId(), agentId, channel: s.channel, at: reply, first: i === 0 })));
    }
    if (s.resolved) facts.push(...(await resolvedFacts(m, conv, at(s.resolved))));
    for (const [target, outcome] of s.sla ?? []) facts.push(slaFact(conv, target, outcome, at(s.opened), at(s.opened)));
    await recordMetricEvents(m, facts);
  }
  await flush();
}

beforeAll(async () => {
  hub = await startTestHub(testConfig('metrics'));
  wireMetrics(hub.deps.models, {
    redis: hub.deps.redis, prefix: hub.deps.config.QUEUE_PREFIX, clock: calendarClock((id) => (id === String(teamId) ? calendar : null)),
  });
  supervisor = await signedInAgent(hub, 'sefa@kanal.test', 'Sefa', 'supervisor');
  agent = await signedInAgent(hub, 'ayse@kanal.test', 'Ayşe', 'agent');
  agents.ayse = new Types.ObjectId(agent.id);
  agents.mehmet = new Types.ObjectId((await signedInAgent(hub, 'mehmet@kanal.test', 'Mehmet', 'agent')).id);
  await seed();
}, 60_000);
afterAll(async () => {
  await hub.stop();
});

const within = (actualMs: number | null, expectedMin: number) => {
  const exp = expectedMin * MIN;
  expect(actualMs).not.toBeNull();
  // Medians and p90 come from log-scale histograms: within a factor 1 + HIST_MAX_RELATIVE_ERROR of the exact value.
  expect(actualMs!).toBeGreaterThanOrEqual(exp / (1 + HIST_MAX_RELATIVE_ERROR) - 1);
  expect(actualMs!).toBeLessThanOrEqual(exp * (1 + HIST_MAX_RELATIVE_ERROR) + 1);
};

describe('report summary on the seeded weekend', () => {
  test.each(['wall', 'business'] as const)('%s clock: counts and averages exact, median and p90 within the histogram bound, SLA 70 %%', async (clock) => {
    const res = await summary(`&clock=${clock}`);
    expect(res.status).toBe(200);
    expect(res.body.clock).toBe(clock);
    for (const [metric, e] of Object.entries(expected[clock]) as Array<[keyof (typeof expected)['wall'], (typeof expected)['wall']['frt']]>) {
      const got = res.body[metric];
      expect({ metric, count: got.count }).toEqual({ metric, count: e.count });
      expect(got.avg).toBeCloseTo((e.sum * MIN) / e.count, 3);
      within(got.median, e.median);
      within(got.p90, e.p90);
    }
    expect(res.body.slaHitRate).toBeCloseTo(0.7, 10);
  });

  test('volumes: inbound messages by channel, by hour and by hour of day (UTC and Istanbul)', async () => {
    const utc = (await summary('')).body;
    // webchat c1 c4 c8 c9; email c2 (2 messages) c7 c12; whatsapp c3 c6 c11 (3 messages); sms c5 c10.
    expect(utc.volumes.byChannel).toEqual({ webchat: 4, email: 4, whatsapp: 5, sms: 2, telegram: 0 }) // every registered channel, 0 where none;
    expect(utc.volumes.byHour).toHaveLength(5 * 24);
    expect(utc.volumes.byHour.reduce((s, h) => s + h.count, 0)).toBe(15);
    expect(utc.volumes.byHour.find((h) => h.hour === '2026-11-09T11:00:00.000Z')!.count).toBe(3); // Mon 14:00-14:59 Istanbul: c11
    // Istanbul hours of the 15 messages: 8 10 10 11 12 13 14 14 14 14 16 16 16 17 20.
    const local = (await summary('&tz=Europe%2FIstanbul')).body.volumes.byHourOfDay;
    const expectLocal = new Array(24).fill(0);
    for (const [h, n] of [[8, 1], [10, 2], [11, 1], [12, 1], [13, 1], [14, 4], [16, 3], [17, 1], [20, 1]]) expectLocal[h!] = n;
    expect(local).toEqual(expectLocal);
    expect(utc.volumes.byHourOfDay).toEqual([...expectLocal.slice(3), ...expectLocal.slice(0, 3)]);
  });

  test('conversation volume (new, resolved, reopened) and a daily trend by the supervisor\'s local days', async () => {
    const local = (await summary('&tz=Europe%2FIstanbul')).body;
    expect(local.volume).toEqual({ new: 12, resolved: 7, reopened: 0, inbound: 15 });
    // Opened Fri c1-c3, Sat c4 c5, Sun c6, Mon c7-c12; resolved Fri c1, Sat c4, Mon c2 c6 c8 c11, Tue c12.
    expect(local.byDay).toEqual([
      { day: '2026-11-06', new: 3, resolved: 1, reopened: 0, inbound: 4 },
      { day: '2026-11-07', new: 2, resolved: 1, reopened: 0, inbound: 2 },
      { day: '2026-11-08', new: 1, resolved: 0, reopened: 0, inbound: 1 },
      { day: '2026-11-09', new: 6, resolved: 4, reopened: 0, inbound: 8 },
      { day: '2026-11-10', new: 0, resolved: 1, reopened: 0, inbound: 0 },
    ]);
    // Customer messages that reopened conversations, two days later: counted on their own day.
    const conv = (await hub.deps.models.conversations.byId(ids[6]!))!;
    await recordMetricEvents(hub.deps.models, [
      ...reopenedFacts(conv, { _id: new Types.ObjectId(), channel: 'email', createdAt: ist('2026-11-12T10:00') }),
      ...reopenedFacts(conv, { _id: new Types.ObjectId(), channel: 'email', createdAt: ist('2026-11-12T11:00') }),
    ]);
    await flush();
    const later = (await supervisor.api<ReportSummary>('GET', `/reports/summary?from=${encodeURIComponent('2026-11-12T00:00:00+03:00')}&to=${encodeURIComponent('2026-11-13T00:00:00+03:00')}&tz=Europe%2FIstanbul`)).body;
    expect(later.volume).toEqual({ new: 0, resolved: 0, reopened: 2, inbound: 0 });
    expect(later.byDay).toEqual([{ day: '2026-11-12', new: 0, resolved: 0, reopened: 2, inbound: 0 }]);
  });

  test('per agent: handled, resolved, responses, FRT median, resolution median and p90, busiest first', async () => {
    const rows = (await summary('')).body.agents;
    expect(rows.map((r) => [r.name, r.handled, r.resolved, r.responses])).toEqual([['Ayşe', 6, 4, 7], ['Mehmet', 5, 3, 7], ['Sefa', 0, 0, 0]]);
    const [ayse, mehmet, sefa] = rows;
    // Ayşe: FRT 10 12 30 40 2595 3811 (median 3rd = 30); resolution 60 120 810 3960 (median 120, p90 3960).
    within(ayse!.frt.median, 30);
    within(ayse!.resolution.median, 120);
    within(ayse!.resolution.p90, 3960);
    // Mehmet: FRT 5 20 25 60 70 (median 25); resolution 120 240 1020 (median 240, p90 1020).
    within(mehmet!.frt.median, 25);
    within(mehmet!.resolution.median, 240);
    within(mehmet!.resolution.p90, 1020);
    expect(sefa!.frt).toEqual({ count: 0, avg: null, median: null, p90: null });
    // Filtered by an agent: that agent's row only; by another team: its (no) members.
    expect((await summary(`&agentId=${agents.mehmet}`)).body.agents.map((r) => [r.name, r.handled])).toEqual([['Mehmet', 5]]);
    expect((await summary(`&teamId=${new Types.ObjectId()}`)).body.agents).toEqual([]);
  });

  test('filters: agent, channel, team', async () => {
    // Mehmet: c7 c8 c9 c11 c12 -> FRT wall 70 5 20 25 60 (sum 180); resolutions c8 c11 c12 (240 + 120 + 1020).
    const mehmet = (await summary(`&agentId=${agents.mehmet}`)).body;
    expect(mehmet.frt.count).toBe(5);
    expect(mehmet.frt.avg).toBeCloseTo((180 * MIN) / 5, 3);
    expect(mehmet.resolution.avg).toBeCloseTo((1380 * MIN) / 3, 3);
    // web chat: c1 c4 c8 c9 -> FRT 10 12 5 20.
    const webchat = (await summary('&channel=webchat')).body;
    expect(webchat.frt.count).toBe(4);
    expect(webchat.frt.avg).toBeCloseTo((47 * MIN) / 4, 3);
    expect(Object.keys(webchat.volumes.byChannel)).toEqual(['webchat']);
    expect((await summary(`&teamId=${teamId}&clock=business`)).body.frt.count).toBe(11);
    const other = (await summary(`&teamId=${new Types.ObjectId()}`)).body;
    expect(other.frt).toEqual({ count: 0, avg: null, median: null, p90: null });
    expect(other.slaHitRate).toBeNull();
  });

  test('bad input is a 400 with a clear message; agents get 403; signed-out callers 401', async () => {
    const bad = await supervisor.api('GET', `/reports/summary?from=${encodeURIComponent(TO)}&to=${encodeURIComponent(FROM)}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/to: must be after from/);
    expect((await supervisor.api('GET', '/reports/summary?from=yesterday&to=today')).status).toBe(400);
    expect((await summary('&clock=sideral')).status).toBe(400);
    expect(((await summary('&tz=Mars%2FOlympus')).body as unknown as { error: string }).error).toMatch(/IANA time zone/);
    expect((await supervisor.api('GET', `/reports/summary?from=2020-01-01T00:00:00Z&to=2022-01-01T00:00:00Z`)).body.error).toMatch(/366 days/);
    expect((await agent.api('GET', `/reports/summary?from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`)).status).toBe(403);
    expect((await agent.api('GET', `/reports/conversations.csv?from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`)).status).toBe(403);
    expect((await supervisor.api('GET', `/reports/summary?from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`, undefined, false)).status).toBe(401);
  });

  test('the reports are in the OpenAPI document with their query parameters', async () => {
    const doc = (await supervisor.api('GET', '/openapi.json')).body;
    const params = doc.paths['/api/reports/summary'].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(['from', 'to', 'teamId', 'agentId', 'channel', 'clock', 'tz', 'segmentId']);
    expect(doc.paths['/api/reports/conversations.csv'].get).toBeDefined();
  });
});

describe('buckets', () => {
  const snapshot = async () =>
    // Without `_rev`: the store's revision count says how often a document was written, not what it holds.
    (await collectionsOf(hub.deps.models).MetricBucket.collection.find({}, { projection: { _rev: 0 } }).sort({ _id: 1 }).toArray()).map((d) => JSON.parse(JSON.stringify(d)));

  test('rebuilding from metric_events gives exactly the live-updated buckets', async () => {
    const live = await snapshot();
    expect(live.length).toBeGreaterThan(0);
    const r = await recomputeBuckets(hub.deps.models, hub.deps.redis, hub.deps.config.QUEUE_PREFIX, new Date(FROM), new Date(TO));
    expect(r.events).toBeGreaterThan(0);
    expect(await snapshot()).toEqual(live);
  });

  test('a fact arriving after its hour was closed adds to the stored bucket (and is counted once)', async () => {
    const m = hub.deps.models;
    const prefix = hub.deps.config.QUEUE_PREFIX;
    // The seeded week is older than 48 h: its accumulators are closed (the worker's own flushes close them too),
    // only the bucket documents remain.
    await waitFor(() => flushMetrics(m, hub.deps.redis, prefix, Date.parse('2027-01-01')), 10_000, 'the metrics flusher lock');
    expect(await hub.deps.redis.keys(`${prefix}:metrics:acc:*`)).toEqual([]);
    const conv = await conversationModel(hub.deps.db).findById(ids[9]).lean(); // c10, never answered: a late reply Mon 13:30 (30/30)
    const late = await responseFacts(m, { ...conv!, waitingSince: conv!.openedAt }, { messageId: new Types.ObjectId(), agentId: agents.mehmet, channel: 'sms', at: ist('2026-11-09T13:30'), first: true });
    await recordMetricEvents(m, late);
    await recordMetricEvents(m, late); // fed twice (a retried job)
    await flush();
    const after = (await summary('&clock=business')).body;
    expect(after.frt.count).toBe(12);
    expect(after.frt.avg).toBeCloseTo(((185 + 30) * MIN) / 12, 3);
    const live = await snapshot();
    await recomputeBuckets(m, hub.deps.redis, prefix, new Date(FROM), new Date(TO));
    expect(await snapshot()).toEqual(live);

    // Reports read the buckets through a Redis copy: a rebuild without the late fact must not leave it there,
    await collectionsOf(m).MetricEvent.collection.deleteMany({ _id: { $in: late.map((f) => f._id) } } as never);
    await recomputeBuckets(m, hub.deps.redis, prefix, new Date(FROM), new Date(TO));
    expect((await summary('&clock=business')).body.frt.count).toBe(11);
    // and losing the copy loses nothing: the report is rebuilt from the store.
    const before = (await summary('&clock=business')).body;
    for (const key of await hub.deps.redis.keys(`${prefix}:metrics:doc:*`)) await hub.deps.redis.del(key);
    expect((await summary('&clock=business')).body).toEqual(before);
  });
});

describe('conversations CSV', () => {
  test('one row per conversation: exact FRT and resolution in both clocks, Turkish text, quoting and formula guard', async () => {
    const res = await fetch(`${hub.url}/api/reports/conversations.csv?from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`, {
      headers: { authorization: `Bearer ${supervisor.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 BOM
    const text = bytes.toString('utf8').slice(1);
    expect(text.split('\r\n')[0]).toBe('Conversation,Customer,Channel,Team,Assignee,Status,Opened,First response,Resolved,First response time (min),"First response time, business hours (min)",Resolution time (min),"Resolution time, business hours (min)",SLA,Segments');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="kanal-conversations_2026-11-05_2026-11-10.csv"'); // UTC days without tz
    const rows = parseCsv(text).slice(1);
    expect(rows).toHaveLength(12);
    const row = (i: number) => rows.find((r) => r[0] === String(ids[i]))!;
    // c2: quotes and a comma in the name; FRT 40/40, resolution 3960/120; SLA breached (next response).
    expect(row(1).slice(1, 6)).toEqual(['Çağrı, "Öztürk"', 'Email', 'Destek', 'Ayşe', 'Resolved']);
    expect(row(1).slice(9)).toEqual(['40', '40', '3960', '120', 'Breached', '']); // no segment
    expect(text).toContain('"Çağrı, ""Öztürk"""');
    // c3: a formula is neutralised; FRT 3811/30; not resolved; SLA breached.
    expect(row(2)[1]).toBe(`'=HYPERLINK("http://x")`);
    expect(row(2).slice(9)).toEqual(['3811', '30', '', '', 'Breached', '']);
    // c4: a newline inside a quoted cell; weekend: FRT 12/0, resolution 120/0, no SLA.
    expect(row(3)[1]).toBe('Şule\nİnce');
    expect(row(3).slice(9)).toEqual(['12', '0', '120', '0', '', '']);
    // c6: '+' starts a formula too.
    expect(row(5)[1]).toBe("'+90 532 000 00 00");
    expect(row(5).slice(9)).toEqual(['30', '0', '810', '30', '', '']);
    // c12: resolution 1020/60, SLA breached; c1 hit.
    expect(row(11).slice(9)).toEqual(['60', '30', '1020', '60', 'Breached', '']);
    expect(row(0)[13]).toBe('Met');
    expect(row(0).slice(6, 9)).toEqual(['2026-11-06 07:00', '2026-11-06 07:10', '2026-11-06 08:00']); // UTC without tz
  });

  test('in Turkish and the supervisor\'s zone: Turkish labels and words, local times, the form\'s days in the file name', async () => {
    const res = await fetch(`${hub.url}/api/reports/conversations.csv?from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}&tz=Europe%2FIstanbul&lang=tr&clock=business`, {
      headers: { authorization: `Bearer ${supervisor.token}` },
    });
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="kanal-konusmalar_2026-11-06_2026-11-10_calisma-saatleri.csv"');
    const [header, ...rows] = parseCsv((await res.text()).replace(/^\uFEFF/, ''));
    expect(header).toEqual(['Konuşma', 'Müşteri', 'Kanal', 'Ekip', 'Atanan', 'Durum', 'Açıldı', 'İlk yanıt', 'Çözüldü', 'İlk yanıt süresi (dk)', 'İlk yanıt süresi, çalışma saatleri (dk)', 'Çözüm süresi (dk)', 'Çözüm süresi, çalışma saatleri (dk)', 'SLA', 'Segmentler']);
    const c2 = rows.find((r) => r[0] === String(ids[1]))!;
    expect(c2.slice(2, 9)).toEqual(['E-posta', 'Destek', 'Ayşe', 'Çözüldü', '2026-11-06 16:00', '2026-11-06 16:40', '2026-11-09 10:00']);
    expect(c2[13]).toBe('Aşıldı');
    expect(rows.find((r) => r[0] === String(ids[9]))!.slice(5, 9)).toEqual(['Açık', '2026-11-09 13:00', '', '']);
    expect((await fetch(`${hub.url}/api/reports/conversations.csv?from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}&lang=de`, { headers: { authorization: `Bearer ${supervisor.token}` } })).status).toBe(400);
  });

  test('filters apply to the rows', async () => {
    const res = await fetch(`${hub.url}/api/reports/conversations.csv?from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}&channel=whatsapp&agentId=${agents.ayse}`, {
      headers: { authorization: `Bearer ${supervisor.token}` },
    });
    const rows = parseCsv((await res.text()).replace(/^\uFEFF/, '')).slice(1);
    expect(rows.map((r) => r[0]).sort()).toEqual([String(ids[2]), String(ids[5])].sort());
  });
});

describe('facts recorded by the hub itself', () => {
  test('a customer message, an agent reply and a resolve are counted; a private note is not a response', async () => {
    const { ingest } = await import('../../src/services/ingest/ingest');
    const { webchatMessage } = await import('../helpers/messages');
    const m = hub.deps.models;
    const { conversationId } = await ingest(m, null, webchatMessage('metrics-live-1', 'visitor-metrics'));
    expect((await agent.api('POST', `/conversations/${conversationId}/assign`, { assigneeId: agent.id })).status).toBe(200);
    expect((await agent.api('POST', `/conversations/${conversationId}/notes`, { text: 'iç not' })).status).toBe(201);
    expect((await agent.api('POST', `/conversations/${conversationId}/reply`, { text: 'Merhaba, bakıyorum.' })).status).toBe(202);
    expect((await agent.api('POST', `/conversations/${conversationId}/reply`, { text: 'Bir dakika lütfen.' })).status).toBe(202);
    expect((await agent.api('POST', `/conversations/${conversationId}/status`, { status: 'resolved' })).status).toBe(200);
    // A reply's response fact is recorded once it is sent (the web chat send is the worker's).
    const facts = await waitFor(async () => {
      const all = await collectionsOf(m).MetricEvent.find({ conversationId }).lean();
      return all.some((f) => f.type === 'response') ? all : null;
    }, 15_000, 'the reply to be sent');
    // The second reply answered no waiting customer: not a response. The note never is.
    expect(facts.map((f) => f.type).sort()).toEqual(['assigned', 'dequeued', 'inbound', 'opened', 'resolved', 'response']);
    const response = facts.find((f) => f.type === 'response')!;
    expect(response.first).toBe(true);
    expect(String(response.agentId)).toBe(agent.id);
    // The metrics worker folds them into buckets on its own schedule.
    const now = new Date();
    const from = new Date(now.getTime() - 2 * 3600_000).toISOString();
    const to = new Date(now.getTime() + 2 * 3600_000).toISOString();
    const live = await waitFor(async () => {
      const r = await supervisor.api<ReportSummary>('GET', `/reports/summary?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&agentId=${agent.id}`);
      return r.body.resolution.count === 1 ? r.body : null;
    }, 15_000, 'the metrics worker to flush');
    expect(live.frt.count).toBe(1);
    expect(live.response.count).toBe(1);
    expect(live.waiting.count).toBe(1);
    // The customer wrote before anyone was assigned: the message counts for "no agent", so it shows unfiltered.
    expect(live.volumes.byChannel.webchat).toBe(0);
    const all = await waitFor(async () => {
      const r = await supervisor.api<ReportSummary>('GET', `/reports/summary?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
      return r.body.resolution.count === 1 ? r.body : null; // the flusher writes the four documents one by one
    }, 15_000, 'the unfiltered buckets');
    expect(all.volumes.byChannel).toEqual({ webchat: 1, email: 0, sms: 0, whatsapp: 0, telegram: 0 });
  });
});

/** RFC 4180 parser for the test's own reading of the CSV. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; } else if (ch === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; } else cell += ch;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}
