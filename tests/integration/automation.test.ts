import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Types } from 'mongoose';
import { AgentEvents } from '../../src/domain/events';
import type { RuleView, RunView } from '../../src/domain/automation';
import type { WebhookPayload } from '../../src/domain/webhooks';
import { enqueueInbound } from '../../src/queues';
import { messageIdFor } from '../../src/services/ingest/ingest';
import { answerSurvey } from '../../src/services/csat/csat';
import { eventJobId } from '../../src/services/automation/observer';
import { RecentEvents, RECENT_EVENTS_MAX } from '../../src/services/automation/recent-events';
import { collectionsOf } from '../../src/store/collections';
import { signedInAgent } from '../helpers/agent-api';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { webchatMessage } from '../helpers/messages';
import { waitFor } from '../helpers/process';

// Automation rules (src/services/automation, docs/automation.md) through the real hub: the publisher's observer
// queues events, the worker evaluates the rules and acts through the lifecycle services, runs are logged per rule.

let hub: Awaited<ReturnType<typeof startTestHub>>;
let admin: Awaited<ReturnType<typeof signedInAgent>>;
let agentA: Awaited<ReturnType<typeof signedInAgent>>;
let agentB: Awaited<ReturnType<typeof signedInAgent>>;
let receiver: http.Server;
let receiverUrl = '';
const received: WebhookPayload[] = [];

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookPayload);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  hub = await startTestHub(testConfig('automation', { WEBHOOK_BACKOFF_MS: '50', CSAT_LINK_SECRET: 'k'.repeat(40) }));
  admin = await signedInAgent(hub, 'admin@example.com', 'Yönetici', 'admin');
  agentA = await signedInAgent(hub, 'ayse@example.com', 'Ayşe', 'agent');
  agentB = await signedInAgent(hub, 'burak@example.com', 'Burak', 'agent');
});
afterAll(async () => {
  await hub?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});
// Every test starts with no rules (they would act on each other's conversations).
afterEach(async () => {
  for (const r of (await admin.api<RuleView[]>('GET', '/admin/automation/rules')).body) await admin.api('POST', `/admin/automation/rules/${r.id}/delete`);
});

const m = () => collectionsOf(hub.deps.models);
let seq = 0;
const rule = async (body: Record<string, unknown>) => {
  const res = await admin.api<RuleView>('POST', '/admin/automation/rules', { name: `kural ${++seq}`, ...body });
  expect(res.status).toBe(201);
  return res.body;
};
/** Sends a web chat message; resolves once the automation job of its `message.received` event has finished. */
async function customerSays(visitor: string, text: string) {
  const key = `am-${++seq}`;
  await enqueueInbound(hub.deps.queues, webchatMessage(key, visitor, text));
  const messageId = messageIdFor(`webchat:${key}`);
  const message = await waitFor(() => m().Message.findById(messageId).lean(), 10_000, 'the message stored');
  await settled(`msg:${String(messageId)}`);
  return { conversationId: String(message.conversationId), messageId: String(messageId) };
}
/**
 * Waits until an event was published and, when a rule wanted it, its automation job finished (an event is queued
 * before it enters the recent-events log).
 */
async function settled(eventId: string) {
  await waitFor(async () => (await new RecentEvents(hub.deps.redis, hub.deps.config.QUEUE_PREFIX).list(RECENT_EVENTS_MAX)).some((e) => e.id === eventId), 15_000, `event ${eventId}`);
  const job = await hub.deps.queues.automation.getJob(eventJobId(eventId));
  if (job) await waitFor(async () => ((await job.isCompleted()) ? true : null), 15_000, `automation job of ${eventId}`);
  return job;
}
const conversation = (id: string) => m().Conversation.findById(id).lean();
const notes = async (id: string) => (await m().Message.find({ conversationId: new Types.ObjectId(id), kind: 'note' }).lean()).map((n) => n.text);
const runsOf = async (ruleId: string) => (await admin.api<{ runs: RunView[] }>('GET', `/admin/automation/rules/${ruleId}/runs`)).body.runs;
const waitRuns = (ruleId: string, n: number, what: string) => waitFor(async () => { const runs = await runsOf(ruleId); return runs.length >= n && runs.every((r) => r.status !== 'running') ? runs : null; }, 15_000, what);

