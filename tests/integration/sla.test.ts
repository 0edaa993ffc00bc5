import { setTeamAccessMode } from '../../src/services/access';
import { Types } from 'mongoose';
import { io as connect, type Socket } from 'socket.io-client';
import { AgentEvents } from '../../src/domain/events';
import type { AtRiskItem } from '../../src/domain/sla';
import type { ConversationView } from '../../src/domain/views';
import { setStatus } from '../../src/services/conversations/conversations';
import { ingest } from '../../src/services/ingest/ingest';
import { createReply } from '../../src/services/conversations/replies';
import { fireSlaJob, slaJobId, syncSla, type SlaContext } from '../../src/services/sla/sla';
import { signedInAgent } from '../helpers/agent-api';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { webchatMessage } from '../helpers/messages';
import { waitFor } from '../helpers/process';
import { connected, nextEvent } from '../helpers/sockets';
import { conversationModel } from '../../src/store/conversations';
import { collectionsOf } from '../../src/store/collections';

// SLA clocks in business time, against a real hub (FerretDB, Redis, BullMQ workers, Socket.IO). The hub's clock is
// the real one; tests that need "Friday 17:59" call the SLA service with an injected clock, and delayed jobs get
// their delay from it, so a job due "in 1.5 s" really fires through the hub's worker.
let hub: Awaited<ReturnType<typeof startTestHub>>;
let admin: Awaited<ReturnType<typeof signedInAgent>>;
let supervisor: Awaited<ReturnType<typeof signedInAgent>>;
let agent: Awaited<ReturnType<typeof signedInAgent>>;
let teamId = '';
const sockets: Socket[] = [];

// Friday 2026-11-13 17:59 in Istanbul (UTC+3); Monday 2026-11-16 is a holiday; 09:00-18:00 Monday to Friday.
const FRIDAY_1759 = new Date('2026-11-13T14:59:00Z');
const TUESDAY_0959 = new Date('2026-11-17T06:59:00Z');
const nineToSix = [{ start: '09:00', end: '18:00' }];
const calendar = { timezone: 'Europe/Istanbul', week: { 1: nineToSix, 2: nineToSix, 3: nineToSix, 4: nineToSix, 5: nineToSix, 6: [], 7: [] }, holidays: ['2026-11-16'] };

const at = (now: Date): SlaContext => ({ models: hub.deps.models, events: hub.deps.events, queues: hub.deps.queues, now: () => now });
const conv = (id: string) => conversationModel(hub.deps.db).findById(id).lean() as Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A customer's message that arrived at `openedAt`, in the team (written through ingest, then dated). */
let seq = 0;
async function conversationOpenedAt(openedAt: Date): Promise<string> {
  seq++;
  const { conversationId } = await ingest(hub.deps.models, null, webchatMessage(`sla-${seq}-${Date.now()}`, `visitor-sla-${seq}`));
  await hub.deps.models.conversations.updateById(
    conversationId,
    { $set: { openedAt, lastInboundAt: openedAt, waitingSince: openedAt, teamId: new Types.ObjectId(teamId) } },
  );
  return conversationId;
}

beforeAll(async () => {
  hub = await startTestHub(testConfig('sla'));
  await setTeamAccessMode(hub.deps.models, null, 'open', null); // SLA clocks, not access: every agent sees every conversation here
  admin = await signedInAgent(hub, 'admin-sla@kanal.test', 'Admin', 'admin');
  supervisor = await signedInAgent(hub, 'sup-sla@kanal.test', 'Selin', 'supervisor');
  agent = await signedInAgent(hub, 'agent-sla@kanal.test', 'Kerem');
  teamId = (await admin.api<{ id: string }>('POST', '/teams', { name: 'Destek' })).body.id;
  expect((await admin.api('PUT', `/teams/${teamId}/calendar`, calendar)).status).toBe(200);
  const policy = { default: { firstResponseMinutes: 60, nextResponseMinutes: 120, resolutionMinutes: 1440 }, pauseWhen: ['pending'] };
  expect((await admin.api('PUT', `/teams/${teamId}/sla-policy`, policy)).status).toBe(200);
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await hub.stop();
});

