import { Types } from 'mongoose';
import { PermanentSendError, type ChannelAdapter, type OutboundMessage } from '../../src/domain/messages';
import { createReply } from '../../src/services/conversations/replies';
import { applyDeliveryReport } from '../../src/services/delivery/delivery-status';
import { ingest } from '../../src/services/ingest/ingest';
import { randomUUID } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { QueueEvents } from 'bullmq';
import { createQueues, QueueNames, redisConnection } from '../../src/queues';
import { outboundJobId, STUCK_AFTER_MS, sweepStuckSends } from '../../src/services/delivery/outbound-queue';
import { startWorkers } from '../../workers';
import { connectStore, ensureIndexes, models } from '../../src/store';
import { EventPublisher } from '../../src/services/events';
import { createLogger } from '../../src/logger';
import { testConfig } from '../helpers/env';
import { deleteKeys } from '../helpers/sockets';
import { drained } from '../helpers/queues';
import { collectionsOf } from '../../src/store/collections';
import { waitFor } from '../helpers/process';

// The outbound pipeline with a scripted SMS adapter: a stand-in for a provider, not for our own infrastructure.
const config = testConfig('delivery');
const calls: OutboundMessage[] = [];
const providerCalls = new EventEmitter(); // 'call' when a send reaches the provider
let script: Array<'ok' | 'fail' | 'permanent' | 'slow'> = [];
let sentCount = 0; // provider ids stay unique across the file, as a provider's are
const adapter: ChannelAdapter = {
  channel: 'sms',
  async send(msg) {
    calls.push(msg);
    providerCalls.emit('call');
    const next = script.shift() ?? 'ok';
    if (next === 'fail') throw new Error('provider timeout');
    if (next === 'permanent') throw new PermanentSendError('number unreachable (21211)');
    if (next === 'slow') await new Promise((r) => setTimeout(r, 600));
    return { providerId: `SM${++sentCount}` };
  },
};

const redis = redisConnection(config.REDIS_URL);
const queues = createQueues(redis, config.QUEUE_PREFIX, { attempts: 3, backoff: { type: 'exponential', delay: 50 } });
const eventsRedis = redisConnection(config.REDIS_URL);
const queueEvents = new QueueEvents(QueueNames.outbound, { connection: eventsRedis, prefix: config.QUEUE_PREFIX });
let db: Awaited<ReturnType<typeof connectStore>>;
let workers: ReturnType<typeof startWorkers>;
let m: ReturnType<typeof models>;

beforeAll(async () => {
  db = await connectStore(config.MONGODB_URI, { embeddedPostgresqlUrl: config.FERRETDB_POSTGRESQL_URL });
  await ensureIndexes(db);
  m = models(db);
  workers = startWorkers({
    connection: redis, prefix: config.QUEUE_PREFIX, models: m, events: new EventPublisher(redis, config.QUEUE_PREFIX),
    adapters: { sms: adapter }, concurrency: 4, lockMs: 5000, logger: createLogger('silent'),
  });
});
afterAll(async () => {
  await workers.close();
  await deleteKeys(redis, config.QUEUE_PREFIX);
  await queues.close();
  await queueEvents.close();
  eventsRedis.disconnect();
  await redis.quit();
  await db.dropDatabase();
  await db.close();
});

