import { Types } from 'mongoose';
import type { EventPublisher } from '../../src/services/events';
import { ingest, ingestBatch, ingestBatchSettled, SenderCache } from '../../src/services/ingest/ingest';
import { setStatus } from '../../src/services/conversations/conversations';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { webchatMessage } from '../helpers/messages';
import { conversationModel } from '../../src/store/conversations';
import { collectionsOf } from '../../src/store/collections';

const config = testConfig('ingestbatch');
let hub: Awaited<ReturnType<typeof startTestHub>>;

beforeAll(async () => {
  hub = await startTestHub(config, 'all');
});
afterAll(async () => {
  await hub.stop();
});

const msg = webchatMessage;

function recorder() {
  const messages: { id: string; text: string }[] = [];
  const conversations: { id: string; created: boolean }[] = [];
  const events = {
    conversation: (view: { id: string }, created = false) => conversations.push({ id: view.id, created }),
    message: (view: { id: string; text: string }) => messages.push({ id: view.id, text: view.text }),
    toVisitor: () => {}, // a web chat visitor's "delivered" (tests/integration/widget-events.test.ts covers it)
  } as unknown as EventPublisher;
  return { events, messages, conversations };
}

test('a mixed batch: new, already stored and repeated messages, several per customer', async () => {
  const m = hub.deps.models;
  const tag = new Types.ObjectId().toString();
  const a = `batch-a-${tag}`;
  const b = `batch-b-${tag}`;
  // b is a known customer with one stored message; a is new.
  const stored = await ingest(m, null, msg(`${tag}-b0`, b, 'önceki'));
  const rec = recorder();
  const batch = [
    msg(`${tag}-a1`, a, 'a1'), msg(`${tag}-b0`, b, 'önceki'), msg(`${tag}-b1`, b, 'b1'),
    msg(`${tag}-a2`, a, 'a2'), msg(`${tag}-a1`, a, 'a1'), msg(`${tag}-b2`, b, 'b2 — son'), msg(`${tag}-a3`, a, 'a3 şöyle'),
  ];
  const results = await ingestBatch(m, rec.events, batch);
  expect(results.map((r) => r.duplicate)).toEqual([false, true, false, false, true, false, false]);
  expect(results[1]!.messageId).toBe(stored.messageId);
  expect(results[4]!.messageId).toBe(results[0]!.messageId);
  // one customer and one conversation each
  expect(new Set([0, 3, 4, 6].map((i) => results[i]!.conversationId)).size).toBe(1);
  expect(new Set([1, 2, 5].map((i) => results[i]!.conversationId))).toEqual(new Set([stored.conversationId]));
  expect(await collectionsOf(m).Identity.countDocuments({ kind: 'webchat', address: a })).toBe(1);
  expect(await conversationModel(hub.deps.db).countDocuments({ customerId: results[0]!.customerId })).toBe(1);
  expect(await collectionsOf(m).Message.countDocuments({ dedupeKey: { $in: batch.map((x) => x.dedupeKey) } })).toBe(6);
  // events once per new message, none for the duplicates
  expect(rec.messages.map((e) => e.text).sort()).toEqual(['a1', 'a2', 'a3 şöyle', 'b1', 'b2 — son']);
  expect(rec.conversations.filter((c) => c.created)).toHaveLength(1);
  // timestamps and preview follow the latest message of each conversation
  for (const [idx, text] of [[6, 'a3 şöyle'], [5, 'b2 — son']] as const) {
    const conv = await conversationModel(hub.deps.db).findById(results[idx]!.conversationId).lean();
    const latest = await collectionsOf(m).Message.findOne({ conversationId: conv!._id }).sort({ createdAt: -1 }).lean();
    expect(latest!.text).toBe(text);
    expect(conv!.lastMessagePreview).toBe(text);
    expect(new Date(conv!.lastInboundAt!).getTime()).toBe(new Date(latest!.createdAt).getTime());
    expect(new Date(conv!.lastActivityAt).getTime()).toBeGreaterThanOrEqual(new Date(latest!.createdAt).getTime());
    expect(conv!.waitingSince).toBeTruthy();
  }
  // stored like ingest() stores them
  const doc = await collectionsOf(m).Message.findById(results[0]!.messageId).lean();
  expect(doc).toMatchObject({ direction: 'in', kind: 'message', channel: 'webchat', text: 'a1', attachments: [], delivery: { status: 'received' } });
  expect(doc!.createdAt).toBeInstanceOf(Date);
  expect(doc!.updatedAt).toBeInstanceOf(Date);

  // the same batch again (a retried job): all duplicates, nothing published, nothing added
  const again = recorder();
  const rerun = await ingestBatch(m, again.events, batch);
  expect(rerun.every((r) => r.duplicate)).toBe(true);
  expect(rerun.map((r) => r.messageId)).toEqual(results.map((r) => r.messageId));
  expect(again.messages).toHaveLength(0);
  expect(await collectionsOf(m).Message.countDocuments({ dedupeKey: { $in: batch.map((x) => x.dedupeKey) } })).toBe(6);
});

