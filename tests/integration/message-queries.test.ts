import { Types } from 'mongoose';
import type { Channel } from '../../src/domain/channels';
import { connectStore, ensureIndexes, models, type Db } from '../../src/store';
import { testConfig } from '../helpers/env';

// The message and quarantine queries that read by week bucket or by sequence place instead of sorting in the store.
const config = testConfig('msgqueries');
let db: Db;
let m: ReturnType<typeof models>;

beforeAll(async () => {
  db = await connectStore(config.MONGODB_URI, { embeddedPostgresqlUrl: config.FERRETDB_POSTGRESQL_URL });
  await ensureIndexes(db);
  m = models(db);
});
afterAll(async () => {
  await db.dropDatabase().catch(() => {});
  await db.close();
});

const HOUR = 3600 * 1000;
const WEEK = 7 * 24 * HOUR;
let n = 0;
/** Stores one message of `customerId` at `createdAt`. */
const message = (customerId: Types.ObjectId, conversationId: Types.ObjectId, direction: 'in' | 'out', channel: Channel, createdAt: Date, kind: 'message' | 'note' = 'message') =>
  m.messages.insert({
    conversationId, customerId, direction, kind, channel, author: { type: direction === 'in' ? 'customer' : 'agent' }, text: `m${++n}`,
    dedupeKey: `queries-test:${n}`, delivery: { status: direction === 'in' ? 'received' : 'sent', at: createdAt }, createdAt,
  });

test('quarantine records take consecutive places, other processes writing at once included; the list is newest first', async () => {
  expect(await m.quarantine.newest(50)).toEqual([]);
  const other = await connectStore(config.MONGODB_URI); // another process: its own connection, its own view of the places
  try {
    const record = (i: number) => ({ channel: 'email', source: 'smtp', reason: `r${i}`, size: i, excerpt: '' });
    await Promise.all(Array.from({ length: 24 }, (_, i) => (i % 3 ? m : models(other)).quarantine.add(record(i))));
    const all = await m.quarantine.newest(200);
    expect(all.map((d) => d.seq)).toEqual(Array.from({ length: 24 }, (_, i) => 24 - i));
    expect(new Set(all.map((d) => d.reason)).size).toBe(24);
    await models(other).quarantine.add(record(99));
    expect((await m.quarantine.newest(3)).map((d) => [d.seq, d.reason])).toEqual([[25, 'r99'], [24, all[0]!.reason], [23, all[1]!.reason]]);
  } finally {
    await other.close();
  }
});

test('the last inbound message on a channel within a time: older ones, other channels and our own are left out', async () => {
  const customer = new Types.ObjectId();
  const conversation = new Types.ObjectId();
  const now = Date.now();
  await message(customer, conversation, 'in', 'whatsapp', new Date(now - 30 * HOUR));
  const recent = await message(customer, conversation, 'in', 'whatsapp', new Date(now - 2 * HOUR));
  await message(customer, conversation, 'in', 'sms', new Date(now - HOUR));
  await message(customer, conversation, 'out', 'whatsapp', new Date(now - HOUR / 2));
  await message(new Types.ObjectId(), conversation, 'in', 'whatsapp', new Date(now - HOUR / 4));
  expect(String((await m.messages.lastInboundAfter(customer, 'whatsapp', new Date(now - 24 * HOUR)))?._id)).toBe(String(recent._id));
  expect(await m.messages.lastInboundAfter(customer, 'whatsapp', new Date(now - HOUR))).toBeNull();
  expect(await m.messages.lastInboundAfter(customer, 'whatsapp', recent.createdAt)).toBeNull(); // strictly after
});

test("a conversation's last inbound email, weeks before its last inbound message, by buckets and by conversation", async () => {
  const customer = new Types.ObjectId();
  const conversation = new Types.ObjectId();
  const now = Date.now();
  const openedAt = new Date(now - 10 * WEEK);
  await message(customer, conversation, 'in', 'email', openedAt);
  const lastMail = await message(customer, conversation, 'in', 'email', new Date(now - 9 * WEEK));
  await message(customer, new Types.ObjectId(), 'in', 'email', new Date(now - 8 * WEEK)); // another conversation
  await message(customer, conversation, 'out', 'email', new Date(now - 7 * WEEK));
  const last = await message(customer, conversation, 'in', 'whatsapp', new Date(now - WEEK));
  const span = { _id: conversation, customerId: customer, openedAt, lastInboundAt: last.createdAt };
  for (const bucketed of [true, false]) expect(String((await m.messages.lastInboundIn(span, 'email', bucketed))?._id)).toBe(String(lastMail._id));
  expect(await m.messages.lastInboundIn(span, 'sms', true)).toBeNull();
});

test('a thread page of one channel only, strictly before a time', async () => {
  const customer = new Types.ObjectId();
  const conversation = new Types.ObjectId();
  const now = Date.now();
  const texts = [];
  for (let i = 6; i >= 1; i--) texts.push((await message(customer, conversation, i % 2 ? 'in' : 'out', 'webchat', new Date(now - i * WEEK))).text);
  await message(customer, conversation, 'in', 'email', new Date(now - 2 * WEEK - HOUR));
  await message(customer, conversation, 'out', 'webchat', new Date(now - 2 * WEEK - 2 * HOUR), 'note');
  const before = { at: new Date(now - 2 * WEEK) };
  const page = await m.messages.threadPage(customer, { limit: 3, before, weeks: await m.messages.threadWeeks(customer), only: { kind: 'message', channel: 'webchat' } });
  expect(page.map((d) => d.text)).toEqual([texts[3], texts[2], texts[1], texts[0]]); // limit + 1: there is more
});