describe('calendar and policy settings (admin REST)', () => {
  test('a team reads back its own calendar; the default applies to teams without one', async () => {
    const got = await admin.api('GET', `/teams/${teamId}/calendar`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ source: 'team', own: { timezone: 'Europe/Istanbul', holidays: ['2026-11-16'] } });
    const other = (await admin.api<{ id: string }>('POST', '/teams', { name: 'Satış' })).body.id;
    expect((await admin.api('GET', `/teams/${other}/calendar`)).body).toMatchObject({ own: null, source: 'none', effective: { timezone: 'UTC' } });
    expect((await admin.api('PUT', '/teams/default/calendar', { ...calendar, timezone: 'Europe/Berlin' })).status).toBe(200);
    expect((await admin.api('GET', `/teams/${other}/calendar`)).body).toMatchObject({ own: null, source: 'default', effective: { timezone: 'Europe/Berlin' } });
  });

  test('bad calendars and policies are refused with the reason; only admins may change them', async () => {
    const bad = await admin.api('PUT', `/teams/${teamId}/calendar`, { ...calendar, week: { 1: [{ start: '18:00', end: '09:00' }] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/body\.week\.1\.0: a shift must end after it starts/);
    expect((await admin.api('PUT', `/teams/${teamId}/calendar`, { ...calendar, timezone: 'Istanbul' })).body.error).toMatch(/IANA zone/);
    expect((await admin.api('PUT', `/teams/${teamId}/sla-policy`, { default: { firstResponseMinutes: 0 } })).status).toBe(400);
    expect((await admin.api('PUT', `/teams/${teamId}/sla-policy`, { pauseWhen: ['resolved'] })).status).toBe(400);
    expect((await admin.api('PUT', `/teams/${'0'.repeat(24)}/calendar`, calendar)).status).toBe(404);
    expect((await admin.api('GET', '/teams/nope/calendar')).status).toBe(400);
    expect((await supervisor.api('PUT', `/teams/${teamId}/calendar`, calendar)).status).toBe(403);
    expect((await agent.api('GET', `/teams/${teamId}/sla-policy`)).status).toBe(403);
    expect((await admin.api('GET', `/teams/${teamId}/calendar`)).body.own.timezone).toBe('Europe/Istanbul');
  });

  test('every route asks who is calling and is in the OpenAPI document', async () => {
    const paths = ['calendar', 'auto-reply', 'sla-policy'].map((p) => `/teams/${teamId}/${p}`);
    for (const path of paths) {
      expect((await admin.api('GET', path, undefined, false)).status).toBe(401);
      expect((await admin.api('PUT', path, {}, false)).status).toBe(401);
    }
    expect((await admin.api('GET', '/supervisor/at-risk', undefined, false)).status).toBe(401);
    const doc = (await admin.api('GET', '/openapi.json')).body;
    for (const p of ['calendar', 'auto-reply', 'sla-policy']) expect(Object.keys(doc.paths[`/api/teams/{id}/${p}`]).sort()).toEqual(['get', 'put']);
    expect(doc.paths['/api/supervisor/at-risk'].get.parameters).toEqual([expect.objectContaining({ name: 'withinMinutes', in: 'query' })]);
  });
});

describe('SLA clocks in business time', () => {
  test('a message at 17:59 on Friday, Monday a holiday, 60 min first response: due Tuesday 09:59, timer scheduled for then', async () => {
    const id = await conversationOpenedAt(FRIDAY_1759);
    await syncSla(at(FRIDAY_1759), id);
    expect((await conv(id)).sla.firstResponseDueAt.toISOString()).toBe(TUESDAY_0959.toISOString());
    const job = await hub.deps.queues.sla.getJob(slaJobId(id, 'first_response', TUESDAY_0959));
    expect(job?.opts.delay).toBe(TUESDAY_0959.getTime() - FRIDAY_1759.getTime());
    const view = (await agent.api<ConversationView>('GET', `/conversations/${id}`)).body;
    expect(view.sla).toMatchObject({ firstResponseDueAt: TUESDAY_0959.toISOString(), paused: false, breaches: [] });
    // Syncing again changes nothing and adds no second timer.
    await syncSla(at(FRIDAY_1759), id);
    expect((await hub.deps.queues.sla.getDelayed()).filter((j) => j.data.conversationId === id && j.data.kind === 'first_response')).toHaveLength(1);
  });

  test('concurrent syncs (several worker processes) agree on one due time and one timer', async () => {
    const id = await conversationOpenedAt(FRIDAY_1759);
    await Promise.all(Array.from({ length: 6 }, () => syncSla(at(FRIDAY_1759), id)));
    expect((await conv(id)).sla.firstResponseDueAt.toISOString()).toBe(TUESDAY_0959.toISOString());
    const jobs = (await hub.deps.queues.sla.getDelayed()).filter((j) => j.data.conversationId === id);
    expect(jobs.map((j) => j.data.kind).sort()).toEqual(['first_response', 'resolution']);
  });

  test('the delayed job breaches the clock: event in the thread, sla:breached to supervisors, at-risk lists it', async () => {
    const id = await conversationOpenedAt(FRIDAY_1759);
    await hub.deps.models.conversations.updateById(id, { $set: { assigneeId: new Types.ObjectId(agent.id) } });
    const [supSocket, agentSocket] = [supervisor.token, agent.token].map((token) => {
      const s = connect(`${hub.url}/agents`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
      sockets.push(s);
      return s;
    });
    await Promise.all([connected(supSocket!), connected(agentSocket!)]);
    type Breach = { conversationId: string; kind: string; dueAt: string };
    const breached = [supSocket!, agentSocket!].map((s) => nextEvent<Breach>(s, AgentEvents.slaBreached, (p) => p.conversationId === id));
    await syncSla(at(new Date(TUESDAY_0959.getTime() - 1500)), id); // due in 1.5 s of real time
    const expected = { conversationId: id, kind: 'first_response', dueAt: TUESDAY_0959.toISOString() };
    expect(await Promise.all(breached)).toEqual([expected, expected]); // the supervisor and the assignee

    const c = await conv(id);
    expect(c.sla.breaches).toEqual([expect.objectContaining({ kind: 'first_response', dueAt: TUESDAY_0959 })]);
    const thread = (await agent.api('GET', `/customers/${c.customerId}/thread`)).body;
    expect(JSON.stringify(thread)).toMatch(/SLA breached: first response/);
    // A retried job records nothing twice.
    expect(await fireSlaJob(at(new Date()), { conversationId: id, kind: 'first_response', dueAt: TUESDAY_0959.getTime() })).toBe('stale');
    expect((await conv(id)).sla.breaches).toHaveLength(1);
    // The breach is a metric fact (SLA hit rate, docs/metrics.md), recorded once, against the assignee and team.
    const facts = await collectionsOf(hub.deps.models).MetricEvent.find({ type: 'sla', conversationId: new Types.ObjectId(id) }).lean();
    expect(facts).toEqual([expect.objectContaining({ target: 'firstResponse', outcome: 'breached', dueAt: TUESDAY_0959, agentId: new Types.ObjectId(agent.id), teamId: new Types.ObjectId(teamId) })]);

    const risk = await supervisor.api<AtRiskItem[]>('GET', '/supervisor/at-risk?withinMinutes=30');
    expect(risk.status).toBe(200);
    expect(risk.body).toContainEqual({
      conversationId: id, customerName: 'Ayşe Yılmaz', teamId, assigneeId: agent.id, kind: 'first_response', dueAt: TUESDAY_0959.toISOString(), breached: true,
    });
    expect((await agent.api('GET', '/supervisor/at-risk')).status).toBe(403);
    expect((await supervisor.api('GET', '/supervisor/at-risk?withinMinutes=-5')).status).toBe(400);
  });

  test('an agent reply before the due time stops the clock: its timer is removed and a late firing is a no-op', async () => {
    const id = await conversationOpenedAt(FRIDAY_1759);
    await syncSla(at(new Date(TUESDAY_0959.getTime() - 60_000)), id);
    const jobId = slaJobId(id, 'first_response', TUESDAY_0959);
    expect(await hub.deps.queues.sla.getJob(jobId)).toBeTruthy();

    expect((await agent.api('POST', `/conversations/${id}/reply`, { text: 'Hemen bakıyorum.' })).status).toBe(202);
    const c = await conv(id);
    expect(c.sla.firstResponseDueAt).toBeNull();
    expect(await hub.deps.queues.sla.getJob(jobId)).toBeFalsy();
    expect(await fireSlaJob(at(TUESDAY_0959), { conversationId: id, kind: 'first_response', dueAt: TUESDAY_0959.getTime() })).toBe('stale');
    expect((await conv(id)).sla.breaches ?? []).toEqual([]);
    // A note is not a response: the next customer message starts the next-response clock, a note leaves it running.
    await ingest(hub.deps.models, null, webchatMessage(`sla-next-${id}`, `visitor-sla-${seq}`, 'Hâlâ bekliyorum'));
    await syncSla(at(new Date()), id);
    expect((await conv(id)).sla.nextResponseDueAt).toBeInstanceOf(Date);
    await agent.api('POST', `/conversations/${id}/notes`, { text: 'müşteri aceleci' });
    await syncSla(at(new Date()), id);
    expect((await conv(id)).sla.nextResponseDueAt).toBeInstanceOf(Date);
  });

  test('SLA outcomes reach the metrics once: stopped in time is a hit, stopped late a breach even before its job ran', async () => {
    const facts = async (id: string) => collectionsOf(hub.deps.models).MetricEvent.find({ type: 'sla', conversationId: new Types.ObjectId(id) }).lean();
    const replyAt = async (id: string, when: Date) => {
      await hub.deps.models.conversations.updateById(id, { $set: { firstResponseAt: when }, $unset: { waitingSince: 1 } });
      await syncSla(at(when), id);
    };
    const inTime = await conversationOpenedAt(FRIDAY_1759);
    await syncSla(at(FRIDAY_1759), inTime);
    await replyAt(inTime, new Date(TUESDAY_0959.getTime() - 60_000));
    await syncSla(at(new Date(TUESDAY_0959.getTime() - 30_000)), inTime); // a repeated sync records nothing more
    expect(await facts(inTime)).toEqual([expect.objectContaining({ target: 'firstResponse', outcome: 'hit', dueAt: TUESDAY_0959 })]);

    const late = await conversationOpenedAt(FRIDAY_1759);
    await syncSla(at(FRIDAY_1759), late);
    await replyAt(late, new Date(TUESDAY_0959.getTime() + 60_000)); // the worker was down: the breach job never fired
    expect(await facts(late)).toEqual([expect.objectContaining({ target: 'firstResponse', outcome: 'breached', dueAt: TUESDAY_0959 })]);
    expect(await fireSlaJob(at(new Date(TUESDAY_0959.getTime() + 90_000)), { conversationId: late, kind: 'first_response', dueAt: TUESDAY_0959.getTime() })).toBe('stale');
    expect(await facts(late)).toHaveLength(1);
  });

  test('a reply whose own sync was lost (crash) still prevents the breach: the firing job re-plans first', async () => {
    const id = await conversationOpenedAt(FRIDAY_1759);
    await syncSla(at(FRIDAY_1759), id);
    await createReply(hub.deps.models, null, { conversationId: id, agent: { id: agent.id, name: 'Kerem' }, text: 'Buradayım.' }); // no hook
    expect(await fireSlaJob(at(TUESDAY_0959), { conversationId: id, kind: 'first_response', dueAt: TUESDAY_0959.getTime() })).toBe('stale');
    const c = await conv(id);
    expect(c.sla.firstResponseDueAt).toBeNull();
    expect(c.sla.breaches ?? []).toEqual([]);
  });

  test('pending pauses the clocks with the business time left; reopening resumes them from then', async () => {
    const id = await conversationOpenedAt(FRIDAY_1759);
    const tuesday0930 = new Date('2026-11-17T06:30:00Z');
    await syncSla(at(tuesday0930), id); // 29 minutes of business time left on the first response
    await setStatus(hub.deps.models, new Types.ObjectId(id), 'pending');
    await syncSla(at(tuesday0930), id);
    let c = await conv(id);
    expect(c.sla.firstResponseDueAt).toBeNull();
    expect(c.sla.paused.remainingMs.first_response).toBe(29 * 60_000);
    expect(await hub.deps.queues.sla.getJob(slaJobId(id, 'first_response', TUESDAY_0959))).toBeFalsy();
    expect((await agent.api<ConversationView>('GET', `/conversations/${id}`)).body.sla?.paused).toBe(true);

    // Back to open on Wednesday 17:45: 15 minutes that day, 14 on Thursday -> Thursday 09:14 local.
    const wednesday1745 = new Date('2026-11-18T14:45:00Z');
    const thursday0914 = new Date('2026-11-19T06:14:00Z');
    await setStatus(hub.deps.models, new Types.ObjectId(id), 'open');
    await syncSla(at(wednesday1745), id);
    c = await conv(id);
    expect(c.sla.firstResponseDueAt.toISOString()).toBe(thursday0914.toISOString());
    expect(c.sla.paused).toBeNull();
    expect(await hub.deps.queues.sla.getJob(slaJobId(id, 'first_response', thursday0914))).toBeTruthy();
  });

  test('snoozed does not pause when the policy does not say so; resolving through the API stops every clock', async () => {
    const id = await conversationOpenedAt(FRIDAY_1759);
    await syncSla(at(FRIDAY_1759), id);
    await setStatus(hub.deps.models, new Types.ObjectId(id), 'snoozed', new Date(Date.now() + 3600_000));
    await syncSla(at(FRIDAY_1759), id);
    expect((await conv(id)).sla.firstResponseDueAt.toISOString()).toBe(TUESDAY_0959.toISOString());

    expect((await agent.api('POST', `/conversations/${id}/status`, { status: 'resolved' })).status).toBe(200);
    const c = await conv(id);
    expect([c.sla.firstResponseDueAt, c.sla.nextResponseDueAt, c.sla.resolutionDueAt]).toEqual([null, null, null]);
    expect(await hub.deps.queues.sla.getJob(slaJobId(id, 'first_response', TUESDAY_0959))).toBeFalsy();
  });

  test('a customer message through the inbound worker starts the clocks (default policy, wall clock without a calendar)', async () => {
    const other = await admin.api('PUT', '/teams/default/sla-policy', { default: { firstResponseMinutes: 30 }, priorities: { 2: { firstResponseMinutes: 5 } } });
    expect(other.status).toBe(200);
    expect((await admin.api('PUT', '/teams/default/calendar', { timezone: 'UTC', week: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [d, [{ start: '00:00', end: '24:00' }]])) })).status).toBe(200);
    const msg = webchatMessage(`sla-worker-${Date.now()}`, 'visitor-sla-worker', 'Kargom nerede kaldı?');
    await hub.deps.queues.inbound.add('ingest', { message: msg });
    const c = await waitFor(async () => {
      const customerConv = await conversationModel(hub.deps.db).findOne({ lastMessagePreview: msg.text, 'sla.firstResponseDueAt': { $ne: null } }).lean();
      return customerConv as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    }, 10_000, 'the first-response clock');
    expect(c.sla.firstResponseDueAt.getTime() - c.openedAt.getTime()).toBe(30 * 60_000);
    // Due in about 30 minutes: not at risk within 10, at risk (not breached) within 31.
    const mine = (items: AtRiskItem[]) => items.filter((i) => i.conversationId === String(c._id));
    expect(mine((await supervisor.api<AtRiskItem[]>('GET', '/supervisor/at-risk?withinMinutes=10')).body)).toEqual([]);
    expect(mine((await supervisor.api<AtRiskItem[]>('GET', '/supervisor/at-risk?withinMinutes=31')).body))
      .toEqual([expect.objectContaining({ kind: 'first_response', breached: false, teamId: null })]);
  });
});