test('concurrent batches for the same new customer create one identity, customer and conversation', async () => {
  const m = hub.deps.models;
  const address = `batch-race-${Date.now()}`;
  const batches = Array.from({ length: 5 }, (_, k) => Array.from({ length: 6 }, (_, i) => msg(`race-${address}-${k}-${i}`, address, `m${k}-${i}`)));
  const results = (await Promise.all(batches.map((b) => ingestBatch(m, null, b)))).flat();
  expect(results.every((r) => !r.duplicate)).toBe(true);
  expect(new Set(results.map((r) => r.customerId)).size).toBe(1);
  expect(new Set(results.map((r) => r.conversationId)).size).toBe(1);
  expect(await collectionsOf(m).Identity.countDocuments({ kind: 'webchat', address })).toBe(1);
  expect(await collectionsOf(m).Customer.countDocuments({ _id: results[0]!.customerId })).toBe(1);
  expect(await conversationModel(hub.deps.db).countDocuments({ customerId: results[0]!.customerId })).toBe(1);
  expect(await collectionsOf(m).Message.countDocuments({ conversationId: results[0]!.conversationId })).toBe(30);
});

test('a batch wakes a pending conversation and reopens a recently resolved one', async () => {
  const m = hub.deps.models;
  const tag = Date.now();
  const first = await ingest(m, null, msg(`wake-1-${tag}`, `batch-wake-${tag}`));
  await setStatus(m, new Types.ObjectId(first.conversationId), 'pending');
  const [r] = await ingestBatch(m, null, [msg(`wake-2-${tag}`, `batch-wake-${tag}`)]);
  expect(r!.conversationId).toBe(first.conversationId);
  expect((await conversationModel(hub.deps.db).findById(first.conversationId).lean())!.status).toBe('open');
  await setStatus(m, new Types.ObjectId(first.conversationId), 'resolved');
  const [again] = await ingestBatch(m, null, [msg(`wake-3-${tag}`, `batch-wake-${tag}`)]);
  expect(again!.conversationId).toBe(first.conversationId);
  expect((await conversationModel(hub.deps.db).findById(first.conversationId).lean())!.status).toBe('open');
});

test('the same new messages in two concurrent batches are stored and announced once', async () => {
  const m = hub.deps.models;
  const tag = new Types.ObjectId().toString();
  const batch = Array.from({ length: 8 }, (_, i) => msg(`${tag}-dup-${i}`, `batch-dup-${tag}-${i % 3}`, `d${i}`));
  const rec = recorder();
  const [x, y] = await Promise.all([ingestBatch(m, rec.events, batch), ingestBatch(m, rec.events, batch)]);
  for (let i = 0; i < batch.length; i++) {
    expect(x![i]!.messageId).toBe(y![i]!.messageId);
    expect([x![i]!.duplicate, y![i]!.duplicate].filter((d) => !d)).toHaveLength(1);
  }
  expect(rec.messages).toHaveLength(batch.length);
  expect(await collectionsOf(m).Message.countDocuments({ dedupeKey: { $in: batch.map((b) => b.dedupeKey) } })).toBe(batch.length);
  expect(await collectionsOf(m).Customer.countDocuments({ _id: { $in: x!.map((r) => r.customerId) } })).toBe(3);
});

