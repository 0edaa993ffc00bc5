import type { InboundMessage } from '../../src/domain/messages';
import { ingest, ingestBatchSettled } from '../../src/services/ingest/ingest';
import { mergeCustomers, renameCustomer, undoMerge } from '../../src/services/identity/merge';
import { conversationEffects } from '../../src/services/conversations/lifecycle';
import { createNote, createReply, recordEvent } from '../../src/services/conversations/replies';
import { indexMessages, rebuildSearchIndex, termStats, wireSearch } from '../../src/services/search/search-index';
import { bucketKey, monthOf } from '../../src/store/search-postings';
import { signedInAgent } from '../helpers/agent-api';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { webchatMessage } from '../helpers/messages';
import { collectionsOf } from '../../src/store/collections';

// Search over the term index on the real store and Redis: messages and customers are written through the
// production paths (ingest, the batch path, replies, notes, merges, renames), then found through the HTTP API.
let hub: Awaited<ReturnType<typeof startTestHub>>;
let api: Awaited<ReturnType<typeof signedInAgent>>['api'];
const agent = { id: 'a1', name: 'Su' };
const find = (q: string, extra = '') => api('GET', `/search?q=${encodeURIComponent(q)}${extra}`);
const texts = async (q: string) => ((await find(q)).body.messages as { text: string }[]).map((m) => m.text).sort();
const names = async (q: string) => ((await find(q)).body.customers as { name?: string }[]).map((c) => c.name).sort();
const chat = (id: string, visitor: string, name: string, text: string): InboundMessage => ({ ...webchatMessage(id, visitor, text), from: { address: visitor, name } });
const monthsAgo = (n: number, day = 10) => {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - n, day, 12));
};

beforeAll(async () => {
  hub = await startTestHub(testConfig('search'), 'hub');
  ({ api } = await signedInAgent(hub, 'su@kanal.test', 'Su'));
  const m = hub.deps.models;
  await ingest(m, null, chat('s1', 'v-irmak', 'IRMAK Işıkçı', 'İADE istiyorum, ürün kırık geldi'));
  await ingest(m, null, chat('s2', 'v-ilker', 'İlker Şahin', 'Kargom nerede? İSTANBUL şubesinden çıktı'));
  await ingest(m, null, { channel: 'sms', dedupeKey: 'sms:s4', from: { address: '+905551112233' }, text: 'SMS', attachments: [], sentAt: new Date().toISOString(),
    linkedIdentities: [{ channel: 'email', address: 'sms.kisi@example.com' }] });
  await ingest(m, null, { channel: 'email', dedupeKey: 'email:s3', from: { address: 'Zehra.Oz@Example.com', name: 'Zehra Öz' }, text: 'Fatura iade edilsin', attachments: [], sentAt: new Date().toISOString() });
  await ingest(m, null, chat('s5', 'v-sule', 'Şule Çelik', 'Sipariş numaram 10482, ıstanbul adresime gelmedi'));
  await ingest(m, null, chat('s6', 'v-sule', 'Şule Çelik', '10482 numaralı SIPARIS hâlâ yok'));
  await ingest(m, null, chat('s7', 'v-sule', 'Şule Çelik', 'siparis verdim, numara 10483'));
  await ingest(m, null, chat('s8', 'v-regex', 'Regex Deneme', 'dosya adı (a+)+ deneme.*'));
});
afterAll(async () => {
  await hub.stop();
});

