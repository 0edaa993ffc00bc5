import { Types } from 'mongoose';
import { QueueEvents } from 'bullmq';
import { enqueueInbound, jobIdFor, QueueNames } from '../../src/queues';
import { ingest } from '../../src/services/ingest/ingest';
import { resolveCustomer } from '../../src/services/identity/identity';
import { findOrOpenConversation, setStatus } from '../../src/services/conversations/conversations';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { emailMessage, webchatMessage } from '../helpers/messages';
import { waitFor } from '../helpers/process';
import { conversationModel } from '../../src/store/conversations';
import { collectionsOf } from '../../src/store/collections';

const config = testConfig('ingest');
let hub: Awaited<ReturnType<typeof startTestHub>>;

beforeAll(async () => {
  hub = await startTestHub(config, 'all');
});
afterAll(async () => {
  await hub.stop();
});

const msg = webchatMessage;


test('a message enqueued three times is stored once, in one conversation, with the Turkish text intact', async () => {
  const m = msg(new Types.ObjectId().toString(), 'visitor-triple');
  const events = new QueueEvents(QueueNames.inbound, { connection: { url: config.REDIS_URL }, prefix: config.QUEUE_PREFIX });
  await events.waitUntilReady();
  await Promise.all([enqueueInbound(hub.deps.queues, m), enqueueInbound(hub.deps.queues, m), enqueueInbound(hub.deps.queues, m)]);
  const job = await hub.deps.queues.inbound.getJob(jobIdFor(m.dedupeKey));
  await job!.waitUntilFinished(events, 10_000);
  await enqueueInbound(hub.deps.queues, m); // a late redelivery after processing
  // and the ingest path itself, run again directly (as a retried job would)
  const again = await ingest(hub.deps.models, null, m);
  expect(again.duplicate).toBe(true);
  const stored = await collectionsOf(hub.deps.models).Message.find({ dedupeKey: m.dedupeKey }).lean();
  expect(stored).toHaveLength(1);
  expect(stored[0]!.text).toBe('Merhaba, siparişim nerede?');
  expect(await conversationModel(hub.deps.db).countDocuments({ customerId: stored[0]!.customerId })).toBe(1);
  await events.close();
});

test('twenty concurrent first messages from one new address make one customer and one conversation', async () => {
  const address = `visitor-race-${Date.now()}`;
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) => ingest(hub.deps.models, null, msg(`race-${address}-${i}`, address, `m${i}`))),
  );
  expect(new Set(results.map((r) => r.customerId)).size).toBe(1);
  expect(new Set(results.map((r) => r.conversationId)).size).toBe(1);
  expect(await collectionsOf(hub.deps.models).Identity.countDocuments({ kind: 'webchat', address })).toBe(1);
  expect(await collectionsOf(hub.deps.models).Message.countDocuments({ conversationId: results[0]!.conversationId })).toBe(20);
});

test('resolveCustomer under concurrency returns one customer id', async () => {
  const ids = await Promise.all(Array.from({ length: 10 }, () => resolveCustomer(hub.deps.models, 'email', 'Ayse@Example.COM')));
  expect(new Set(ids.map((r) => String(r.customerId))).size).toBe(1);
  expect(ids.filter((r) => r.created)).toHaveLength(1);
  const identity = await collectionsOf(hub.deps.models).Identity.findOne({ kind: 'email', address: 'ayse@example.com' }).lean();
  expect(identity).not.toBeNull();
});

test('after resolve: a message within the reopen window reopens; after it, a new conversation starts', async () => {
  const first = await ingest(hub.deps.models, null, msg(`rw-1-${Date.now()}`, 'visitor-reopen'));
  await setStatus(hub.deps.models, new Types.ObjectId(first.conversationId), 'resolved');
  const second = await ingest(hub.deps.models, null, msg(`rw-2-${Date.now()}`, 'visitor-reopen'));
  expect(second.conversationId).toBe(first.conversationId);
  const reopened = await conversationModel(hub.deps.db).findById(first.conversationId).lean();
  expect(reopened!.status).toBe('open');

  await setStatus(hub.deps.models, new Types.ObjectId(first.conversationId), 'resolved');
  const customerId = new Types.ObjectId(first.customerId);
  const later = new Date(Date.now() + 5 * 24 * 3600 * 1000);
  const { conversation, created } = await findOrOpenConversation(hub.deps.models, customerId, later);
  expect(created).toBe(true);
  expect(String(conversation._id)).not.toBe(first.conversationId);
});

test('an email naming a conversation resolved long ago reopens it and starts routing again', async () => {
  const first = await ingest(hub.deps.models, null, emailMessage(`er-1-${Date.now()}`, 'reopen@example.com.tr'));
  expect(first.opened).toBe(true);
  // Resolved 30 days ago: outside the reopen window, so only the reply token brings the mail back to it.
  await setStatus(hub.deps.models, new Types.ObjectId(first.conversationId), 'resolved');
  await hub.deps.models.conversations.updateById(first.conversationId, { $set: { resolvedAt: new Date(Date.now() - 30 * 24 * 3600 * 1000) } });
  const answer = await ingest(hub.deps.models, null, { ...emailMessage(`er-2-${Date.now()}`, 'reopen@example.com.tr'), conversationId: first.conversationId });
  expect(answer.conversationId).toBe(first.conversationId);
  expect(answer.opened).toBe(true); // the inbound worker routes what a message opened or reopened
  expect((await conversationModel(hub.deps.db).findById(first.conversationId).lean())!.status).toBe('open');
  const next = await ingest(hub.deps.models, null, { ...emailMessage(`er-3-${Date.now()}`, 'reopen@example.com.tr'), conversationId: first.conversationId });
  expect(next.opened).toBeUndefined();
});

test('a pending conversation wakes up (open) when the customer writes', async () => {
  const first = await ingest(hub.deps.models, null, msg(`pw-1-${Date.now()}`, 'visitor-pending'));
  await setStatus(hub.deps.models, new Types.ObjectId(first.conversationId), 'pending');
  await ingest(hub.deps.models, null, msg(`pw-2-${Date.now()}`, 'visitor-pending'));
  const c = await conversationModel(hub.deps.db).findById(first.conversationId).lean();
  expect(c!.status).toBe('open');
  expect(c!.waitingSince).not.toBeNull();
});

test('a malformed job fails without retries and without storing anything', async () => {
  const before = await collectionsOf(hub.deps.models).Message.countDocuments();
  const job = await hub.deps.queues.inbound.add('ingest', { message: { channel: 'fax' } as never });
  await waitFor(async () => (await job.getState()) === 'failed');
  const failed = await hub.deps.queues.inbound.getJob(job.id!);
  expect(failed!.attemptsMade).toBe(1);
  expect(failed!.failedReason).toMatch(/invalid inbound message/);
  expect(await collectionsOf(hub.deps.models).Message.countDocuments()).toBe(before);
});