test('admin only; a bad rule is refused with a clear 4xx before anything is stored', async () => {
  expect((await agentA.api('GET', '/admin/automation/rules')).status).toBe(403);
  expect((await agentA.api('POST', '/admin/automation/rules', { name: 'x', event: 'message.received', actions: [{ type: 'add_labels', labels: ['a'] }] })).status).toBe(403);
  const bad = [
    { name: 'x', event: 'nope', actions: [{ type: 'add_labels', labels: ['a'] }] },
    { name: 'x', event: 'message.received', actions: [] },
    { name: 'x', event: 'time.pending_for', actions: [{ type: 'set_status', status: 'resolved' }] }, // no afterMinutes
    { name: 'x', event: 'conversation.opened', conditions: [{ type: 'text', op: 'contains', value: 'a' }], actions: [{ type: 'add_labels', labels: ['a'] }] },
    { name: 'x', event: 'message.received', actions: [{ type: 'set_status', status: 'pending' }, { type: 'set_status', status: 'resolved' }] },
  ];
  for (const body of bad) expect([body, (await admin.api('POST', '/admin/automation/rules', body)).status]).toEqual([body, 400]);
  const missingHook = await admin.api('POST', '/admin/automation/rules', { name: 'x', event: 'message.received', actions: [{ type: 'send_webhook', webhookId: new Types.ObjectId().toHexString() }] });
  expect(missingHook.status).toBe(422);
  expect((await admin.api<RuleView[]>('GET', '/admin/automation/rules')).body).toHaveLength(0);
  const doc = (await admin.api<{ paths: Record<string, unknown> }>('GET', '/openapi.json')).body;
  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/admin/automation/rules', '/api/admin/automation/dry-run', '/api/admin/automation/rules/{id}/runs']));
});

test('message received: a matching rule acts (Turkish-aware text match), a non-matching one does not, and the log says why', async () => {
  const r = await rule({
    event: 'message.received',
    conditions: [{ type: 'text', op: 'contains', value: 'İADE' }, { type: 'channel', in: ['webchat'] }],
    actions: [{ type: 'add_labels', labels: ['iade'] }, { type: 'add_note', text: 'İade talebi: kargo formu gönderin.' }],
  });
  const hit = await customerSays('v-iade', 'Merhaba, ürünü iade etmek istiyorum');
  const miss = await customerSays('v-other', 'Kargom nerede?');
  expect((await conversation(hit.conversationId))?.labels).toEqual(['iade']);
  expect(await notes(hit.conversationId)).toEqual(['İade talebi: kargo formu gönderin.']);
  expect((await conversation(miss.conversationId))?.labels ?? []).toEqual([]);
  expect(await notes(miss.conversationId)).toEqual([]);
  const runs = await runsOf(r.id);
  expect(runs).toHaveLength(1);
  expect(runs[0]).toMatchObject({
    conversationId: hit.conversationId, eventType: 'message.received', status: 'done', depth: 0,
    matched: ['message text contains "İADE"', 'channel is webchat'], actions: [{ type: 'add_labels', ok: true }, { type: 'add_note', ok: true }],
    conditions: [{ type: 'text', op: 'contains', value: 'İADE' }, { type: 'channel', in: ['webchat'] }],
    // The log names the customer (read when listed), not only the conversation's id.
    customer: { customerId: String((await conversation(hit.conversationId))?.customerId), customerName: 'Ayşe Yılmaz' },
  });
  // The note is the rule's: its name is the author.
  const note = await m().Message.findOne({ conversationId: new Types.ObjectId(hit.conversationId), kind: 'note' }).lean();
  expect(note?.author).toMatchObject({ type: 'agent', name: r.name });
});

