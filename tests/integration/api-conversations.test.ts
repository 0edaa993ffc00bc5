import { Types } from 'mongoose';
import type { InboundMessage } from '../../src/domain/messages';
import type { ConversationView, MessageView } from '../../src/domain/views';
import { createAgent } from '../../src/services/agents/agents';
import { ingest } from '../../src/services/ingest/ingest';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { waitFor } from '../helpers/process';
import { finished } from '../helpers/queues';
import { QueueEvents } from 'bullmq';
import { QueueNames } from '../../src/queues';
import { snoozeJobId } from '../../src/services/conversations/snooze';
import { collectionsOf } from '../../src/store/collections';
import { setTeamAccessMode } from '../../src/services/access';
import { DEFAULT_CSAT_SETTINGS } from '../../src/domain/csat';
import { DEFAULT_KEY, putSetting } from '../../src/services/sla/sla-settings';
import { TwilioStandin } from '../helpers/twilio-standin';

let hub: Awaited<ReturnType<typeof startTestHub>>;
// SMS replies go to a Twilio stand-in, which refuses Ayşe's number (as Twilio does an invalid one).
const standin = new TwilioStandin();
const PASSWORD = 'doğru-parola-123';
const who: Record<string, { id: string; token: string }> = {};
let seq = 0;

const inbound = (channel: InboundMessage['channel'], address: string, text: string, extra: Partial<InboundMessage> = {}): InboundMessage => ({
  channel,
  dedupeKey: `${channel}:${++seq}-${new Types.ObjectId()}`,
  from: { address, name: 'Ayşe Yılmaz' },
  text,
  attachments: [],
  sentAt: new Date().toISOString(),
  ...extra,
});

async function api<T = any>(who_: string | null, method: string, path: string, body?: unknown, raw?: string) {
  const headers: Record<string, string> = {};
  if (who_) headers.authorization = `Bearer ${who[who_]!.token}`;
  if (body !== undefined || raw !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${hub.url}/api${path}`, { method, headers, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
  return { status: res.status, body: (await res.json().catch(() => null)) as T };
}


let ayse: { customerId: string; conversationId: string };

beforeAll(async () => {
  await standin.start();
  standin.autoCallbacks = false;
  standin.scripts.set('+905321234567', { error: { status: 400, code: 21211, message: "The 'To' number +905321234567 is not a valid phone number." } });
  hub = await startTestHub(testConfig('apiconv', {
    TWILIO_ACCOUNT_SID: standin.accountSid, TWILIO_AUTH_TOKEN: standin.authToken, TWILIO_API_BASE: standin.url, TWILIO_FROM_NUMBER: '+908501234567',
  }));
  // This file tests the inbox and its rules with every agent seeing every conversation; team mode (the default) is
  // tested in team-access.test.ts.
  await setTeamAccessMode(hub.deps.models, null, 'open', null);
  // Threads here are asserted message by message; the survey a resolve sends (on by default) is tested in csat.test.ts.
  await putSetting(hub.deps.models, DEFAULT_KEY, 'csat', { ...DEFAULT_CSAT_SETTINGS, enabled: false }, null);
  const team = await collectionsOf(hub.deps.models).Team.create({ name: 'Destek' });
  for (const [name, role] of [['ali', 'agent'], ['veli', 'agent'], ['selin', 'supervisor'], ['kapali', 'agent']] as const) {
    const a = await createAgent(hub.deps.models, { email: `${name}@kanal.test`, name, password: PASSWORD, role, teamIds: name === 'ali' ? [String(team._id)] : [] });
    const res = await fetch(`${hub.url}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `${name}@kanal.test`, password: PASSWORD }),
    });
    who[name] = { id: a.id, token: ((await res.json()) as { token: string }).token };
  }
  await collectionsOf(hub.deps.models).Agent.updateOne({ email: 'kapali@kanal.test' }, { $set: { disabled: true } });
  who.team = { id: String(team._id), token: '' };

  // Ayşe: web chat (signed in on the shop, which vouched for her email and phone), then an email from the same address.
  const first = await ingest(hub.deps.models, null, inbound('webchat', 'visitor-ayse', 'Merhaba, siparişim nerede?', {
    linkedIdentities: [{ channel: 'email', address: 'Ayse@Example.com', verified: true }, { channel: 'sms', address: '+905321234567', verified: true }],
  }));
  await ingest(hub.deps.models, null, inbound('email', 'ayse@example.com', 'Sipariş numaram 12345, teşekkürler.', { subject: 'Sipariş' }));
  ayse = { customerId: first.customerId, conversationId: first.conversationId };
});
afterAll(async () => {
  await hub.stop();
  await standin.stop();
});

