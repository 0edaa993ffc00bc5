import { Types } from 'mongoose';
import type { InboundMessage } from '../../src/domain/messages';
import type { ConversationStatus, ConversationView } from '../../src/domain/views';
import { createAgent } from '../../src/services/agents/agents';
import { inboxCounts } from '../../src/services/conversations/console';
import { ingest } from '../../src/services/ingest/ingest';
import { listConversations } from '../../src/services/conversations/inbox';
import { assignConversation, changeStatus, conversationEffects } from '../../src/services/conversations/lifecycle';
import { changeLabels } from '../../src/services/conversations/labels';
import { renameCustomer } from '../../src/services/identity/merge';
import { conversationModel } from '../../src/store/conversations';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { waitFor } from '../helpers/process';
import { collectionsOf } from '../../src/store/collections';

// The inbox index (src/store/inbox-index.ts) serves every inbox page and count. These tests hold it against the
// store itself: whatever happened to the conversations, a view lists exactly the conversations the store says
// belong to it, newest activity first, and its count is their number.
let hub: Awaited<ReturnType<typeof startTestHub>>;
let ali: { id: string; name: string; role: 'agent'; teamIds: string[] };
let teamId: string;
let seq = 0;
const inbound = (address: string, text: string, channel: InboundMessage['channel'] = 'webchat'): InboundMessage => ({
  channel, dedupeKey: `${channel}:ix-${++seq}-${new Types.ObjectId()}`, from: { address, name: `Müşteri ${address}` }, text, attachments: [], sentAt: new Date().toISOString(),
});

beforeAll(async () => {
  hub = await startTestHub(testConfig('inboxindex'));
  teamId = String((await collectionsOf(hub.deps.models).Team.create({ name: 'Satış' }))._id);
  const a = await createAgent(hub.deps.models, { email: 'ali-ix@kanal.test', name: 'Ali', password: 'parola-parola-123', role: 'agent', teamIds: [teamId] });
  ali = { id: a.id, name: 'Ali', role: 'agent', teamIds: [teamId] };
});
afterAll(async () => {
  await hub.stop();
});

/** Every page of a view through the service the API calls, in order. */
async function allPages(filter: { status?: ConversationStatus; assignee?: string; channel?: InboundMessage['channel']; team?: string; label?: string }, limit = 2): Promise<ConversationView[]> {
  const out: ConversationView[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 50; i++) {
    const page = await listConversations(hub.deps.models, ali.id, { ...filter, limit, cursor });
    out.push(...page.items);
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
  throw new Error('pagination did not end');
}

/** What the store says, sorted as the inbox must be. */
async function truth(match: (c: { status: string; assigneeId: unknown; teamId: unknown; lastInboundChannel?: string; labels: string[] }) => boolean): Promise<string[]> {
  const docs = await conversationModel(hub.deps.db).find({}).lean();
  return docs.filter((c) => match(c as never))
    .sort((a, b) => b.lastActivityAt.getTime() - a.lastActivityAt.getTime() || String(b._id).localeCompare(String(a._id)))
    .map((c) => String(c._id));
}

test('views and counts follow every kind of change, across statuses, assignees, teams, channels and labels', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 6; i++) ids.push((await ingest(hub.deps.models, null, inbound(`ix-visitor-${i}`, `Merhaba ${i}`, i % 2 ? 'webchat' : 'sms'))).conversationId);
  await assignConversation(conversationEffects(hub.deps), ali, ids[0]!, { assigneeId: ali.id, teamId });
  await assignConversation(conversationEffects(hub.deps), ali, ids[1]!, { assigneeId: ali.id });
  await changeStatus(conversationEffects(hub.deps), ali, ids[1]!, { status: 'pending' });
  await changeStatus(conversationEffects(hub.deps), ali, ids[2]!, { status: 'resolved' });
  await changeLabels(hub.deps.models, null, ids[3]!, { add: ['İade Talebi', 'kargo'] });
  await changeLabels(hub.deps.models, null, ids[3]!, { remove: ['kargo'] });
  await ingest(hub.deps.models, null, inbound('ix-visitor-4', 'Bir sorum daha var', 'sms')); // newest activity now

  const me = (c: { assigneeId: unknown }) => String(c.assigneeId) === ali.id;
  expect((await allPages({ status: 'open' })).map((c) => c.id)).toEqual(await truth((c) => c.status === 'open'));
  expect((await allPages({})).map((c) => c.id)).toEqual(await truth(() => true));
  expect((await allPages({ assignee: 'me' })).map((c) => c.id)).toEqual(await truth(me));
  expect((await allPages({ assignee: 'unassigned', status: 'open' })).map((c) => c.id)).toEqual(await truth((c) => !c.assigneeId && c.status === 'open'));
  expect((await allPages({ status: 'resolved' })).map((c) => c.id)).toEqual([ids[2]]);
  expect((await allPages({ status: 'pending', assignee: 'me' })).map((c) => c.id)).toEqual([ids[1]]);
  expect((await allPages({ team: teamId })).map((c) => c.id)).toEqual([ids[0]]);
  expect((await allPages({ channel: 'sms', status: 'open' })).map((c) => c.id)).toEqual(await truth((c) => c.lastInboundChannel === 'sms' && c.status === 'open'));
  expect((await allPages({ label: 'iade talebi' })).map((c) => c.id)).toEqual([ids[3]]);
  expect(await allPages({ label: 'kargo' })).toEqual([]);
  expect((await allPages({ status: 'open' }))[0]!.id).toBe(ids[4]); // the newest message puts it first

  const counts = await inboxCounts(hub.deps.models, ali.id, 'open');
  expect(counts.views).toEqual({
    mine: (await truth((c) => me(c) && c.status === 'open')).length,
    unassigned: (await truth((c) => !c.assigneeId && c.status === 'open')).length,
    all: (await truth((c) => c.status === 'open')).length,
  });
  expect(counts.statuses).toEqual({ open: 4, pending: 1, snoozed: 0, resolved: 1 });
  expect(counts.channels).toEqual({ sms: (await truth((c) => c.lastInboundChannel === 'sms' && c.status === 'open')).length, webchat: (await truth((c) => c.lastInboundChannel === 'webchat' && c.status === 'open')).length });
  expect(counts.teams).toEqual({ [teamId]: 1, none: (await truth((c) => !c.teamId && c.status === 'open')).length });
});