test('messages by all their words, in any order, Turkish casing and accents folded both ways', async () => {
  const both = ['10482 numaralı SIPARIS hâlâ yok', 'Sipariş numaram 10482, ıstanbul adresime gelmedi'];
  expect(await texts('sipariş 10482')).toEqual(both);
  expect(await texts('10482 SIPARIS')).toEqual(both);
  expect(await texts('siparis')).toEqual([...both, 'siparis verdim, numara 10483'].sort());
  expect(await texts('SİPARİŞ 10483')).toEqual(['siparis verdim, numara 10483']);
  for (const q of ['İSTANBUL', 'istanbul', 'ıstanbul', 'ISTANBUL']) {
    expect(await texts(q)).toEqual(['Kargom nerede? İSTANBUL şubesinden çıktı', 'Sipariş numaram 10482, ıstanbul adresime gelmedi']);
  }
  expect(await texts('hala yok')).toEqual(['10482 numaralı SIPARIS hâlâ yok']);
  expect(await texts('iade')).toEqual(['Fatura iade edilsin', 'İADE istiyorum, ürün kırık geldi']);
  expect((await find('iade')).body.messages.find((x: { text: string }) => x.text.startsWith('İADE')).customerName).toBe('IRMAK Işıkçı');
  expect(await texts('sipariş 99999')).toEqual([]); // every word must match
  expect(await texts('numaram 10483')).toEqual([]); // both words occur, never in the same message
  expect(await texts('istanbul iade')).toEqual([]);
  expect((await find('yok böyle')).body).toEqual({ customers: [], messages: [], next: null });
  expect((await find('a')).status).toBe(400);
});

test('customers by name (prefix, Turkish-aware), email (whole, local part, linked address) and phone in both forms', async () => {
  expect(await names('ırmak')).toEqual(['IRMAK Işıkçı']);
  expect(await names('ışık')).toEqual(['IRMAK Işıkçı']);
  expect(await names('ilk')).toEqual(['İlker Şahin']);
  expect(await names('İLKER şah')).toEqual(['İlker Şahin']);
  expect(await names('sule')).toEqual(['Şule Çelik']);
  expect(await names('ŞULE')).toEqual(['Şule Çelik']);
  expect(await names('zehra.oz@example.com')).toEqual(['Zehra Öz']);
  expect(await names('zehra.oz@')).toEqual(['Zehra Öz']);
  expect(await names('ZEHRA.OZ@EXAM')).toEqual(['Zehra Öz']);
  // Phone: E.164 digits and the national number, and their beginnings; further addresses through identities.
  for (const q of ['+905551112233', '905551112233', '5551112233', '0555 111 22 33', '+90555111', '0555 111']) {
    expect((await find(q)).body.customers).toHaveLength(1);
  }
  expect((await find('sms.kisi')).body.customers).toHaveLength(1);
  expect((await find('sms.kisi@example.com')).body.customers).toHaveLength(1);
  expect(await names('yok böyle')).toEqual([]);
});

test('regex characters in a query are plain text: nothing is matched by pattern', async () => {
  for (const q of ['.*', '(a+)+', '^.*$', '[a-z]+']) {
    const res = await find(q);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ customers: [], messages: [], next: null });
  }
  expect(await texts('(a+)+ deneme.*')).toEqual(['dosya adı (a+)+ deneme.*']); // the words, not a pattern
});