async function replyAndSend(text: string) {
  const phone = `+90532${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  const { conversationId } = await ingest(m, null, {
    channel: 'sms', dedupeKey: `sms:${new Types.ObjectId()}`, from: { address: phone }, text: 'Kargom gelmedi',
    attachments: [], sentAt: new Date().toISOString(),
  });
  const { message } = await createReply(m, null, { conversationId, agent: { id: 'a1', name: 'Deniz' }, text });
  await queues.outbound.add('send', { messageId: String(message._id) });
  return { id: String(message._id), phone };
}

/** The message once every outbound job has finished for good: no attempt is still to come when tests count calls. */
async function finalDelivery(id: string) {
  await drained([queues.outbound]);
  const doc = await collectionsOf(m).Message.findById(id).lean();
  if (!doc || doc.delivery?.status === 'queued') throw new Error('message stayed queued');
  return doc;
}

test('a reply goes out through the adapter to the customer address and becomes sent with the provider id', async () => {
  script = ['ok'];
  calls.length = 0;
  const { id, phone } = await replyAndSend('Merhaba, kargonuz yolda.');
  const doc = await finalDelivery(id);
  expect(doc.delivery?.status).toBe('sent');
  expect(doc.providerId).toBe('SM1');
  expect(calls).toHaveLength(1);
  expect(calls[0]!.to).toBe(phone);
  expect(calls[0]!.text).toBe('Merhaba, kargonuz yolda.');
});

test('transient failures are retried with backoff; success on the third attempt is sent once', async () => {
  script = ['fail', 'fail', 'ok'];
  calls.length = 0;
  const { id } = await replyAndSend('retry me');
  const doc = await finalDelivery(id);
  expect(doc.delivery?.status).toBe('sent');
  expect(doc.delivery?.attempts).toBe(3);
  expect(calls).toHaveLength(3);
});

test('after the last attempt the message is failed with the reason kept', async () => {
  script = ['fail', 'fail', 'fail'];
  calls.length = 0;
  const { id } = await replyAndSend('never arrives');
  const doc = await finalDelivery(id);
  expect(doc.delivery?.status).toBe('failed');
  expect(doc.delivery?.error).toBe('provider timeout');
  expect(calls).toHaveLength(3);
});

test('a permanent error fails at once without retries', async () => {
  script = ['permanent'];
  calls.length = 0;
  const { id } = await replyAndSend('bad number');
  const doc = await finalDelivery(id);
  expect(doc.delivery?.status).toBe('failed');
  expect(doc.delivery?.error).toMatch(/21211/);
  expect(calls).toHaveLength(1);
});

test('a job for a message that already has a provider id never sends it again (loop guard)', async () => {
  script = ['ok'];
  calls.length = 0;
  const { id } = await replyAndSend('once only');
  await finalDelivery(id);
  const again = await queues.outbound.add('send', { messageId: id });
  expect(await again.waitUntilFinished(queueEvents)).toEqual({ skipped: true });
  expect(calls).toHaveLength(1);
});

describe('a reply whose send could not be enqueued (Redis unreachable after the store write) is not stuck in queued', () => {
  /** An outbound queue on a Redis connection that is gone: add() fails, as when Redis is unreachable. */
  async function unreachableQueues() {
    const lost = redisConnection(config.REDIS_URL);
    const dead = createQueues(lost, config.QUEUE_PREFIX);
    await lost.quit();
    return dead;
  }
  async function replyThatFailsToEnqueue(text: string, clientId: string) {
    const phone = `+90533${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    const { conversationId } = await ingest(m, null, {
      channel: 'sms', dedupeKey: `sms:${new Types.ObjectId()}`, from: { address: phone }, text: 'Ulaşamıyorum', attachments: [], sentAt: new Date().toISOString(),
    });
    const input = { conversationId, agent: { id: 'a1', name: 'Deniz' }, text, clientId };
    const dead = await unreachableQueues();
    await expect(createReply(m, null, input, dead)).rejects.toThrow();
    await dead.close().catch(() => {});
    const stored = await m.messages.byDedupeKey(`out:${clientId}`);
    expect(stored?.delivery.status).toBe('queued'); // the agent saw an error; the reply is stored, not sent
    return { id: String(stored!._id), input };
  }

  test('the console retrying with the same client id sends it, once', async () => {
    script = ['ok'];
    calls.length = 0;
    const { id, input } = await replyThatFailsToEnqueue('Tekrar deniyorum', randomUUID());
    const retried = await createReply(m, null, input, queues);
    expect([retried.duplicate, String(retried.message._id)]).toEqual([true, id]);
    const job = await queues.outbound.getJob(outboundJobId(id));
    await job!.waitUntilFinished(queueEvents);
    expect((await finalDelivery(id)).delivery?.status).toBe('sent');
    await createReply(m, null, input, queues); // a third click: already sent, nothing more
    expect(calls.map((c) => c.text)).toEqual(['Tekrar deniyorum']);
  });

  test('the sweeper gives it a job once it has been queued too long; a fresh or live one is left alone', async () => {
    script = ['ok'];
    calls.length = 0;
    const { id } = await replyThatFailsToEnqueue('Süpürge', randomUUID());
    expect(await sweepStuckSends(m, queues)).toBe(0); // just written: may still be on its way
    expect(await sweepStuckSends(m, queues, { now: new Date(Date.now() + STUCK_AFTER_MS + 1000) })).toBe(1);
    await (await queues.outbound.getJob(outboundJobId(id)))!.waitUntilFinished(queueEvents);
    expect((await finalDelivery(id)).delivery?.status).toBe('sent');
    expect(await sweepStuckSends(m, queues, { now: new Date(Date.now() + STUCK_AFTER_MS + 1000) })).toBe(0); // sent: not pending
    expect(calls.map((c) => c.text)).toEqual(['Süpürge']);
  });
});

