import type { ChildProcess } from 'node:child_process';
import { createQueues, enqueueInbound, redisConnection } from '../../src/queues';
import { connectStore, ensureIndexes, models } from '../../src/store';
import { testConfig } from '../helpers/env';
import { deleteKeys } from '../helpers/sockets';
import { spawnKanal, stopProcess, waitUntil } from '../helpers/process';
import { conversationModel } from '../../src/store/conversations';
import { collectionsOf } from '../../src/store/collections';

// A worker killed with SIGKILL mid-batch: its active jobs' locks expire, a new worker picks them up, and the
// unique keys make the re-run of a half-done job harmless.
const config = testConfig('crash', { WORKER_LOCK_MS: '1500', WORKER_CONCURRENCY: '8' });
const CUSTOMERS = 30;
const PER_CUSTOMER = 10;
const TOTAL = CUSTOMERS * PER_CUSTOMER;

const redis = redisConnection(config.REDIS_URL);
const queues = createQueues(redis, config.QUEUE_PREFIX);
let db: Awaited<ReturnType<typeof connectStore>>;
const children: ChildProcess[] = [];

beforeAll(async () => {
  db = await connectStore(config.MONGODB_URI, { embeddedPostgresqlUrl: config.FERRETDB_POSTGRESQL_URL });
  await ensureIndexes(db);
});
afterAll(async () => {
  await Promise.all(children.map((c) => stopProcess(c)));
  await deleteKeys(redis, config.QUEUE_PREFIX);
  await queues.close();
  await redis.quit();
  await db.dropDatabase();
  await db.close();
});

test('SIGKILL in the middle of a batch loses and duplicates nothing once a new worker runs', async () => {
  const m = models(db);
  for (let c = 0; c < CUSTOMERS; c++) {
    await Promise.all(
      Array.from({ length: PER_CUSTOMER }, (_, i) =>
        enqueueInbound(queues, {
          channel: 'webchat', dedupeKey: `webchat:crash-${c}-${i}`, providerId: `crash-${c}-${i}`,
          from: { address: `crash-visitor-${c}` }, text: `Mesaj ${i} — çğıöşü`, attachments: [], sentAt: new Date().toISOString(),
        }),
      ),
    );
  }
  const first = spawnKanal('worker', config);
  children.push(first);
  await waitUntil(async () => (await collectionsOf(m).Message.countDocuments()) >= TOTAL / 5, 60_000, 'the first worker to store some messages');
  first.kill('SIGKILL');
  await new Promise((r) => first.once('exit', r));
  const storedAtKill = await collectionsOf(m).Message.countDocuments();
  expect(storedAtKill).toBeLessThan(TOTAL); // it really died mid-batch

  const second = spawnKanal('worker', config);
  children.push(second);
  await waitUntil(async () => (await collectionsOf(m).Message.countDocuments()) === TOTAL && (await queues.inbound.getActiveCount()) === 0 && (await queues.inbound.getWaitingCount()) === 0, 90_000, 'all messages to be stored');

  const keys = (await collectionsOf(m).Message.find({}, { dedupeKey: 1 }).lean()).map((d) => d.dedupeKey);
  expect(new Set(keys).size).toBe(TOTAL);
  expect(await collectionsOf(m).Identity.countDocuments()).toBe(CUSTOMERS);
  expect(await collectionsOf(m).Customer.countDocuments()).toBe(CUSTOMERS);
  expect(await conversationModel(db).countDocuments()).toBe(CUSTOMERS);
  // Every conversation knows its latest inbound message (the post-insert step also completed after the crash).
  const withoutTimestamps = await conversationModel(db).countDocuments({ lastInboundAt: null });
  expect(withoutTimestamps).toBe(0);
  expect(await queues.inbound.getFailedCount()).toBe(0);
}, 180_000);