test('a redelivered event runs each rule once', async () => {
  const r = await rule({ event: 'message.received', actions: [{ type: 'add_note', text: 'bir kez' }] });
  // A rule of field changes only is applied first and recorded after: a redelivery plans nothing.
  const fields = await rule({ event: 'message.received', actions: [{ type: 'add_labels', labels: ['tekrar'] }, { type: 'set_priority', priority: 10 }] });
  const { conversationId, messageId } = await customerSays('v-redeliver', 'Selam');
  const done = (await settled(`msg:${messageId}`))!;
  // The same event again, as a redelivery after a lost acknowledgement would bring it (another job, same event).
  const again = await hub.deps.queues.automation.add('event', done.data, { jobId: 'redelivered-1' });
  await waitFor(async () => ((await again.isCompleted()) ? true : null), 10_000, 'the redelivery processed');
  expect(await notes(conversationId)).toEqual(['bir kez']);
  expect(await runsOf(r.id)).toHaveLength(1);
  expect((await runsOf(fields.id)).map((x) => x.status)).toEqual(['done']);
  expect(await m().Message.countDocuments({ conversationId: new Types.ObjectId(conversationId), kind: 'event', 'event.type': 'labels' })).toBeLessThanOrEqual(1);
  expect((await conversation(conversationId))?.labels).toEqual(['tekrar']);
});

test('rules run in their order, the order can be changed, and a turned-off rule does not run', async () => {
  const first = await rule({ event: 'message.received', actions: [{ type: 'set_priority', priority: 10 }] });
  const second = await rule({ event: 'message.received', actions: [{ type: 'set_priority', priority: 20 }] });
  const a = await customerSays('v-order-1', 'bir');
  expect((await conversation(a.conversationId))?.priority).toBe(20); // the later rule acted last
  const reordered = await admin.api<RuleView[]>('POST', '/admin/automation/order', { ids: [second.id, first.id] });
  expect(reordered.body.map((r) => r.id)).toEqual([second.id, first.id]);
  expect((await admin.api('POST', '/admin/automation/order', { ids: [second.id] })).status).toBe(400);
  const b = await customerSays('v-order-2', 'iki');
  expect((await conversation(b.conversationId))?.priority).toBe(10);
  expect((await admin.api<RuleView>('PATCH', `/admin/automation/rules/${first.id}`, { enabled: false })).body.enabled).toBe(false);
  const c = await customerSays('v-order-3', 'üç');
  expect((await conversation(c.conversationId))?.priority).toBe(20);
  // Every change is in the audit trail.
  const audit = await m().Audit.find({ subjectType: 'automation_rule' }).lean();
  expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['automation_rule.created', 'automation_rule.reordered', 'automation_rule.disabled']));
});

