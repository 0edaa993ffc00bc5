import { Worker, type Job } from 'bullmq';
import { Types } from 'mongoose';
import { createQueues, enqueueInbound, QueueNames, redisConnection, type InboundJob } from '../src/queues';
import { connectStore, models, type Db } from '../src/store';
import { inboundFor, messageDocFor, now, pool, round, waitUntil } from './lib';

export interface FloorOpts {
  runId: string;
  n: number;
  /** Concurrent producers (like the ingress sockets' in-flight acks). */
  window: number;
  /** Worker concurrency / concurrent store writers (like WORKER_CONCURRENCY). */
  concurrency: number;
  visitors: number;
  redisUrl: string;
  mongoBase: string;
  prefix: string;
  timeoutMs: number;
}

/**
 * Bare BullMQ: the same InboundJob payloads through the same Queue options and job ids (createQueues +
 * enqueueInbound) and a Worker with the hub's options whose processor does nothing. Messages/s from the first add
 * to the last 'completed'.
 */
export async function bullmqFloor(o: FloorOpts): Promise<{ rate: number; ms: number; errors: number }> {
  const redis = redisConnection(o.redisUrl);
  const queues = createQueues(redis, o.prefix);
  let done = 0;
  let last = 0;
  const worker = new Worker<InboundJob>(QueueNames.inbound, async (_job: Job<InboundJob>) => undefined, {
    connection: redis, prefix: o.prefix, concurrency: o.concurrency, lockDuration: 30_000, stalledInterval: 15_000,
  });
  worker.on('completed', () => {
    done++;
    last = now();
  });
  try {
    await worker.waitUntilReady();
    const payloads = Array.from({ length: o.n }, (_, i) => inboundFor(o.runId, i, o.visitors));
    const t0 = now();
    const { errors } = await pool(o.n, o.window, (i) => enqueueInbound(queues, payloads[i]!));
    await waitUntil(() => done >= o.n - errors, o.timeoutMs, `bullmq floor: ${o.n} jobs completed (${done} so far)`, 10);
    const ms = last - t0;
    return { rate: round((done / ms) * 1000, 1)!, ms: round(ms, 0)!, errors };
  } finally {
    await worker.close();
    await queues.close();
    await redis.quit().catch(() => {});
  }
}

async function withDb<T>(uri: string, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await connectStore(uri);
  try {
    return await fn(db);
  } finally {
    await db.dropDatabase().catch(() => {});
    await db.close();
  }
}

/**
 * Bare driver inserts: the message documents ingest stores, one insertOne each through the plain driver (no
 * mongoose casting/validation), `concurrency` at a time, into a collection with the Message model's indexes.
 */
export async function driverInsertFloor(o: FloorOpts): Promise<{ rate: number; ms: number; errors: number }> {
  return withDb(`${o.mongoBase}/kb_${o.runId}_fi`, async (db) => {
    const m = models(db);
    await m.Message.init();
    const coll = db.getClient().db(db.name).collection('messages');
    const conv = Array.from({ length: o.visitors }, () => ({ conversationId: new Types.ObjectId(), customerId: new Types.ObjectId() }));
    const docs = Array.from({ length: o.n }, (_, i) => {
      const c = conv[i % o.visitors]!;
      return messageDocFor(inboundFor(o.runId, i, o.visitors), c.conversationId, c.customerId);
    });
    const t0 = now();
    const { errors, firstError } = await pool(o.n, o.concurrency, (i) => coll.insertOne(docs[i]!));
    const ms = now() - t0;
    if (errors) console.error('[bench] driver insert errors:', errors, firstError);
    return { rate: round(((o.n - errors) / ms) * 1000, 1)!, ms: round(ms, 0)!, errors };
  });
}

/**
 * The least store work one inbound message needs if identity and open conversation were cached: insert the
 * message (unique dedupeKey) + one conversation update by _id ($max timestamps, preview). Plain driver.
 */
export async function ingestStoreMinFloor(o: FloorOpts): Promise<{ rate: number; ms: number; errors: number; opsPerMessage: number }> {
  return withDb(`${o.mongoBase}/kb_${o.runId}_fm`, async (db) => {
    const m = models(db);
    await Promise.all([m.Message.init(), m.Conversation.init()]);
    const client = db.getClient().db(db.name);
    const messages = client.collection('messages');
    const conversations = client.collection('conversations');
    const t = new Date();
    const conv = Array.from({ length: o.visitors }, () => {
      const customerId = new Types.ObjectId();
      return { _id: new Types.ObjectId(), customerId, openKey: String(customerId), status: 'open', openedAt: t, lastActivityAt: t, priority: 0 };
    });
    await conversations.insertMany(conv);
    const docs = Array.from({ length: o.n }, (_, i) => {
      const c = conv[i % o.visitors]!;
      return messageDocFor(inboundFor(o.runId, i, o.visitors), c._id, c.customerId);
    });
    const t0 = now();
    const { errors, firstError } = await pool(o.n, o.concurrency, async (i) => {
      const d = docs[i]!;
      await messages.insertOne(d);
      await conversations.updateOne(
        { _id: d.conversationId },
        { $max: { lastInboundAt: d.createdAt, lastActivityAt: d.createdAt }, $set: { lastInboundChannel: 'webchat', lastMessagePreview: d.text.slice(0, 200) } },
      );
    });
    const ms = now() - t0;
    if (errors) console.error('[bench] store-min errors:', errors, firstError);
    return { rate: round(((o.n - errors) / ms) * 1000, 1)!, ms: round(ms, 0)!, errors, opsPerMessage: 2 };
  });
}
