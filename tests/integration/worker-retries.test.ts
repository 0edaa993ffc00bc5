import { Queue, QueueEvents, Worker } from 'bullmq';
import { KanalError } from '../../src/domain/errors';
import { redisConnection } from '../../src/queues';
import { steeringRetries } from '../../workers/retries';
import { testConfig } from '../helpers/env';
import { deleteKeys } from '../helpers/sockets';

// Real BullMQ on the test Redis: a failure's `retryable` decides between another attempt and failing at once.
const config = testConfig('worker-retries');
const redis = redisConnection(config.REDIS_URL);
const name = 'retries';
const queue = new Queue(name, { connection: redis, prefix: config.QUEUE_PREFIX });
const eventsRedis = redisConnection(config.REDIS_URL);
const events = new QueueEvents(name, { connection: eventsRedis, prefix: config.QUEUE_PREFIX });
const runs = new Map<string, number>();
let worker: Worker;

beforeAll(async () => {
  await events.waitUntilReady();
  worker = new Worker(name, steeringRetries(async (job) => {
    runs.set(job.id!, (runs.get(job.id!) ?? 0) + 1);
    const kind = job.data.kind as string;
    if (kind === 'bad-input') throw new KanalError('invalid_input', 'cannot ever work');
    if (kind === 'outage') throw new KanalError('unavailable', 'store away');
    throw new Error('ECONNRESET'); // not ours: treated as transient
  }), { connection: redis, prefix: config.QUEUE_PREFIX });
});

afterAll(async () => {
  await worker.close();
  await queue.close();
  await events.close();
  await deleteKeys(redis, config.QUEUE_PREFIX);
  await Promise.all([redis.quit(), eventsRedis.quit()]);
});

/** Adds a job with three attempts and waits until it failed for good (no retry left, or unrecoverable). */
async function failedForGood(kind: string) {
  const job = await queue.add(kind, { kind }, { attempts: 3, backoff: { type: 'fixed', delay: 10 } });
  await job.waitUntilFinished(events, 10_000).then(() => { throw new Error('the job succeeded'); }, () => undefined);
  const done = (await queue.getJob(job.id!))!;
  return { runs: runs.get(job.id!), attemptsMade: done.attemptsMade, reason: done.failedReason };
}

test('a non-retryable error fails its job at once; retryable and foreign errors use every attempt', async () => {
  expect(await failedForGood('bad-input')).toEqual({ runs: 1, attemptsMade: 1, reason: 'cannot ever work' });
  expect(await failedForGood('outage')).toMatchObject({ runs: 3, attemptsMade: 3, reason: 'store away' });
  expect(await failedForGood('foreign')).toMatchObject({ runs: 3, attemptsMade: 3, reason: 'ECONNRESET' });
});