describe('delivery receipts (status callbacks, acks, bounces)', () => {
  const report = (providerId: string, status: 'sent' | 'delivered' | 'read' | 'failed', error?: string) =>
    applyDeliveryReport(m, null, { channel: 'sms', providerId, status, error });

  test('a receipt moves the message forward; a late "sent" after "delivered" changes nothing', async () => {
    const { id } = await replyAndSend('Kargonuz yolda');
    const sent = await finalDelivery(id);
    expect(await report(sent.providerId!, 'delivered')).toBe('updated');
    expect(await report(sent.providerId!, 'sent')).toBe('stale');
    expect((await collectionsOf(m).Message.findById(id).lean())!.delivery!.status).toBe('delivered');
    expect(await report(sent.providerId!, 'read')).toBe('updated');
    expect(await report(sent.providerId!, 'failed', 'too late')).toBe('stale');
    expect((await collectionsOf(m).Message.findById(id).lean())!.delivery!.status).toBe('read');
  });

  test('a failure receipt keeps the readable reason; an unknown provider id or channel is reported as unknown', async () => {
    const { id } = await replyAndSend('İade kodunuz: 4411');
    const sent = await finalDelivery(id);
    expect(await report(sent.providerId!, 'failed', 'Unreachable destination handset (30003)')).toBe('updated');
    const doc = (await collectionsOf(m).Message.findById(id).lean())!;
    expect(doc.delivery).toMatchObject({ status: 'failed', error: 'Unreachable destination handset (30003)' });
    expect(await report('SM-never-sent', 'delivered')).toBe('unknown');
    expect(await applyDeliveryReport(m, null, { channel: 'whatsapp', providerId: sent.providerId!, status: 'read' })).toBe('unknown');
  });
});

test('a reply that fails is no response: no response fact, no first response; the next reply that is sent is the first', async () => {
  const agentId = String(new Types.ObjectId());
  const phone = `+90533${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  const { conversationId } = await ingest(m, null, {
    channel: 'sms', dedupeKey: `sms:${new Types.ObjectId()}`, from: { address: phone }, text: 'Faturam nerede?', attachments: [], sentAt: new Date().toISOString(),
  });
  const responses = () => collectionsOf(m).MetricEvent.find({ conversationId: new Types.ObjectId(conversationId), type: 'response' }).lean();
  const conversation = () => collectionsOf(m).Conversation.findById(conversationId).lean();

  script = ['permanent'];
  const failed = await createReply(m, null, { conversationId, agent: { id: agentId, name: 'Deniz' }, text: 'Bakıyorum.' }, queues);
  expect((await finalDelivery(String(failed.message._id))).delivery?.status).toBe('failed');
  expect(await responses()).toEqual([]);
  // The failed reply had set the first response; it is taken back (after the failure is marked).
  await waitFor(async () => !(await conversation())?.firstResponseAt, 5000, 'the first response to be taken back');

  script = ['ok'];
  const sent = await createReply(m, null, { conversationId, agent: { id: agentId, name: 'Deniz' }, text: 'Faturanız e-postanızda.' }, queues);
  expect((await finalDelivery(String(sent.message._id))).delivery?.status).toBe('sent');
  const [fact] = await waitFor(async () => ((await responses()).length ? responses() : null), 5000, 'the response fact');
  expect(fact).toMatchObject({ first: true, messageId: sent.message._id, agentId: new Types.ObjectId(agentId), at: sent.message.createdAt });
  expect(fact!.frtWallMs).toEqual(expect.any(Number));
  expect((await conversation())?.firstResponseAt).toEqual(sent.message.createdAt);
});

test('graceful shutdown: closing the workers lets an in-flight send finish and record it', async () => {
  script = ['slow'];
  calls.length = 0;
  const inFlight = once(providerCalls, 'call');
  const { id } = await replyAndSend('sent while shutting down');
  await inFlight; // the provider call is in flight now
  expect(calls).toHaveLength(1);
  await workers.close();
  const doc = await collectionsOf(m).Message.findById(id).lean();
  expect(doc!.delivery?.status).toBe('sent');
  expect(doc!.providerId).toBe(`SM${sentCount}`);
});