test('conversation opened, status changed, assigned, SLA breached, CSAT received and customer attribute changed each fire their rule', async () => {
  const opened = await rule({ event: 'conversation.opened', conditions: [{ type: 'channel', in: ['webchat'] }], actions: [{ type: 'add_labels', labels: ['yeni'] }] });
  const pending = await rule({ event: 'conversation.status_changed', conditions: [{ type: 'status', in: ['pending'] }], actions: [{ type: 'add_note', text: 'beklemeye alındı' }] });
  const assigned = await rule({ event: 'conversation.assigned', actions: [{ type: 'add_labels', labels: ['atandı'] }] });
  const breached = await rule({ event: 'sla.breached', actions: [{ type: 'set_priority', priority: 30 }] });
  const unhappy = await rule({ event: 'csat.received', conditions: [{ type: 'csat_score', op: 'lte', value: 2 }], actions: [{ type: 'add_labels', labels: ['mutsuz'] }] });
  expect((await admin.api('PUT', '/attribute-definitions/customer/plan', { type: 'text', label: 'Plan' })).status).toBe(200);
  const vip = await rule({ event: 'customer.attribute_changed', conditions: [{ type: 'attribute', scope: 'customer', key: 'plan', op: 'equals', value: 'PREMİUM' }], actions: [{ type: 'add_labels', labels: ['vip'] }] });

  const { conversationId } = await customerSays('v-events', 'Merhaba');
  const id = conversationId;
  await waitFor(async () => ((await conversation(id))?.labels ?? []).includes('yeni'), 10_000, 'opened rule');
  expect((await admin.api('POST', `/conversations/${id}/status`, { status: 'pending' })).status).toBe(200);
  await waitFor(async () => (await notes(id)).includes('beklemeye alındı'), 10_000, 'status rule');
  expect((await admin.api('POST', `/conversations/${id}/assign`, { assigneeId: agentA.id })).status).toBe(200);
  await waitFor(async () => ((await conversation(id))?.labels ?? []).includes('atandı'), 10_000, 'assigned rule');
  // The SLA worker publishes a breach through the same publisher (what the observer hears); its clock is tested in sla.test.ts.
  hub.deps.events.toSupervisors(AgentEvents.slaBreached, { conversationId: id, kind: 'first_response', dueAt: new Date().toISOString() });
  await waitFor(async () => (await conversation(id))?.priority === 30, 10_000, 'SLA rule');
  const customerId = String((await conversation(id))!.customerId);
  expect((await admin.api('PATCH', `/customers/${customerId}/attributes`, { attributes: { plan: 'premium' } })).status).toBe(200);
  await waitFor(async () => ((await conversation(id))?.labels ?? []).includes('vip'), 10_000, 'attribute rule');
  // Resolving asks for a survey (the web chat carries the signed link); the customer's answer is what the survey page
  // and the replies store through.
  expect((await admin.api('POST', `/conversations/${id}/status`, { status: 'resolved' })).status).toBe(200);
  await waitFor(async () => (await m().Csat.findById(id).lean())?.status === 'asked', 10_000, 'the survey asked');
  await answerSurvey({ models: hub.deps.models, events: hub.deps.events }, id, { score: 1 }, 'webchat');
  await waitFor(async () => ((await conversation(id))?.labels ?? []).includes('mutsuz'), 10_000, 'CSAT rule');

  for (const r of [opened, pending, assigned, breached, unhappy, vip]) {
    const runs = await waitRuns(r.id, 1, `${r.event} run`);
    expect([r.event, runs[0]?.conversationId, runs[0]?.eventType]).toEqual([r.event, id, r.event]);
  }
  // A low score only: a 5 does not match.
  expect((await runsOf(unhappy.id)).every((r) => r.matched.includes('CSAT score ≤ 2'))).toBe(true);
});

test('loop guard: a rule whose action would trigger itself stops and says so in its log', async () => {
  const r = await rule({ event: 'conversation.assigned', actions: [{ type: 'assign_agent', agentId: agentB.id }] });
  const { conversationId } = await customerSays('v-loop', 'Merhaba');
  expect((await admin.api('POST', `/conversations/${conversationId}/assign`, { assigneeId: agentA.id })).status).toBe(200);
  const runs = await waitRuns(r.id, 2, 'the run and the stopped loop');
  expect(runs.map((x) => x.status).sort()).toEqual(['done', 'loop_stopped']);
  const stopped = runs.find((x) => x.status === 'loop_stopped')!;
  expect(stopped).toMatchObject({ depth: 1, actions: [] });
  expect(stopped.note).toMatch(/loop guard/);
  expect(String((await conversation(conversationId))?.assigneeId)).toBe(agentB.id);
});

test('loop guard: two rules that undo each other stop after one round', async () => {
  const toPending = await rule({ event: 'conversation.status_changed', conditions: [{ type: 'status', in: ['open'] }], actions: [{ type: 'set_status', status: 'pending' }] });
  const toOpen = await rule({ event: 'conversation.status_changed', conditions: [{ type: 'status', in: ['pending'] }], actions: [{ type: 'set_status', status: 'open' }] });
  const { conversationId } = await customerSays('v-pingpong', 'Merhaba');
  expect((await admin.api('POST', `/conversations/${conversationId}/status`, { status: 'pending' })).status).toBe(200);
  // pending (agent) → toOpen → open [toOpen] → toPending → pending [toOpen, toPending] → toOpen sees itself: stopped.
  const stopped = await waitFor(async () => (await runsOf(toOpen.id)).find((x) => x.status === 'loop_stopped'), 15_000, 'the loop stopped');
  expect(stopped.depth).toBe(2);
  expect((await runsOf(toPending.id)).map((x) => x.status)).toEqual(['done']);
  expect((await conversation(conversationId))?.status).toBe('pending');
});