describe('inbox list', () => {
  test('filters and cursor pagination: every conversation exactly once, newest first, ties broken by id', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await ingest(hub.deps.models, null, inbound('sms', `+90555000000${i}`, `SMS ${i}: iyi günler`))).conversationId);
    // Same lastActivityAt for three of them: the _id half of the cursor must keep them apart.
    const tie = new Date(Date.now() - 60_000);
    for (const id of ids.slice(0, 3)) await hub.deps.models.conversations.updateById(id, { $set: { lastActivityAt: tie } });

    const all = await api<{ items: ConversationView[]; nextCursor: string | null }>('ali', 'GET', '/conversations?limit=100');
    expect(all.status).toBe(200);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { status: number; body: { items: ConversationView[]; nextCursor: string | null } } =
        await api('ali', 'GET', `/conversations?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((c) => c.id));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    expect(seen).toEqual(all.body.items.map((c) => c.id));
    expect(new Set(seen).size).toBe(8);
    const times = all.body.items.map((c) => Date.parse(c.lastActivityAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const ayseView = all.body.items.find((c) => c.id === ayse.conversationId)!;
    expect(ayseView.customerName).toBe('Ayşe Yılmaz');
    expect(ayseView.lastInboundChannel).toBe('email');

    const sms = await api<{ items: ConversationView[] }>('ali', 'GET', '/conversations?channel=sms');
    expect(sms.body.items.map((c) => c.id).sort()).toEqual([...ids].sort());
    await hub.deps.models.conversations.updateById(ids[4]!, { $set: { assigneeId: new Types.ObjectId(who.ali!.id), teamId: new Types.ObjectId(who.team!.id), status: 'pending' } });
    expect((await api('ali', 'GET', '/conversations?assignee=me')).body.items.map((c: ConversationView) => c.id)).toEqual([ids[4]]);
    expect((await api('veli', 'GET', `/conversations?assignee=${who.ali!.id}`)).body.items.map((c: ConversationView) => c.id)).toEqual([ids[4]]);
    expect((await api('veli', 'GET', '/conversations?assignee=me')).body.items).toEqual([]);
    expect((await api('ali', 'GET', `/conversations?team=${who.team!.id}&status=pending`)).body.items).toHaveLength(1);
    const unassigned = await api('ali', 'GET', '/conversations?assignee=unassigned&status=open&limit=100');
    expect(unassigned.body.items).toHaveLength(7);
  });

  test('bad filters are 400 with a message', async () => {
    for (const q of ['limit=0', 'limit=101', 'status=closed', 'channel=fax', 'assignee=bob', 'cursor=bm9wZQ']) {
      const res = await api<{ error: string }>('ali', 'GET', `/conversations?${q}`);
      expect(res.status).toBe(400);
      expect(res.body.error).toEqual(expect.any(String));
    }
  });
});

test('one conversation: 200, 404 when missing, 400 for a malformed id', async () => {
  const ok = await api<ConversationView>('ali', 'GET', `/conversations/${ayse.conversationId}`);
  expect(ok.status).toBe(200);
  expect(ok.body).toMatchObject({ id: ayse.conversationId, customerName: 'Ayşe Yılmaz', status: 'open' });
  expect((await api('ali', 'GET', `/conversations/${new Types.ObjectId()}`)).status).toBe(404);
  const bad = await api<{ error: string }>('ali', 'GET', '/conversations/nope');
  expect(bad.status).toBe(400);
  expect(bad.body.error).toMatch(/params\.id/);
});

test('customer with identities, and the unified thread across channels and conversations in time order', async () => {
  const customer = await api('ali', 'GET', `/customers/${ayse.customerId}`);
  expect(customer.status).toBe(200);
  expect(customer.body.identities.map((i: { kind: string; address: string }) => `${i.kind}:${i.address}`).sort()).toEqual(
    ['email:ayse@example.com', 'phone:+905321234567', 'webchat:visitor-ayse'],
  );
  // Close the first conversation long ago, so her next message starts a second one.
  await api('ali', 'POST', `/conversations/${ayse.conversationId}/notes`, { text: 'VIP müşteri' });
  await api('ali', 'POST', `/conversations/${ayse.conversationId}/status`, { status: 'resolved' });
  await hub.deps.models.conversations.updateById(ayse.conversationId, { $set: { resolvedAt: new Date(Date.now() - 30 * 86400_000) } });
  const next = await ingest(hub.deps.models, null, inbound('sms', '+905321234567', 'Kargo hâlâ gelmedi'));
  expect(next.conversationId).not.toBe(ayse.conversationId);

  const thread = await api<{ items: MessageView[]; nextBefore: string | null }>('ali', 'GET', `/customers/${ayse.customerId}/thread`);
  expect(thread.status).toBe(200);
  const texts = thread.body.items.map((m) => m.text);
  expect(texts[0]).toBe('Merhaba, siparişim nerede?');
  expect(texts[1]).toBe('Sipariş numaram 12345, teşekkürler.');
  expect(texts).toContain('VIP müşteri');
  expect(texts[texts.length - 1]).toBe('Kargo hâlâ gelmedi');
  expect(new Set(thread.body.items.map((m) => m.conversationId)).size).toBe(2);
  expect(new Set(thread.body.items.map((m) => m.channel))).toEqual(new Set(['webchat', 'email', 'sms']));
  expect(thread.body.items.map((m) => m.kind)).toEqual(expect.arrayContaining(['message', 'note', 'event']));
  const times = thread.body.items.map((m) => Date.parse(m.createdAt));
  expect([...times].sort((a, b) => a - b)).toEqual(times);
  expect(thread.body.nextBefore).toBeNull();

  // Paging backwards with `before` yields the same thread, no gaps or repeats.
  const collected: MessageView[][] = [];
  let before: string | null = null;
  do {
    const page: { body: { items: MessageView[]; nextBefore: string | null } } =
      await api('ali', 'GET', `/customers/${ayse.customerId}/thread?limit=2${before ? `&before=${before}` : ''}`);
    collected.unshift(page.body.items);
    before = page.body.nextBefore;
  } while (before);
  expect(collected.flat().map((m) => m.id)).toEqual(thread.body.items.map((m) => m.id));
  ayse.conversationId = next.conversationId;
  expect((await api('ali', 'GET', `/customers/${new Types.ObjectId()}/thread`)).status).toBe(404);
});

describe('replies', () => {
  test('an sms reply is stored queued, then fails (Twilio refuses the number) with the reason; retry queues it again', async () => {
    const res = await api<MessageView>('ali', 'POST', `/conversations/${ayse.conversationId}/reply`, { text: 'Merhaba Ayşe, kontrol ediyorum.', channel: 'sms' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ direction: 'out', kind: 'message', channel: 'sms', delivery: { status: 'queued' }, author: { type: 'agent', id: who.ali!.id } });
    const failed = await waitFor(async () => {
      const m = await collectionsOf(hub.deps.models).Message.findById(res.body.id).lean();
      return m?.delivery?.status === 'failed' ? m : null;
    });
    expect(failed.delivery!.error).toBe('the number is not a valid phone number (Twilio 21211)');
    expect(failed.to).toBe('+905321234567');

    const retry = await api<MessageView>('veli', 'POST', `/messages/${res.body.id}/retry`);
    expect(retry.status).toBe(202);
    expect(retry.body.delivery.status).toBe('queued');
    expect(retry.body.delivery.error).toBeUndefined();
    await waitFor(async () => (await collectionsOf(hub.deps.models).Message.findById(res.body.id).lean())?.delivery?.status === 'failed');
    expect(await collectionsOf(hub.deps.models).Message.countDocuments({ dedupeKey: /^out:/ })).toBe(1);

    expect((await api('ali', 'POST', `/messages/${new Types.ObjectId()}/retry`)).status).toBe(404);
    const inboundMsg = await collectionsOf(hub.deps.models).Message.findOne({ direction: 'in' }).lean();
    expect((await api('ali', 'POST', `/messages/${inboundMsg!._id}/retry`)).status).toBe(409);
  });

  test('the same clientId twice stores one message and enqueues once', async () => {
    const body = { text: 'Tek sefer', channel: 'sms', clientId: `cl_${new Types.ObjectId()}` };
    const a = await api<MessageView>('ali', 'POST', `/conversations/${ayse.conversationId}/reply`, body);
    const b = await api<MessageView>('ali', 'POST', `/conversations/${ayse.conversationId}/reply`, body);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(b.body.id).toBe(a.body.id);
    const jobs = await hub.deps.queues.outbound.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed']);
    expect(jobs.filter((j) => j.data.messageId === a.body.id)).toHaveLength(1);
  });

  test('bad replies: empty text, too long, unknown channel, no address on channel, missing conversation', async () => {
    const path = `/conversations/${ayse.conversationId}/reply`;
    const empty = await api<{ error: string; issues: unknown[] }>('ali', 'POST', path, { text: '' });
    expect(empty.status).toBe(400);
    expect(empty.body.error).toMatch(/body\.text/);
    expect(empty.body.issues.length).toBeGreaterThan(0);
    expect((await api('ali', 'POST', path, { text: 'x'.repeat(20_001) })).status).toBe(400);
    expect((await api('ali', 'POST', path, { text: 'hi', channel: 'fax' })).status).toBe(400);
    expect((await api('ali', 'POST', path)).status).toBe(400);
    expect((await api('ali', 'POST', `/conversations/${new Types.ObjectId()}/reply`, { text: 'hi' })).status).toBe(404);
    // A web-chat-only customer has no phone number to reply to.
    const webOnly = await ingest(hub.deps.models, null, inbound('webchat', 'visitor-webonly', 'selam'));
    const noAddress = await api<{ error: string; code: string }>('ali', 'POST', `/conversations/${webOnly.conversationId}/reply`, { text: 'hi', channel: 'sms' });
    expect(noAddress.status).toBe(422);
    expect(noAddress.body).toEqual({ error: 'the customer has no sms address', code: 'unprocessable', reason: 'no_address' });
  });

  test('a reply on a channel this hub cannot send on is refused before anything is stored or queued, with a code', async () => {
    // Ayşe has an email address, but this hub has no outgoing mail relay: the console disables email, the API refuses it.
    const channels = await api<Array<{ channel: string; available: boolean; code?: string }>>('ali', 'GET', `/customers/${ayse.customerId}/channels`);
    expect(channels.body.find((c) => c.channel === 'email')).toMatchObject({ available: false, reasonText: { code: 'channel_not_configured' } });
    expect(channels.body.find((c) => c.channel === 'sms')).toMatchObject({ available: true });
    const stored = () => collectionsOf(hub.deps.models).Message.countDocuments({ conversationId: new Types.ObjectId(ayse.conversationId) });
    const jobs = async () => (await hub.deps.queues.outbound.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed'])).length;
    const [before, queued] = [await stored(), await jobs()];
    const refused = await api<{ error: string; code: string }>('ali', 'POST', `/conversations/${ayse.conversationId}/reply`, { text: 'Merhaba', channel: 'email' });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'unprocessable', reason: 'channel_not_configured' });
    expect(refused.body.error).not.toMatch(/EMAIL_/); // says what is missing, not which variables
    expect([await stored(), await jobs()]).toEqual([before, queued]);
  });

  test('malformed JSON is a 400, and the process keeps serving', async () => {
    const res = await api<{ error: string }>('ali', 'POST', `/conversations/${ayse.conversationId}/reply`, undefined, '{"text": "yarım');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'malformed JSON body', code: 'invalid_input' });
    expect((await api('ali', 'GET', '/me')).status).toBe(200);
  });

  test('a note is stored as a private note', async () => {
    const res = await api<MessageView>('veli', 'POST', `/conversations/${ayse.conversationId}/notes`, { text: 'Kargo firmasını aradım' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'note', text: 'Kargo firmasını aradım', author: { id: who.veli!.id } });
    expect((await api('veli', 'POST', `/conversations/${new Types.ObjectId()}/notes`, { text: 'x' })).status).toBe(404);
  });
});

describe('assignment', () => {
  const assign = (as: string, assigneeId: string | null, teamId?: string) =>
    api<ConversationView & { error?: string }>(as, 'POST', `/conversations/${ayse.conversationId}/assign`, { assigneeId, ...(teamId ? { teamId } : {}) });

  test('agents take or release only for themselves; supervisors assign anyone; assignee must be active', async () => {
    expect((await assign('ali', who.veli!.id)).status).toBe(403);
    const mine = await assign('ali', who.ali!.id, who.team!.id);
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ assigneeId: who.ali!.id, teamId: who.team!.id, customerName: 'Ayşe Yılmaz' });
    expect((await assign('veli', null)).status).toBe(403); // not his to release
    expect((await assign('veli', who.veli!.id, who.team!.id)).status).toBe(403); // not his team
    expect((await assign('ali', null)).body.assigneeId).toBeNull();
    const bySupervisor = await assign('selin', who.veli!.id);
    expect(bySupervisor.status).toBe(200);
    expect(bySupervisor.body.assigneeId).toBe(who.veli!.id);
    expect((await assign('selin', who.kapali!.id)).status).toBe(400);
    expect((await assign('selin', String(new Types.ObjectId()))).status).toBe(400);
    expect((await assign('selin', 'x')).status).toBe(400);
    const events = await collectionsOf(hub.deps.models).Message.find({ conversationId: ayse.conversationId, kind: 'event' }).lean();
    expect(events.map((e) => e.text)).toEqual(expect.arrayContaining(['ali assigned the conversation to ali', 'selin assigned the conversation to veli']));
  });
});

describe('status', () => {
  const status = (body: unknown) => api<ConversationView & { error?: string }>('ali', 'POST', `/conversations/${ayse.conversationId}/status`, body);

  test('snoozed needs a future snoozedUntil; resolve and reopen', async () => {
    const missing = await status({ status: 'snoozed' });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatch(/snoozedUntil: required/);
    const past = await status({ status: 'snoozed', snoozedUntil: new Date(Date.now() - 1000).toISOString() });
    expect(past.status).toBe(400);
    expect(past.body.error).toMatch(/future/);
    expect((await status({ status: 'snoozed', snoozedUntil: 'tomorrow' })).status).toBe(400);
    expect((await status({ status: 'closed' })).status).toBe(400);
    const until = new Date(Date.now() + 3600_000).toISOString();
    const snoozed = await status({ status: 'snoozed', snoozedUntil: until });
    expect(snoozed.status).toBe(200);
    expect(snoozed.body).toMatchObject({ status: 'snoozed', snoozedUntil: until });
    const resolved = await status({ status: 'resolved' });
    expect(resolved.body).toMatchObject({ status: 'resolved', snoozedUntil: null });
    expect(resolved.body.resolvedAt).toEqual(expect.any(String));
    const reopened = await status({ status: 'open' });
    expect(reopened.body).toMatchObject({ status: 'open', resolvedAt: null });
    const events = await collectionsOf(hub.deps.models).Message.find({ conversationId: ayse.conversationId, kind: 'event', text: /status/ }).lean();
    expect(events.map((e) => e.text)).toEqual(expect.arrayContaining([`ali set the status to snoozed until ${until}`, 'ali set the status to resolved']));
    // The thread carries each event's facts beside the sentence: the console says them in the agent's language.
    const thread = await api<{ items: MessageView[] }>('ali', 'GET', `/customers/${ayse.customerId}/thread`);
    expect(thread.body.items.filter((m) => m.kind === 'event' && m.event?.type === 'status').map((m) => m.event)).toEqual(expect.arrayContaining([
      { type: 'status', actor: 'ali', status: 'snoozed', until }, { type: 'status', actor: 'ali', status: 'resolved' }, { type: 'status', actor: 'ali', status: 'open' },
    ]));
  });

  test('a snooze ends on time: the conversation is open again, with an event; a changed snooze does not wake early', async () => {
    const other = await ingest(hub.deps.models, null, inbound('webchat', 'visitor-snooze', 'yarın yazarım'));
    const snooze = (ms: number) => api<ConversationView>('ali', 'POST', `/conversations/${other.conversationId}/status`, { status: 'snoozed', snoozedUntil: new Date(Date.now() + ms).toISOString() });
    const slaRedis = hub.deps.redis.duplicate();
    const slaEvents = new QueueEvents(QueueNames.sla, { connection: slaRedis, prefix: hub.deps.config.QUEUE_PREFIX });
    try {
      await slaEvents.waitUntilReady();
      const first = await snooze(1500);
      expect(first.body.status).toBe('snoozed');
      expect((await snooze(3_600_000)).body.status).toBe('snoozed'); // re-snoozed for an hour: the first wake-up is stale
      // The first wake-up's job runs at its time and finds the snooze changed: waited on, not slept past.
      const firstJob = snoozeJobId(other.conversationId, new Date(first.body.snoozedUntil!));
      expect(await finished(hub.deps.queues.sla, slaEvents, firstJob)).toBe('stale');
    } finally {
      await slaEvents.close();
      await slaRedis.quit();
    }
    const get = () => api<ConversationView>('ali', 'GET', `/conversations/${other.conversationId}`);
    expect((await get()).body.status).toBe('snoozed');
    expect((await snooze(1000)).body.status).toBe('snoozed');
    const woken = await waitFor(async () => ((await get()).body.status === 'open' ? (await get()).body : null), 15_000, 'the snooze to end');
    expect(woken.snoozedUntil).toBeNull();
    const events = await collectionsOf(hub.deps.models).Message.find({ conversationId: other.conversationId, kind: 'event', text: /Snooze ended/ }).lean();
    expect(events.map((e) => e.event)).toEqual([{ type: 'snooze_ended' }]);
  });

  test('snooze presets: an hour, tomorrow and next Monday; in the team\'s business hours once it has a calendar', async () => {
    const presets = (zone?: string, id = ayse.conversationId) =>
      api<{ timezone: string; businessHours: boolean; presets: { key: string; at: string }[]; error?: string }>('ali', 'GET', `/conversations/${id}/snooze-presets${zone ? `?zone=${encodeURIComponent(zone)}` : ''}`);
    const wall = await presets('Europe/Berlin');
    expect(wall.status).toBe(200);
    expect(wall.body).toMatchObject({ timezone: 'Europe/Berlin', businessHours: false });
    expect(wall.body.presets.map((p) => p.key)).toEqual(['in1h', 'tomorrow', 'nextWeek']);
    const berlin = (iso: string) => new Date(iso).toLocaleString('en-GB', { timeZone: 'Europe/Berlin', weekday: 'long', hour: '2-digit', minute: '2-digit' });
    expect(berlin(wall.body.presets[2]!.at)).toBe('Monday 09:00');
    expect(Math.abs(new Date(wall.body.presets[0]!.at).getTime() - Date.now() - 3_600_000)).toBeLessThan(60_000);

    // With a calendar (the default team's), the team's zone and openings count, not the agent's.
    const shift = [{ start: '08:30', end: '17:00' }];
    await putSetting(hub.deps.models, DEFAULT_KEY, 'calendar', { timezone: 'Asia/Tokyo', week: { 1: shift, 2: shift, 3: shift, 4: shift, 5: shift, 6: [], 7: [] }, holidays: [] }, null);
    try {
      const team = await waitFor(async () => { const r = await presets('Europe/Berlin'); return r.body.businessHours ? r : null; }, 10_000, 'the calendar to apply');
      expect(team.body.timezone).toBe('Asia/Tokyo');
      const tokyo = (iso: string) => new Date(iso).toLocaleString('en-GB', { timeZone: 'Asia/Tokyo', weekday: 'long', hour: '2-digit', minute: '2-digit' });
      expect(tokyo(team.body.presets.find((p) => p.key === 'nextWeek')!.at)).toBe('Monday 08:30');
      expect(tokyo(team.body.presets.find((p) => p.key === 'tomorrow')!.at)).toMatch(/^(Monday|Tuesday|Wednesday|Thursday|Friday) 08:30$/);
    } finally {
      await collectionsOf(hub.deps.models).TeamPolicy.deleteOne({ _id: DEFAULT_KEY });
    }

    expect((await presets('Mars/Olympus')).status).toBe(400);
    expect((await presets('UTC', new Types.ObjectId().toHexString())).status).toBe(404);
  });

  test('reopening while another conversation is open is 409', async () => {
    const other = await ingest(hub.deps.models, null, inbound('webchat', 'visitor-conflict', 'ilk'));
    const res1 = await api('ali', 'POST', `/conversations/${other.conversationId}/status`, { status: 'resolved' });
    expect(res1.status).toBe(200);
    await hub.deps.models.conversations.updateById(other.conversationId, { $set: { resolvedAt: new Date(Date.now() - 30 * 86400_000) } });
    await ingest(hub.deps.models, null, inbound('webchat', 'visitor-conflict', 'ikinci'));
    const res = await api<{ error: string }>('ali', 'POST', `/conversations/${other.conversationId}/status`, { status: 'open' });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatch(/another unresolved conversation/);
  });
});