test('a write that bypassed the index is repaired once pages meet it, and an older image never replaces a newer one', async () => {
  const { conversationId } = await ingest(hub.deps.models, null, inbound('ix-bypass', 'Selam'));
  // As if a process crashed between its store write and its index update: the store says resolved, the index open.
  await conversationModel(hub.deps.db).updateOne({ _id: conversationId }, { $set: { status: 'resolved', openKey: `resolved:${conversationId}`, updatedAt: new Date() } });
  // Pages answer from the index, then check a sample of their rows against the store: the stale row heals.
  await waitFor(async () => !(await allPages({ status: 'open' }, 2)).some((c) => c.id === conversationId), 15_000, 'the stale row repaired');
  expect((await allPages({ status: 'resolved' }, 100)).map((c) => c.id)).toContain(conversationId);

  const stale = (await conversationModel(hub.deps.db).findById(conversationId).lean())!;
  await changeStatus(conversationEffects(hub.deps), ali, conversationId, { status: 'open' });
  const index = (await import('../../src/store/inbox-index')).inboxIndex(hub.deps.redis, hub.deps.config.QUEUE_PREFIX);
  await index.apply({ ...stale, updatedAt: new Date(stale.updatedAt.getTime() - 1000) } as never); // a late, older image
  expect((await allPages({ status: 'open' }, 100)).map((c) => c.id)).toContain(conversationId);
  expect((await allPages({ status: 'resolved' }, 100)).map((c) => c.id)).not.toContain(conversationId);
});

test('rows show the current customer name: cached after the first page, replaced when the customer is renamed', async () => {
  const { conversationId, customerId } = await ingest(hub.deps.models, null, inbound('ix-name', 'Adım değişecek'));
  const row = async () => (await allPages({ status: 'open' }, 100)).find((c) => c.id === conversationId)!;
  expect((await row()).customerName).toBe('Müşteri ix-name');
  expect((await row()).customerName).toBe('Müşteri ix-name'); // from the cache now
  await renameCustomer(hub.deps.models, ali, customerId, 'Gülşen Doğan');
  expect((await row()).customerName).toBe('Gülşen Doğan');
});

test('an index lost with Redis is rebuilt from the store at the next start, with the same pages and counts', async () => {
  const before = (await allPages({}, 100)).map((c) => c.id);
  const countsBefore = await inboxCounts(hub.deps.models, ali.id, 'open');
  const keys = await hub.deps.redis.keys(`${hub.deps.config.QUEUE_PREFIX}:inbox:*`);
  expect(keys.length).toBeGreaterThan(0);
  await hub.deps.redis.del(...keys);
  expect(await allPages({}, 100)).toEqual([]);
  expect(await hub.deps.models.conversations.ensureIndexed()).toBe(before.length); // what every process does at start
  expect((await allPages({}, 100)).map((c) => c.id)).toEqual(before);
  expect(await inboxCounts(hub.deps.models, ali.id, 'open')).toEqual(countsBefore);
  expect(await hub.deps.models.conversations.ensureIndexed()).toBe(false); // built: nothing to do
});

