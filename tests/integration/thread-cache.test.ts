// The thread cache (src/store/thread-cache.ts): a thread page read from Redis must show every write of the store.
import { Types } from 'mongoose';
import { setStatus } from '../../src/services/conversations/conversations';
import { customerThread } from '../../src/services/conversations/inbox';
import { ingest } from '../../src/services/ingest/ingest';
import { threadCache } from '../../src/store';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { webchatMessage } from '../helpers/messages';

const config = testConfig('threadcache');
let hub: Awaited<ReturnType<typeof startTestHub>>;

beforeAll(async () => {
  hub = await startTestHub(config, 'all');
});
afterAll(async () => {
  await hub.stop();
});

const uid = () => new Types.ObjectId().toString();
const texts = async (customerId: string) => (await customerThread(hub.deps.models, customerId, { limit: 50 })).items.map((x) => `${x.text}|${x.delivery.status}`);
const cachedBuckets = async () => (await hub.deps.redis.keys(`${config.QUEUE_PREFIX}:thread:*`)).length;

test('a cached thread shows messages, notes and delivery changes written after it was cached', async () => {
  const m = hub.deps.models;
  const address = `cache-${uid()}`;
  const first = await ingest(m, null, webchatMessage(uid(), address, 'bir'));
  const before = await cachedBuckets();
  expect(await texts(first.customerId)).toEqual(['bir|received']);
  expect(await cachedBuckets()).toBeGreaterThan(before); // the read filled the cache

  await ingest(m, null, webchatMessage(uid(), address, 'iki'));
  const conversation = (await m.conversations.byId(first.conversationId))!;
  const reply = await m.messages.insert({
    conversationId: conversation._id, customerId: conversation.customerId, direction: 'out', kind: 'message', channel: 'webchat',
    author: { type: 'agent', name: 'Selin' }, text: 'üç', dedupeKey: `out:${uid()}`, delivery: { status: 'queued', at: new Date() },
  });
  expect(await texts(first.customerId)).toEqual(['bir|received', 'iki|received', 'üç|queued']);
  await m.messages.markSent(reply._id, `wamid.${uid()}`);
  expect(await texts(first.customerId)).toEqual(['bir|received', 'iki|received', 'üç|sent']);
  await setStatus(m, conversation._id, 'resolved');
  await ingest(m, null, webchatMessage(uid(), address, 'dört'));
  // The customer's message reopened the conversation: the thread also has the event saying so (written in the same
  // millisecond or the next, so their order is not asserted here).
  expect((await texts(first.customerId)).slice(-2).sort()).toEqual(['Reopened by a customer message (was resolved)|sent', 'dört|received']);
});

test('a write during a fill is never lost: the racing fill is not kept', async () => {
  const cache = threadCache(hub.deps.redis, `${config.QUEUE_PREFIX}:race`);
  const bucket = `${uid()}:2900`;
  const a = { _id: new Types.ObjectId(), tb: bucket, text: 'a' };
  const b = { _id: new Types.ObjectId(), tb: bucket, text: 'b' };
  // The store read sees only `a`; `b` is written (and announced to the cache) before the fill lands.
  const [filled] = await cache.buckets([bucket], async () => {
    await cache.added([b]);
    return [a];
  });
  expect(filled!.map((d) => d.text)).toEqual(['a']);
  let loads = 0;
  const [again] = await cache.buckets([bucket], async () => {
    loads++;
    return [a, b];
  });
  expect(loads).toBe(1); // the stale fill was refused, so the store is read again
  expect(again!.map((d) => d.text).sort()).toEqual(['a', 'b']);
  const [third] = await cache.buckets([bucket], async (): Promise<(typeof a)[]> => {
    loads++;
    return [];
  });
  expect(loads).toBe(1); // now cached, ObjectIds intact
  expect(third!.map((d) => [d.text, d._id instanceof Types.ObjectId]).sort()).toEqual([['a', true], ['b', true]]);
});
