// The inbound write rules, one table, run against both entry points: ingest() (one message) and
// ingestBatchSettled() (the worker's batches, with its sender cache). Both must give the same outcome.
import { Types } from 'mongoose';
import type { InboundMessage } from '../../src/domain/messages';
import { setStatus } from '../../src/services/conversations/conversations';
import { customerThread } from '../../src/services/conversations/inbox';
import type { EventPublisher } from '../../src/services/events';
import { ingest, ingestBatchSettled, SenderCache, type IngestResult } from '../../src/services/ingest/ingest';
import type { Models } from '../../src/store';
import { messageModel } from '../../src/store/messages';
import { identityModel } from '../../src/store/identities';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { emailMessage, webchatMessage } from '../helpers/messages';

const config = testConfig('ingestscen');
let hub: Awaited<ReturnType<typeof startTestHub>>;

beforeAll(async () => {
  hub = await startTestHub(config, 'all');
});
afterAll(async () => {
  await hub.stop();
});

type Entry = (m: Models, events: EventPublisher | null, msgs: InboundMessage[]) => Promise<IngestResult[]>;
const settled = (rs: (IngestResult | Error)[]) => rs.map((r) => { if (r instanceof Error) throw r; return r; });
const cache = new SenderCache();
const entries: [string, Entry][] = [
  ['ingest()', (m, events, msgs) => Promise.all(msgs.map((x) => ingest(m, events, x)))],
  ['ingestBatchSettled()', async (m, events, msgs) => settled(await ingestBatchSettled(m, events, msgs, undefined, cache))],
];

function recorder() {
  const messages: string[] = [];
  const conversations: { id: string; created: boolean }[] = [];
  const events = {
    conversation: (view: { id: string }, created = false) => conversations.push({ id: view.id, created }),
    message: (view: { id: string }) => messages.push(view.id),
    toVisitor: () => {}, // a web chat visitor's "delivered" (tests/integration/widget-events.test.ts covers it)
  } as unknown as EventPublisher;
  return { events, messages, conversations };
}

const uid = () => new Types.ObjectId().toString();
const storedCopies = (dedupeKey: string) => messageModel(hub.deps.db).countDocuments({ dedupeKey });
/** A conversation resolved `daysAgo` days ago (past the reopen window when more than four). */
async function resolveDaysAgo(conversationId: string, daysAgo: number) {
  const m = hub.deps.models;
  await setStatus(m, new Types.ObjectId(conversationId), 'resolved');
  await m.conversations.updateById(new Types.ObjectId(conversationId), { $set: { resolvedAt: new Date(Date.now() - daysAgo * 24 * 3600 * 1000) } });
}