test('loop guard: a chain of rules stops at the depth cap, and the stop is in the log of the rule it stopped', async () => {
  const status = (from: string, to: Record<string, unknown>) => rule({ event: 'conversation.status_changed', conditions: [{ type: 'status', in: [from] }], actions: [to] });
  const r1 = await status('pending', { type: 'set_status', status: 'resolved' });
  const r2 = await status('resolved', { type: 'set_status', status: 'open' });
  const r3 = await status('open', { type: 'snooze', minutes: 60 });
  const r4 = await status('snoozed', { type: 'set_status', status: 'pending' });
  const { conversationId } = await customerSays('v-depth', 'Merhaba');
  expect((await admin.api('POST', `/conversations/${conversationId}/status`, { status: 'pending' })).status).toBe(200);
  // pending (agent) → r1 → resolved [r1] → r2 → open [r1, r2] → r3 → snoozed [r1, r2, r3]: r4 is at the cap.
  const stopped = await waitFor(async () => (await runsOf(r4.id)).find((x) => x.status === 'loop_stopped'), 15_000, 'the chain stopped');
  expect(stopped).toMatchObject({ depth: 3, actions: [] });
  expect(stopped.note).toMatch(/cap of 3/);
  for (const [r, depth] of [[r1, 0], [r2, 1], [r3, 2]] as const) expect((await runsOf(r.id)).map((x) => [x.status, x.depth])).toEqual([['done', depth]]);
  expect((await conversation(conversationId))?.status).toBe('snoozed');
});

test('send_webhook posts the event to a registered webhook, signed like every delivery', async () => {
  const hook = await admin.api<{ id: string }>('POST', '/admin/webhooks', { url: `${receiverUrl}/rules`, events: ['sla.breached'], allowPrivate: true });
  expect(hook.status).toBe(201);
  await rule({ event: 'message.received', conditions: [{ type: 'text', op: 'contains', value: 'acil' }], actions: [{ type: 'send_webhook', webhookId: hook.body.id }] });
  const { conversationId } = await customerSays('v-hook', 'ACİL yardım lazım');
  const got = await waitFor(async () => received.find((p) => p.event === 'automation.rule'), 10_000, 'the webhook delivery');
  expect(got.data).toMatchObject({ event: { type: 'message.received', conversationId, text: 'ACİL yardım lazım' }, conversation: { id: conversationId } });
});

test('dry run evaluates a rule against recent events and changes nothing', async () => {
  const a = await customerSays('v-dry-1', 'Fatura bilgisi istiyorum');
  const b = await customerSays('v-dry-2', 'teşekkürler');
  const before = await m().Conversation.find({ _id: { $in: [a.conversationId, b.conversationId] } }).lean();
  const res = await admin.api<{ evaluated: number; matches: { event: { conversationId: string }; matched: boolean; reasons: string[]; wouldDo: string[] }[] }>('POST', '/admin/automation/dry-run', {
    rule: { name: 'fatura', event: 'message.received', conditions: [{ type: 'text', op: 'contains', value: 'FATURA' }], actions: [{ type: 'add_labels', labels: ['fatura'] }] },
    limit: 100,
  });
  expect(res.status).toBe(200);
  const ofA = res.body.matches.find((x) => x.event.conversationId === a.conversationId)!;
  const ofB = res.body.matches.find((x) => x.event.conversationId === b.conversationId)!;
  expect(ofA).toMatchObject({ matched: true, wouldDo: ['add labels fatura'], customer: { customerName: 'Ayşe Yılmaz' } });
  expect(ofB).toMatchObject({ matched: false, wouldDo: [], reasons: ['not: message text contains "FATURA"'] });
  const after = await m().Conversation.find({ _id: { $in: [a.conversationId, b.conversationId] } }).lean();
  expect(after.map((c) => [c.labels, c.priority, c.updatedAt])).toEqual(before.map((c) => [c.labels, c.priority, c.updatedAt]));
  expect(await m().AutomationRun.countDocuments({ conversationId: a.conversationId })).toBe(0);
  expect((await admin.api('POST', '/admin/automation/dry-run', { rule: { name: 'x', event: 'message.received', actions: [] } })).status).toBe(400);
});