test('with the worker\'s sender cache: a resolved conversation is not written to, the next one is used', async () => {
  const m = hub.deps.models;
  const cache = new SenderCache();
  const tag = Date.now();
  const address = `batch-cache-${tag}`;
  const [r1] = (await ingestBatchSettled(m, null, [msg(`c1-${tag}`, address, 'c1')], undefined, cache)) as { conversationId: string; customerId: string }[];
  expect(cache.get(`webchat:${address}`)).toBeDefined();
  const [r2] = (await ingestBatchSettled(m, null, [msg(`c2-${tag}`, address, 'c2')], undefined, cache)) as { conversationId: string }[];
  expect(r2!.conversationId).toBe(r1!.conversationId);
  // resolved long ago (outside the reopen window): the next message must open a new conversation
  await setStatus(m, new Types.ObjectId(r1!.conversationId), 'resolved');
  await m.conversations.updateById(r1!.conversationId, { $set: { resolvedAt: new Date(Date.now() - 30 * 24 * 3600 * 1000) } });
  const [r3] = (await ingestBatchSettled(m, null, [msg(`c3-${tag}`, address, 'c3')], undefined, cache)) as { conversationId: string; customerId: string }[];
  expect(r3!.customerId).toBe(r1!.customerId);
  expect(r3!.conversationId).not.toBe(r1!.conversationId);
  const old = await conversationModel(hub.deps.db).findById(r1!.conversationId).lean();
  expect(old!.status).toBe('resolved');
  expect(old!.lastMessagePreview).toBe('c2');
  const fresh = await conversationModel(hub.deps.db).findById(r3!.conversationId).lean();
  expect(fresh!.lastMessagePreview).toBe('c3');
  expect(await conversationModel(hub.deps.db).countDocuments({ customerId: r1!.customerId, status: { $ne: 'resolved' } })).toBe(1);
  // a snoozed conversation of a cached sender wakes up on the next message, which lands in it
  await setStatus(m, new Types.ObjectId(r3!.conversationId), 'snoozed', new Date(Date.now() + 3600_000));
  const [r4] = (await ingestBatchSettled(m, null, [msg(`c4-${tag}`, address, 'c4')], undefined, cache)) as { conversationId: string }[];
  expect(r4!.conversationId).toBe(r3!.conversationId);
  const woken = await conversationModel(hub.deps.db).findById(r3!.conversationId).lean();
  expect(woken).toMatchObject({ status: 'open', snoozedUntil: null, lastMessagePreview: 'c4' });
});

test('two concurrent full batches of first contacts (60 new customers each) are all stored', async () => {
  // Regression: one conversation bulkWrite per batch deadlocked FerretDB 1.24 (a pool connection held per
  // statement until the command ends, 50 in its pool); the store then hung for every later command.
  const m = hub.deps.models;
  const tag = new Types.ObjectId().toString();
  const batch = (k: number) => Array.from({ length: 60 }, (_, i) => msg(`${tag}-${k}-${i}`, `burst-${tag}-${k}-${i}`, `ilk mesaj ${i}`));
  const [one, two] = await Promise.all([ingestBatch(m, null, batch(1)), ingestBatch(m, null, batch(2))]);
  expect([...one, ...two].every((r) => !r.duplicate)).toBe(true);
  expect(new Set([...one, ...two].map((r) => r.conversationId)).size).toBe(120);
  const convs = await conversationModel(hub.deps.db).find({ _id: { $in: one.slice(0, 5).map((r) => new Types.ObjectId(r.conversationId)) } }).lean();
  expect(convs.map((c) => c.lastMessagePreview).sort()).toEqual(['ilk mesaj 0', 'ilk mesaj 1', 'ilk mesaj 2', 'ilk mesaj 3', 'ilk mesaj 4']);
});
