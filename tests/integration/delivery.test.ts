import { Types } from 'mongoose';
import { PermanentSendError, type ChannelAdapter, type OutboundMessage } from '../../src/domain/messages';
import { createReply } from '../../src/services/conversations/replies';
import { applyDeliveryReport } from '../../src/services/delivery/delivery-status';
import { ingest } from '../../src/services/ingest/ingest';
import { createQueues, redisConnection } from '../../src/queues';
import { startWorkers } from '../../workers';
import { connectStore, ensureIndexes, models } from '../../src/store';
import { EventPublisher } from '../../src/services/events';
import { createLogger } from '../../src/logger';
import { testConfig } from '../helpers/env';
import { deleteKeys } from '../helpers/sockets';
import { collectionsOf } from '../../src/store/collections';

// The outbound pipeline with a scripted SMS adapter: a stand-in for a provider, not for our own infrastructure.
const config = testConfig('delivery');
const calls: OutboundMessage[] = [];
let script: Array<'ok' | 'fail' | 'permanent' | 'slow'> = [];
let sentCount = 0; // provider ids stay unique across the file, as a provider's are
const adapter: ChannelAdapter = {
  channel: 'sms',
  async send(msg) {
    calls.push(msg);
    const next = script.shift() ?? 'ok';
    if (next === 'fail') throw new Error('provider timeout');
    if (next === 'permanent') throw new PermanentSendError('number unreachable (21211)');
    if (next === 'slow') await new Promise((r) => setTimeout(r, 600));
    return { providerId: `SM${++sentCount}` };
  },
};

const redis = redisConnection(config.REDIS_URL);
const queues = createQueues(redis, config.QUEUE_PREFIX, { attempts: 3, backoff: { type: 'exponential', delay: 50 } });
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

async function finalDelivery(id: string) {
  for (let i = 0; i < 200; i++) {
    const doc = await collectionsOf(m).Message.findById(id).lean();
    if (doc && doc.delivery?.status !== 'queued') return doc;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('message stayed queued');
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
  await queues.outbound.add('send', { messageId: id });
  await new Promise((r) => setTimeout(r, 500));
  expect(calls).toHaveLength(1);
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

test('graceful shutdown: closing the workers lets an in-flight send finish and record it', async () => {
  script = ['slow'];
  calls.length = 0;
  const { id } = await replyAndSend('sent while shutting down');
  for (let i = 0; i < 100 && calls.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  expect(calls).toHaveLength(1); // the provider call is in flight now
  await workers.close();
  const doc = await collectionsOf(m).Message.findById(id).lean();
  expect(doc!.delivery?.status).toBe('sent');
  expect(doc!.providerId).toBe(`SM${sentCount}`);
});