describe('the unified thread, read a week at a time', () => {
  const WEEK = 7 * 24 * 3600 * 1000;
  /** A customer with `n` messages over ~30 weeks in two conversations (as merges and long histories leave them). */
  async function customerWithHistory(name: string, n: number) {
    const m = hub.deps.models;
    const customer = await collectionsOf(m).Customer.create({ name });
    const start = new Date(Date.now() - 30 * WEEK);
    const convs = await m.conversations.insertFixtures([0, 1].map((k) => ({
      customerId: customer._id, openKey: `resolved:${name}-${k}`, status: 'resolved' as const, openedAt: new Date(start.getTime() + k * 15 * WEEK),
      lastActivityAt: new Date(start.getTime() + (k + 1) * 15 * WEEK), resolvedAt: new Date(start.getTime() + (k + 1) * 15 * WEEK),
    })));
    for (let i = 0; i < n; i++) {
      const createdAt = new Date(start.getTime() + Math.floor((i * 30 * WEEK) / n) + (i % 3 === 0 ? 0 : 1));
      await collectionsOf(m).Message.create({
        conversationId: convs[i < n / 2 ? 0 : 1]!._id, customerId: customer._id, direction: i % 2 ? 'out' : 'in', kind: 'message', channel: 'webchat',
        author: { type: i % 2 ? 'agent' : 'customer' }, text: `${name} ${i}`, dedupeKey: `thread-test:${name}:${i}`, delivery: { status: 'received' }, createdAt,
      });
    }
    return String(customer._id);
  }
  async function wholeThread(customerId: string, limit: number): Promise<string[]> {
    const texts: string[] = [];
    let before: string | undefined;
    for (let i = 0; i < 100; i++) {
      const page = await (await import('../../src/services/conversations/inbox')).customerThread(hub.deps.models, customerId, { limit, before });
      texts.unshift(...page.items.map((x) => x.text));
      if (!page.nextBefore) return texts;
      before = page.nextBefore;
    }
    throw new Error('thread paging did not end');
  }

  test('every page in time order, nothing twice or missing, across weeks, conversations and a bucket taken early', async () => {
    const id = await customerWithHistory('Haftalık', 45);
    // A message stamped just after a week began whose bucket was taken just before (the default runs before the
    // timestamp): it must still come in its place.
    const m = hub.deps.models;
    const convs = await m.conversations.ofCustomer(id);
    const boundary = new Date(Math.ceil(Date.now() / WEEK) * WEEK - 5 * WEEK);
    await collectionsOf(m).Message.create({
      conversationId: convs[0]!._id, customerId: id, direction: 'in', kind: 'message', channel: 'webchat', author: { type: 'customer' },
      text: 'Haftalık sınırda', dedupeKey: 'thread-test:boundary', delivery: { status: 'received' }, createdAt: boundary,
      tb: `${id}:${Math.floor(boundary.getTime() / WEEK) - 1}`,
    });
    const expected = (await collectionsOf(m).Message.find({ customerId: id }).lean())
      .sort((a, b) => (a.createdAt as Date).getTime() - (b.createdAt as Date).getTime() || String(a._id).localeCompare(String(b._id)))
      .map((x) => x.text);
    expect(expected).toHaveLength(46);
    for (const limit of [1, 7, 50]) expect(await wholeThread(id, limit)).toEqual(expected);
  });

  test('a customer whose messages predate the buckets is read by customer id, with the same result', async () => {
    const id = await customerWithHistory('Eski', 12);
    const m = hub.deps.models;
    const bucketed = await wholeThread(id, 5);
    await collectionsOf(m).Message.updateMany({ customerId: id }, { $unset: { tb: 1 } });
    // A write past the repository leaves the thread cache as it was: forget it, as such a migration would.
    const cached = await hub.deps.redis.keys(`${hub.deps.config.QUEUE_PREFIX}:thread:${id}:*`);
    if (cached.length) await hub.deps.redis.del(...cached);
    expect(await wholeThread(id, 5)).toEqual([]); // buckets are all the bucketed path reads
    await collectionsOf(m).Customer.updateOne({ _id: id }, { $unset: { threadWeeks: 1 } });
    expect(await wholeThread(id, 5)).toEqual(bucketed);
  });
});