describe.each(entries)('%s', (_name, run) => {
  const one = async (msg: InboundMessage, events: EventPublisher | null = null) => (await run(hub.deps.models, events, [msg]))[0]!;

  test('first contact: one customer, one identity, one open conversation, the message stored and announced', async () => {
    const address = `first-${uid()}`;
    const rec = recorder();
    const r = await one(webchatMessage(uid(), address, 'İlk mesajım'), rec.events);
    expect(r.duplicate).toBe(false);
    expect(r.opened).toBe(true);
    const conv = await hub.deps.models.conversations.byId(r.conversationId);
    expect(conv).toMatchObject({ status: 'open', openKey: r.customerId, lastMessagePreview: 'İlk mesajım' });
    expect((await hub.deps.models.messages.byId(r.messageId))?.text).toBe('İlk mesajım');
    expect(await identityModel(hub.deps.db).countDocuments({ kind: 'webchat', address })).toBe(1);
    expect(rec.conversations).toEqual([{ id: r.conversationId, created: true }]);
    expect(rec.messages).toEqual([r.messageId]);
    expect((await customerThread(hub.deps.models, r.customerId, { limit: 10 })).items.map((x) => x.text)).toEqual(['İlk mesajım']);
  });

  test('known sender: the same customer and open conversation, timestamps move forward', async () => {
    const address = `known-${uid()}`;
    const a = await one(webchatMessage(uid(), address, 'birinci'));
    const before = await hub.deps.models.conversations.byId(a.conversationId);
    const b = await one(webchatMessage(uid(), address, 'ikinci'));
    expect([b.customerId, b.conversationId, b.duplicate, b.opened]).toEqual([a.customerId, a.conversationId, false, undefined]);
    const after = await hub.deps.models.conversations.byId(a.conversationId);
    expect(after!.lastMessagePreview).toBe('ikinci');
    expect(after!.lastInboundAt!.getTime()).toBeGreaterThan(before!.lastInboundAt!.getTime());
  });

  test('several senders and repeats in one call: each message stored once, in its sender\'s conversation', async () => {
    const [x, y] = [`multi-x-${uid()}`, `multi-y-${uid()}`];
    const repeated = webchatMessage(uid(), x, 'tekrar');
    const rs = await run(hub.deps.models, null, [webchatMessage(uid(), x, 'x1'), webchatMessage(uid(), y, 'y1'), repeated, webchatMessage(uid(), y, 'y2')]);
    expect(rs[0]!.conversationId).toBe(rs[2]!.conversationId);
    expect(rs[1]!.conversationId).toBe(rs[3]!.conversationId);
    expect(rs[0]!.customerId).not.toBe(rs[1]!.customerId);
    const again = await one(repeated);
    expect(again).toMatchObject({ duplicate: true, messageId: rs[2]!.messageId });
    expect(await storedCopies(repeated.dedupeKey)).toBe(1);
  });

  test('resolved a moment ago, then a new message: the same conversation reopens', async () => {
    const address = `reopen-${uid()}`;
    const a = await one(webchatMessage(uid(), address, 'sorum var'));
    await setStatus(hub.deps.models, new Types.ObjectId(a.conversationId), 'resolved');
    const b = await one(webchatMessage(uid(), address, 'bir sorum daha var'));
    expect(b).toMatchObject({ conversationId: a.conversationId, opened: true });
    expect((await hub.deps.models.conversations.byId(a.conversationId))!.status).toBe('open');
  });

  test('resolved long ago, then a new message: a new conversation opens and the old one stays resolved', async () => {
    const address = `new-after-${uid()}`;
    const a = await one(webchatMessage(uid(), address, 'eski konu'));
    await resolveDaysAgo(a.conversationId, 30);
    const b = await one(webchatMessage(uid(), address, 'yeni konu'));
    expect(b.conversationId).not.toBe(a.conversationId);
    expect(b).toMatchObject({ customerId: a.customerId, opened: true });
    expect((await hub.deps.models.conversations.byId(a.conversationId))!.status).toBe('resolved');
    expect(String((await hub.deps.models.customers.byId(a.customerId))!.openConversationId)).toBe(b.conversationId);
  });

  test('snoozed: a customer message wakes the conversation up', async () => {
    const address = `snooze-${uid()}`;
    const a = await one(webchatMessage(uid(), address, 'bekliyorum'));
    await setStatus(hub.deps.models, new Types.ObjectId(a.conversationId), 'snoozed', new Date(Date.now() + 3600_000));
    const b = await one(webchatMessage(uid(), address, 'hâlâ bekliyorum'));
    expect(b.conversationId).toBe(a.conversationId);
    expect((await hub.deps.models.conversations.byId(a.conversationId))).toMatchObject({ status: 'open', snoozedUntil: null });
  });

  test('email naming a conversation by its reply token reopens it, however long ago it was resolved', async () => {
    const address = `token-${uid()}@mail.example`;
    const a = await one(emailMessage(uid(), address, 'ilk e-posta'));
    await resolveDaysAgo(a.conversationId, 60);
    const b = await one({ ...emailMessage(uid(), address, 'yanıtım'), conversationId: a.conversationId });
    expect(b).toMatchObject({ conversationId: a.conversationId, opened: true });
    expect((await hub.deps.models.conversations.byId(a.conversationId))!.status).toBe('open');
  });

  test('email naming an earlier mail by In-Reply-To joins that mail\'s conversation', async () => {
    const address = `reply-${uid()}@mail.example`;
    const first = emailMessage(uid(), address, 'ilk e-posta');
    const a = await one(first);
    await resolveDaysAgo(a.conversationId, 60);
    const b = await one({ ...emailMessage(uid(), address, 'cevap'), email: { inReplyTo: first.providerId! } });
    expect(b).toMatchObject({ conversationId: a.conversationId, opened: true });
  });

  test('an email naming another customer\'s conversation does not join it', async () => {
    const other = await one(emailMessage(uid(), `owner-${uid()}@mail.example`, 'başkasının konusu'));
    const intruder = await one({ ...emailMessage(uid(), `intruder-${uid()}@mail.example`, 'araya girmek'), conversationId: other.conversationId });
    expect(intruder.conversationId).not.toBe(other.conversationId);
    expect(intruder.customerId).not.toBe(other.customerId);
  });

  test('a redelivered message is a duplicate: same ids, stored once, announced once', async () => {
    const address = `dup-${uid()}`;
    const msg = webchatMessage(uid(), address, 'iki kez geldi');
    const rec = recorder();
    const a = await one(msg, rec.events);
    const b = await one(msg, rec.events);
    expect(b).toMatchObject({ duplicate: true, messageId: a.messageId, conversationId: a.conversationId, customerId: a.customerId });
    expect(await storedCopies(msg.dedupeKey)).toBe(1);
    expect(rec.messages).toEqual([a.messageId]);
  });

  test('U+0000 anywhere (text, subject, sender name and address, Message-ID) is stored as U+FFFD, not lost', async () => {
    const address = `nul-${uid()}\u0000@mail.example`;
    const msg = { ...emailMessage(`${uid()}\u0000`, address, 'sipariş\u0000 10482'), subject: 'Konu\u0000', from: { address, name: 'Ayşe\u0000 Yılmaz' } };
    const r = await one(msg);
    const stored = await hub.deps.models.messages.byId(r.messageId);
    expect([stored?.text, stored?.subject, stored?.providerId?.includes('\uFFFD')]).toEqual(['sipariş\uFFFD 10482', 'Konu\uFFFD', true]);
    expect((await hub.deps.models.customers.byId(r.customerId))?.name).toBe('Ayşe\uFFFD Yılmaz');
    expect((await hub.deps.models.conversations.byId(r.conversationId))?.lastMessagePreview).toBe('sipariş\uFFFD 10482');
    expect(await one(msg)).toMatchObject({ duplicate: true, messageId: r.messageId }); // and a redelivery finds it
  });

  test('identity race: concurrent first messages from one new address make one customer and one conversation', async () => {
    const address = `race-${uid()}`;
    const results = (await Promise.all(Array.from({ length: 12 }, (_, i) => one(webchatMessage(uid(), address, `yarış ${i}`)))));
    expect(new Set(results.map((r) => r.customerId)).size).toBe(1);
    expect(new Set(results.map((r) => r.conversationId)).size).toBe(1);
    expect(results.filter((r) => r.opened)).toHaveLength(1);
    expect(await identityModel(hub.deps.db).countDocuments({ kind: 'webchat', address })).toBe(1);
    expect(await messageModel(hub.deps.db).countDocuments({ conversationId: new Types.ObjectId(results[0]!.conversationId) })).toBe(12);
  });
});