/** The delayed timer job of a rule on a conversation, promoted to run now (what its delay would do later). */
async function promoteTimer(ruleId: string, conversationId: string) {
  const job = await waitFor(async () => (await hub.deps.queues.automation.getDelayed()).find((j) => j.data.kind === 'timer' && j.data.ruleId === ruleId && j.data.conversationId === conversationId), 10_000, 'the delayed timer');
  await job.promote();
  // finishedOn and returnvalue are read in one fetch (asking isCompleted after it could see a finish the fetch missed).
  return waitFor(async () => { const j = await hub.deps.queues.automation.getJob(job.id!); return j?.finishedOn ? j : null; }, 10_000, 'the timer ran');
}

test('time rule: pending for a while → resolve, as a delayed job; a conversation that left pending meanwhile is left alone', async () => {
  const r = await rule({ event: 'time.pending_for', afterMinutes: 3 * 24 * 60, actions: [{ type: 'set_status', status: 'resolved' }] });
  const stays = await customerSays('v-time-1', 'Bekliyorum');
  expect((await admin.api('POST', `/conversations/${stays.conversationId}/status`, { status: 'pending' })).status).toBe(200);
  const fired = await promoteTimer(r.id, stays.conversationId);
  expect(fired.returnvalue).toBe('1 fired');
  await waitFor(async () => (await conversation(stays.conversationId))?.status === 'resolved', 10_000, 'resolved by the time rule');
  const delayMs = (fired.opts.delay ?? 0);
  expect(delayMs).toBeGreaterThan(3 * 24 * 3600_000 - 60_000);

  const moved = await customerSays('v-time-2', 'Bekliyorum');
  expect((await admin.api('POST', `/conversations/${moved.conversationId}/status`, { status: 'pending' })).status).toBe(200);
  await waitFor(async () => (await hub.deps.queues.automation.getDelayed()).find((j) => j.data.kind === 'timer' && j.data.conversationId === moved.conversationId), 10_000, 'scheduled');
  expect((await admin.api('POST', `/conversations/${moved.conversationId}/status`, { status: 'open' })).status).toBe(200);
  const stale = await promoteTimer(r.id, moved.conversationId);
  expect(stale.returnvalue).toBe('stale: the conversation is open now');
  expect((await conversation(moved.conversationId))?.status).toBe('open');
  expect((await runsOf(r.id)).map((x) => x.conversationId)).toEqual([stays.conversationId]);
});

test('time rule: no customer reply after our message → a reminder note; a customer reply meanwhile cancels it', async () => {
  const r = await rule({ event: 'time.no_customer_reply', afterMinutes: 24 * 60, actions: [{ type: 'add_note', text: 'Müşteri 24 saattir yanıt vermedi' }] });
  const quiet = await customerSays('v-noreply-1', 'Sipariş numaram 123');
  expect((await admin.api('POST', `/conversations/${quiet.conversationId}/reply`, { text: 'Kontrol ediyorum, dönüş yapar mısınız?' })).status).toBe(202);
  expect((await promoteTimer(r.id, quiet.conversationId)).returnvalue).toBe('1 fired');
  await waitFor(async () => (await notes(quiet.conversationId)).includes('Müşteri 24 saattir yanıt vermedi'), 10_000, 'the reminder note');

  const answered = await customerSays('v-noreply-2', 'Sipariş numaram 456');
  expect((await admin.api('POST', `/conversations/${answered.conversationId}/reply`, { text: 'Adresiniz nedir?' })).status).toBe(202);
  await waitFor(async () => (await hub.deps.queues.automation.getDelayed()).find((j) => j.data.kind === 'timer' && j.data.conversationId === answered.conversationId), 10_000, 'scheduled');
  await customerSays('v-noreply-2', 'İstanbul');
  expect((await promoteTimer(r.id, answered.conversationId)).returnvalue).toBe('stale: the customer replied since');
  expect(await notes(answered.conversationId)).toEqual([]);
});
