import { Worker, type Job } from 'bullmq';
import { Types } from 'mongoose';
import { createQueues, enqueueInbound, QueueNames, redisConnection, type InboundJob } from '../src/queues';
import { connectStore, models, type Db } from '../src/store';
import { inboundFor, messageDocFor, now, pool, round, waitUntil, STORE_OPTIONS } from './lib';
import { conversationModel } from '../src/store/conversations';
import { collectionsOf } from '../src/store/collections';

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
  const db = await connectStore(uri, STORE_OPTIONS);
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
    await collectionsOf(m).Message.init();
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

/** One open conversation per visitor (plain driver) and the message documents to write into them. */
async function seedOpenConversations(db: Db, o: FloorOpts, tag?: string) {
  const m = models(db);
  await Promise.all([collectionsOf(m).Message.init(), conversationModel(db).init()]);
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
    return messageDocFor(inboundFor(o.runId, i, o.visitors, tag), c._id, c.customerId);
  });
  return { messages, conversations, conv, docs };
}

/**
 * The least store work one inbound message needs if identity and open conversation were cached: insert the
 * message (unique dedupeKey) + one conversation update by _id ($max timestamps, preview). Plain driver.
 */
export async function ingestStoreMinFloor(o: FloorOpts): Promise<{ rate: number; ms: number; errors: number; opsPerMessage: number }> {
  return withDb(`${o.mongoBase}/kb_${o.runId}_fm`, async (db) => {
    const { messages, conversations, docs } = await seedOpenConversations(db, o);
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

/**
 * Plain-driver throughput of each kind of store command ingest issues, on _id (the only filter FerretDB/SQLite
 * pushes down), `concurrency` at a time: turns "commands per message" into an expected msg/s.
 */
export async function storeOpRates(o: FloorOpts, storeCpuMs: () => number | null = () => null): Promise<{ rates: Record<string, number>; storeCpuMsPerOp: Record<string, number | null> }> {
  return withDb(`${o.mongoBase}/kb_${o.runId}_fo`, async (db) => {
    const { messages, conversations, conv, docs } = await seedOpenConversations(db, o, 'o');
    const cpuPerOp: Record<string, number | null> = {};
    let cpuKey = '';
    const rate = async (fn: (i: number) => Promise<unknown>) => {
      const t0 = now();
      const c0 = storeCpuMs();
      const { errors, firstError } = await pool(o.n, o.concurrency, fn);
      if (errors) throw firstError;
      const c1 = storeCpuMs();
      cpuPerOp[cpuKey] = c0 == null || c1 == null ? null : round((c1 - c0) / o.n, 2);
      if (process.env.BENCH_DEBUG) console.error('[bench] op step', Math.round(now() - t0), 'ms');
      return round((o.n / (now() - t0)) * 1000, 1)!;
    };
    const out: Record<string, number> = {};
    cpuKey = 'insertOne';
    out.insertOne = await rate((i) => messages.insertOne(docs[i]!));
    cpuKey = 'findById';
    out.findById = await rate((i) => messages.findOne({ _id: docs[i]!._id }));
    cpuKey = 'updateOneById';
    out.updateOneById = await rate((i) => conversations.updateOne({ _id: conv[i % o.visitors]!._id }, { $max: { lastActivityAt: new Date() } }));
    cpuKey = 'findOneAndUpdateById';
    out.findOneAndUpdateById = await rate((i) =>
      conversations.findOneAndUpdate({ _id: conv[i % o.visitors]!._id }, { $set: { lastMessagePreview: `p${i}` } }, { returnDocument: 'after' }));
    // A filter on another field scans the collection on FerretDB/SQLite (fewer ops: it is slow).
    const scanN = Math.min(o.n, 100);
    const ts = now();
    await pool(scanN, o.concurrency, (i) => messages.findOne({ dedupeKey: docs[i]!.dedupeKey }));
    out.findByNonIdField = round((scanN / (now() - ts)) * 1000, 1)!;
    // Batched: documents/s when a worker writes 50 messages (and their conversations) per round trip. One batch at a
    // time: concurrent insertMany calls into this collection stalled FerretDB 1.24/SQLite for minutes here.
    const batch = 50;
    const batches = Math.ceil(o.n / batch);
    const more = docs.map((d) => ({ ...d, _id: new Types.ObjectId(), dedupeKey: `${d.dedupeKey}:b` }));
    const t0 = now();
    await pool(batches, 1, (b) => messages.insertMany(more.slice(b * batch, (b + 1) * batch), { ordered: false }));
    out.insertManyDocsPerSec50 = round((o.n / (now() - t0)) * 1000, 1)!;
    // No bulkWrite figure: a multi-statement update deadlocks FerretDB 1.24 near 50 statements (docs/architecture.md).
    return { rates: out, storeCpuMsPerOp: cpuPerOp };
  });
}