test.each([
  ['read whole (a rare leading word)', 500],
  ['walked month by month (a common leading word)', 0],
])('newest first across months, paginated by cursor without duplicates or gaps: %s', async (_, rareLead) => {
  const m = hub.deps.models;
  const { redis, config } = hub.deps;
  wireSearch(m, { redis, prefix: config.QUEUE_PREFIX, rareLead });
  try {
    // 12 messages over three months through the batch path (which takes the receive times), newest ingested first.
    const word = `kampanya${rareLead}`;
    const times = Array.from({ length: 12 }, (_, n) => (n < 4 ? monthsAgo(0, 1 + n) : n < 8 ? monthsAgo(1, n) : monthsAgo(3, n)));
    const msgs = times.map((_, n) => chat(`p${rareLead}-${n}`, `v-page${rareLead}-${n % 3}`, `Sayfa ${n % 3}`, `${word} kuponu ${n}`));
    const results = await ingestBatchSettled(m, null, msgs, times);
    expect(results.every((r) => !(r instanceof Error))).toBe(true);

    const seen: string[] = [];
    const atOf: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await find(`KUPONU ${word}`, `&limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      if (cursor) expect(res.body.customers).toEqual([]);
      for (const x of res.body.messages) {
        seen.push(x.text);
        atOf.push(new Date(x.createdAt).getTime());
      }
      cursor = res.body.next;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(12);
    expect(seen.sort()).toEqual(msgs.map((x) => x.text).sort());
    expect(atOf).toEqual([...atOf].sort((a, b) => b - a));
    expect(atOf[0]).toBe(Math.max(...times.map((t) => t.getTime())));
    expect((await find(word, '&cursor=bm90LWEtY3Vyc29y')).status).toBe(400);
  } finally {
    wireSearch(m, { redis, prefix: config.QUEUE_PREFIX });
  }
});

test('a month dense with the leading word is walked day by day, still newest first and paginated', async () => {
  const m = hub.deps.models;
  const { redis, config } = hub.deps;
  wireSearch(m, { redis, prefix: config.QUEUE_PREFIX, denseMonth: 3, rareLead: 0 }); // more than 3 postings in a month: by day
  try {
    // 10 messages on 6 days of last month (two per day on some), and 2 this month (not dense: one bucket read).
    const days = [2, 5, 5, 9, 14, 14, 20, 27, 27, 28];
    const times = [...days.map((d, n) => new Date(monthsAgo(1, d).getTime() + n * 60_000)), monthsAgo(0, 1), new Date(monthsAgo(0, 1).getTime() + 1000)];
    const msgs = times.map((_, n) => chat(`d${n}`, `v-dense${n % 2}`, `Yoğun ${n % 2}`, `yoğunluk testi ${n}`));
    const results = await ingestBatchSettled(m, null, msgs, times);
    expect(results.every((r) => !(r instanceof Error))).toBe(true);
    const posting = await collectionsOf(m).SearchPosting.findOne({ k: bucketKey('m', 'yogunluk', monthOf(times[0]!)) }).lean();
    expect(posting?.d).toMatch(/^m\|yogunluk\|\d{4}-\d{2}-\d{2}$/);

    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await find('YOĞUNLUK', `&limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      for (const x of res.body.messages) seen.push(new Date(x.createdAt).getTime());
      cursor = res.body.next;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual(times.map((t) => t.getTime()).sort((a, b) => b - a));
  } finally {
    wireSearch(m, { redis, prefix: config.QUEUE_PREFIX });
  }
});

test('agent replies and notes are indexed; events are not', async () => {
  const m = hub.deps.models;
  const r = await ingest(m, null, chat('r1', 'v-reply', 'Yanıt Bekleyen', 'merhaba'));
  await createReply(m, null, { conversationId: r.conversationId, agent, text: 'Faturanızı yeniden gönderdik' });
  await createNote(m, null, { conversationId: r.conversationId, agent, text: 'Muhasebe ekibine sorduk' });
  const conversation = (await m.conversations.byId(r.conversationId))!;
  const event = await recordEvent(m, conversation, { type: 'queued', team: 'Olaykaydı Ekibi', position: 1, policy: 'manual' });
  await indexMessages(m, [event]); // even if asked to, an event is not searchable
  expect(await texts('faturanizi gonderdik')).toEqual(['Faturanızı yeniden gönderdik']);
  expect(await texts('MUHASEBE')).toEqual(['Muhasebe ekibine sorduk']);
  expect(await texts('olaykaydi')).toEqual([]);
  expect(await collectionsOf(m).SearchPosting.countDocuments({ k: bucketKey('m', 'olaykaydi', monthOf(new Date())) })).toBe(0);
});

test('a retried ingest (single and batch) adds no postings and counts nothing twice', async () => {
  const m = hub.deps.models;
  const msg = chat('dup1', 'v-dup', 'Tekrar Deneme', 'yinelenen benzersizkelime mesaj');
  const key = bucketKey('m', 'benzersizkelime', monthOf(new Date()));
  await ingest(m, null, msg);
  expect(await collectionsOf(m).SearchPosting.countDocuments({ k: key })).toBe(1);
  const again = await ingest(m, null, msg);
  expect(again.duplicate).toBe(true);
  const batch = await ingestBatchSettled(m, null, [msg, msg]);
  expect(batch.every((x) => !(x instanceof Error) && x.duplicate)).toBe(true);
  expect(await indexMessages(m, [(await collectionsOf(m).Message.findById(again.messageId).lean())!])).toBe(0);
  expect(await collectionsOf(m).SearchPosting.countDocuments({ k: key })).toBe(1);
  expect((await termStats(m, 'm', ['benzersizkelime']))!.get('benzersizkelime')!.get(monthOf(new Date()))).toBe(1);
  expect(await texts('benzersizkelime')).toEqual(['yinelenen benzersizkelime mesaj']);
});

test('a merged customer is not returned; the target is found by the source\'s addresses until the merge is undone', async () => {
  const m = hub.deps.models;
  const a = await ingest(m, null, chat('mg1', 'v-merge-a', 'Birleşen Müşteri', 'ilk hesap'));
  const b = await ingest(m, null, { channel: 'email', dedupeKey: 'email:mg2', from: { address: 'birlesen.ikinci@example.com', name: 'Birleşen Müşteri' }, text: 'ikinci hesap', attachments: [], sentAt: new Date().toISOString() });
  expect((await find('birleşen')).body.customers).toHaveLength(2);
  const merged = await mergeCustomers(conversationEffects(hub.deps), agent, a.customerId, b.customerId, async () => {});
  expect((await find('birleşen')).body.customers.map((c: { id: string }) => c.id)).toEqual([a.customerId]);
  expect((await find('birlesen.ikinci@example.com')).body.customers.map((c: { id: string }) => c.id)).toEqual([a.customerId]);
  // Undone: each is found by its own addresses again, the target no longer by the source's.
  await undoMerge(conversationEffects(hub.deps), agent, merged.auditId, async () => {});
  expect((await find('birlesen.ikinci@example.com')).body.customers.map((c: { id: string }) => c.id)).toEqual([b.customerId]);
  expect((await find('birleşen')).body.customers).toHaveLength(2);
});

test('a renamed customer is found by the new name, no longer by the old one', async () => {
  const m = hub.deps.models;
  const r = await ingest(m, null, chat('rn1', 'v-rename', 'Eskiad Soyad', 'selam'));
  expect(await names('eskiad')).toEqual(['Eskiad Soyad']);
  await renameCustomer(m, agent, r.customerId, 'Yeniad Soyad');
  expect(await names('eskiad')).toEqual([]);
  expect(await names('yeniad')).toEqual(['Yeniad Soyad']);
  expect(await names('soyad')).toEqual(['Yeniad Soyad']);
});

test('rebuildSearchIndex restores postings and counts for data indexed before (or lost)', async () => {
  const m = hub.deps.models;
  await collectionsOf(m).SearchPosting.deleteMany({});
  const { redis, config } = hub.deps;
  for (const k of await redis.keys(`${config.QUEUE_PREFIX}:search:df:*`)) await redis.del(k);
  expect(await texts('sipariş 10482')).toEqual([]);
  const done = await rebuildSearchIndex(m, { batchSize: 7, resetCounts: true });
  expect(done.messages).toBeGreaterThan(20);
  expect(done.customers).toBeGreaterThan(8);
  expect(await texts('sipariş 10482')).toHaveLength(2);
  expect(await names('ilk')).toEqual(['İlker Şahin']);
  expect((await find('+90555111')).body.customers).toHaveLength(1);
  // Again: idempotent, no posting twice.
  const before = await collectionsOf(m).SearchPosting.countDocuments({});
  await rebuildSearchIndex(m, { batchSize: 50 });
  expect(await collectionsOf(m).SearchPosting.countDocuments({})).toBe(before);
});
