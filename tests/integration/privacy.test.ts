import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32, inflateRawSync } from 'node:zlib';
import { QueueEvents } from 'bullmq';
import { Types } from 'mongoose';
import type { InboundMessage } from '../../src/domain/messages';
import type { ReportSummary } from '../../src/domain/reports';
import { enqueueInbound, QueueNames } from '../../src/queues';
import { flushMetrics } from '../../src/services/metrics/metrics-buckets';
import { dayOf } from '../../src/store';
import { collectionsOf } from '../../src/store/collections';
import { signedInAgent } from '../helpers/agent-api';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { waitFor } from '../helpers/process';
import { finished } from '../helpers/queues';

// GDPR requests end to end on a real hub (FerretDB store, GridFS attachments, Redis, BullMQ workers): a customer's
// export archive, its erasure (store and Redis hold none of its personal data afterwards, reports still count), and
// the retention job.
let hub: Awaited<ReturnType<typeof startTestHub>>;
let admin: Awaited<ReturnType<typeof signedInAgent>>;
let agent: Awaited<ReturnType<typeof signedInAgent>>;
const PHONE = '+905321112233';
const NAME = 'Zeynep Kaya';
const ORDER = '48213';
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(900, 7)]);

beforeAll(async () => {
  hub = await startTestHub(testConfig('privacy'));
  admin = await signedInAgent(hub, 'dpo@kanal.test', 'Deniz Admin', 'admin');
  agent = await signedInAgent(hub, 'ali@kanal.test', 'Ali Ajan', 'agent');
});
afterAll(() => hub.stop());

const storeFile = async (name: string) =>
  (await hub.deps.blobs.put(png, { name, typeOf: () => 'image/png', maxBytes: 1_000_000 })).key;
const sms = (id: string, text: string, attachments: InboundMessage['attachments'] = []): InboundMessage => ({
  channel: 'sms', dedupeKey: `sms:${id}`, providerId: id, from: { address: PHONE }, text, attachments, sentAt: new Date().toISOString(),
});
/** Through the inbound queue and worker, as a provider's webhook would: resolves with the stored message. */
async function receive(msg: InboundMessage) {
  await enqueueInbound(hub.deps.queues, msg);
  return waitFor(() => hub.deps.models.messages.byDedupeKey(msg.dedupeKey), 15_000, `message ${msg.dedupeKey} to be stored`);
}
const files = () => hub.deps.db.collection('attachments.files').countDocuments();

/** The entries of a ZIP, read from its central directory (each checked against its CRC). */
function unzip(buf: Buffer): Map<string, Buffer> {
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(end).toBeGreaterThan(0);
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  const out = new Map<string, Buffer>();
  for (let n = 0; n < count; n++) {
    expect(buf.readUInt32LE(at)).toBe(0x02014b50);
    const [crc, csize, nameLen, extra, comment, offset] = [buf.readUInt32LE(at + 16), buf.readUInt32LE(at + 20), buf.readUInt16LE(at + 28), buf.readUInt16LE(at + 30), buf.readUInt16LE(at + 32), buf.readUInt32LE(at + 42)];
    const name = buf.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    const dataAt = offset + 30 + buf.readUInt16LE(offset + 26) + buf.readUInt16LE(offset + 28);
    const data = inflateRawSync(buf.subarray(dataAt, dataAt + csize));
    expect([name, crc32(data) >>> 0]).toEqual([name, crc]);
    out.set(name, data);
    at += 46 + nameLen + extra + comment;
  }
  return out;
}

/** Every document of the collections that hold customer data, as one JSON text. */
async function storeText(): Promise<string> {
  const names = ['customers', 'identities', 'conversations', 'messages', 'csat', 'audit', 'searchpostings', 'search_postings', 'attachments.files', 'metric_events'];
  const docs = await Promise.all(names.map((n) => hub.deps.db.collection(n).find({}).toArray()));
  return JSON.stringify(docs);
}

/** Every key and value under the hub's Redis prefix, as one text. */
async function redisText(): Promise<string> {
  const r = hub.deps.redis;
  const parts: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await r.scan(cursor, 'MATCH', `${hub.deps.config.QUEUE_PREFIX}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const type = await r.type(key);
      const value = type === 'string' ? await r.get(key)
        : type === 'hash' ? await r.hgetall(key)
          : type === 'set' ? await r.smembers(key)
            : type === 'zset' ? await r.zrange(key, 0, -1)
              : type === 'list' ? await r.lrange(key, 0, -1)
                : type === 'stream' ? await r.xrange(key, '-', '+') : null;
      parts.push(key, JSON.stringify(value));
    }
  } while (cursor !== '0');
  return parts.join('\n');
}

/** The personal data of the test customer, in every form the hub stores or indexes it. */
const SECRETS = [NAME, 'Zeynep', 'zeynep', 'kaya', PHONE, '905321112233', '5321112233', ORDER, 'Bağdat', 'fatura-zeynep'];
const leaks = (text: string) => SECRETS.filter((s) => text.includes(s));

describe('export and erase', () => {
  let customerId = '';
  let conversationId = '';
  let fileKey = '';
  let receiver: http.Server;
  let webhookId = '';
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
  const today = () => {
    const now = Date.now();
    return `from=${encodeURIComponent(new Date(now - 86_400_000).toISOString())}&to=${encodeURIComponent(new Date(now + 86_400_000).toISOString())}`;
  };
  const summary = async () => {
    await waitFor(() => flushMetrics(hub.deps.models, hub.deps.redis, hub.deps.config.QUEUE_PREFIX), 10_000, 'the metrics flusher lock');
    return (await admin.api<ReportSummary>('GET', `/reports/summary?${today()}`)).body;
  };

  beforeAll(async () => {
    // A webhook receiver on loopback: the hub's delivery log (Redis) then holds payloads naming the customer.
    receiver = http.createServer((req, res) => { req.resume(); req.on('end', () => res.end('ok')); });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const hook = await admin.api<{ id: string }>('POST', '/admin/webhooks', {
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/kanal`, events: ['message.created', 'conversation.created'], allowPrivate: true,
    });
    expect(hook.status).toBe(201);
    webhookId = hook.body.id;
    fileKey = await storeFile('fatura-zeynep.png');
    const first = await receive(sms(`SM${new Types.ObjectId()}`, `Merhaba, siparişim ${ORDER} nerede? Adresim Bağdat Caddesi 5`, [
      { name: 'fatura-zeynep.png', contentType: 'image/png', size: png.length, storageKey: fileKey, url: `/api/attachments/${fileKey}` },
    ]));
    customerId = String(first.customerId);
    conversationId = String(first.conversationId);
    expect((await admin.api('POST', `/customers/${customerId}/name`, { name: NAME })).status).toBe(200);
    expect((await admin.api('POST', `/conversations/${conversationId}/notes`, { text: `${NAME} iade istiyor, sipariş ${ORDER}` })).status).toBe(201);
    expect((await admin.api('POST', `/conversations/${conversationId}/status`, { status: 'resolved' })).status).toBe(200);
    // A second message within the reopen window: the conversation is open again when the erasure comes.
    await receive(sms(`SM${new Types.ObjectId()}`, `${ORDER} için tekrar yazıyorum`));
    await waitFor(async () => (await hub.deps.models.conversations.byId(conversationId))?.status === 'open', 10_000, 'the reopen');
  });

  test('the export is one archive with a JSON per kind, the attachment byte for byte, and a manifest; admins only', async () => {
    expect((await agent.api('GET', `/customers/${customerId}/export`)).status).toBe(403);
    expect((await admin.api('GET', `/customers/${new Types.ObjectId()}/export`)).status).toBe(404);
    const res = await fetch(`${hub.url}/api/customers/${customerId}/export`, { headers: { authorization: `Bearer ${admin.token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toContain(`customer-${customerId}.zip`);
    const entries = unzip(Buffer.from(await res.arrayBuffer()));
    const attachmentPath = [...entries.keys()].find((k) => k.startsWith('attachments/'));
    expect([...entries.keys()].filter((k) => k !== attachmentPath)).toEqual([
      'README.txt', 'profile.json', 'identities.json', 'conversations.json', 'messages.json', 'csat.json', 'audit.json', 'manifest.json',
    ]);
    const read = (name: string) => JSON.parse(entries.get(name)!.toString('utf8'));
    expect(read('profile.json')).toMatchObject({ _id: customerId, name: NAME, phone: PHONE });
    expect(read('identities.json')).toEqual([expect.objectContaining({ kind: 'phone', address: PHONE })]);
    expect(read('conversations.json')).toEqual([expect.objectContaining({ _id: conversationId, status: 'open' })]);
    // The customer's two messages and the agent's note, oldest first, and the satisfaction survey the resolve sent.
    const messages = read('messages.json') as { text: string; kind: string; author: { type: string } }[];
    expect(messages.filter((x) => x.kind !== 'event' && x.author.type !== 'system').map((x) => x.text)).toEqual([
      expect.stringContaining(`siparişim ${ORDER}`), expect.stringContaining('iade istiyor'), `${ORDER} için tekrar yazıyorum`,
    ]);
    expect(messages.map((x) => x.text)).toEqual(expect.arrayContaining([expect.stringContaining('Nasıldık?')]));
    expect(read('csat.json')).toEqual([expect.objectContaining({ _id: conversationId, status: 'asked' })]);
    expect(read('audit.json').map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['customer.rename', 'customer.data_exported']));
    expect(attachmentPath).toMatch(/^attachments\/[0-9a-f]{24}-1-fatura-zeynep\.png$/);
    expect(entries.get(attachmentPath!)!.equals(png)).toBe(true);
    expect(read('manifest.json')).toMatchObject({
      customerId, generatedBy: { id: admin.id }, counts: { identities: 1, conversations: 1, messages: messages.length, attachments: 1 },
      attachments: [{ path: attachmentPath, name: 'fatura-zeynep.png', size: png.length }],
    });
    expect(entries.get('README.txt')!.toString()).toContain('messages.json');
  });

  /** Requests the erasure (202: a job on the retention queue), waits until the job is done, returns the counts the preview shows then. */
  async function erase(confirm: string) {
    const requested = await admin.api('POST', `/customers/${customerId}/erase`, { confirm });
    expect(requested.status).toBe(202);
    expect(requested.body).toMatchObject({ customerId, state: expect.stringMatching(/^(queued|running)$/) });
    const preview = await waitFor(async () => {
      const p = await admin.api('GET', `/customers/${customerId}/erasure`);
      if (p.body.pending === 'failed') throw new Error('the erasure job failed');
      return p.body.pending === null && p.body.lastErasure && p.body.lastErasure.auditId !== lastAuditId ? p.body : null;
    }, 60_000, 'the erasure job');
    expect(preview).toMatchObject({ erasedAt: expect.any(String) });
    lastAuditId = preview.lastErasure.auditId;
    return preview.lastErasure as { conversationsClosed: number; messages: number; attachmentsRemoved: number; identitiesRemoved: number };
  }
  let lastAuditId: string | undefined;

  test('erasure needs the confirmation, then the store and Redis hold nothing personal of the customer; reports still count', async () => {
    const before = await summary();
    expect(before.resolution.count).toBe(1);
    const inbound = before.volumes.byChannel.sms;
    expect(inbound).toBeGreaterThan(0);

    expect((await agent.api('GET', `/customers/${customerId}/erasure`)).status).toBe(403);
    expect((await agent.api('POST', `/customers/${customerId}/erase`, { confirm: NAME })).status).toBe(403);
    const preview = await admin.api('GET', `/customers/${customerId}/erasure`);
    expect(preview.body).toMatchObject({ confirmPhrase: NAME, conversations: 1, unresolved: 1, identities: 1, erasedAt: null });
    const wrong = await admin.api('POST', `/customers/${customerId}/erase`, { confirm: 'Zeynep' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatch(/confirmation does not match/);
    expect((await admin.api('POST', `/customers/${customerId}/erase`, {})).status).toBe(400);
    expect(await hub.deps.models.customers.nameOf(customerId)).toBe(NAME); // nothing happened yet
    expect(leaks(await storeText())).not.toEqual([]);
    // The webhook log has the customer's words (the note names it) before the erasure.
    await waitFor(async () => leaks(JSON.stringify((await admin.api('GET', `/admin/webhooks/${webhookId}/deliveries`)).body)).length > 0, 20_000, 'deliveries naming the customer');

    const erased = await erase('  zeynep   KAYA ');
    expect(erased).toMatchObject({ conversationsClosed: 1, attachmentsRemoved: 1, identitiesRemoved: 1 });
    expect(erased.messages).toBeGreaterThanOrEqual(3);

    expect(leaks(await storeText())).toEqual([]);
    expect(leaks(await redisText())).toEqual([]);
    const logged = (await admin.api<Array<{ body: string }>>('GET', `/admin/webhooks/${webhookId}/deliveries`)).body;
    expect(logged.filter((d) => d.body.includes(customerId)).map((d) => JSON.parse(d.body).data)).toContainEqual({ customerId, erased: true });
    expect(await hub.deps.blobs.describe(fileKey)).toBeNull();
    expect((await admin.api('GET', `/search?q=${ORDER}`)).body).toMatchObject({ messages: [], customers: [] });
    const conv = await hub.deps.models.conversations.byId(conversationId);
    expect(conv).toMatchObject({ status: 'resolved', customerId: new Types.ObjectId(customerId) });
    const entry = (await hub.deps.models.audit.ofSubject(new Types.ObjectId(customerId))).find((e) => e.action === 'customer.erased');
    expect(entry).toMatchObject({ actor: { id: admin.id }, after: expect.objectContaining({ conversationsClosed: 1, attachmentsRemoved: 1 }) });

    // Reports: the same inbound volume, and the conversation the erasure closed counts as resolved.
    const after = await summary();
    expect(after.volumes.byChannel.sms).toBe(inbound);
    expect(after.resolution.count).toBe(2);
    // The profile as the console sees it: no name, no contact, marked erased.
    expect((await admin.api('GET', `/customers/${customerId}`)).body).toMatchObject({ erasedAt: expect.any(String) });
  });

  test('erasing again changes nothing; a new message from the erased address makes a new customer', async () => {
    const preview = await admin.api('GET', `/customers/${customerId}/erasure`);
    expect(preview.body).toMatchObject({ confirmPhrase: customerId, unresolved: 0, identities: 0, erasedAt: expect.any(String) });
    const again = await erase(customerId);
    expect(again).toMatchObject({ conversationsClosed: 0, messages: 0, attachmentsRemoved: 0, identitiesRemoved: 0 });
    expect(leaks(await storeText())).toEqual([]);

    const next = await receive(sms(`SM${new Types.ObjectId()}`, 'Yeni bir sorum var'));
    expect(String(next.customerId)).not.toBe(customerId);
    expect(String(next.conversationId)).not.toBe(conversationId);
    const fresh = await hub.deps.models.customers.byId(next.customerId);
    expect(fresh).toMatchObject({ phone: PHONE });
    expect(fresh?.erasedAt).toBeFalsy();
    expect(await hub.deps.models.customers.byId(customerId)).toMatchObject({ erasedAt: expect.any(Date) });
    expect((await hub.deps.models.customers.byId(customerId))?.phone).toBeUndefined();
    expect((await hub.deps.models.conversations.byId(conversationId))?.status).toBe('resolved');
  });
});

describe('retention', () => {
  const MONTH = 30 * 86_400_000;
  /** A customer with one resolved conversation of two messages (one with a file) written `ago` ms back, indexed. */
  async function seedResolved(ago: number, label: string) {
    const m = hub.deps.models;
    const c = collectionsOf(m);
    const at = new Date(Date.now() - ago);
    const customer = await c.Customer.create({ name: `Müşteri ${label}` });
    const [conv] = await m.conversations.insertFixtures([{
      customerId: customer._id, openKey: `resolved:${label}`, status: 'resolved', lastInboundChannel: 'sms', openedAt: at, openedDay: dayOf(at),
      lastActivityAt: at, resolvedAt: new Date(at.getTime() + 3600_000), lastMessagePreview: `${label} önizleme`, labels: [],
    }]);
    const key = await storeFile(`${label}.png`);
    const base = { conversationId: conv!._id, customerId: customer._id, channel: 'sms', createdAt: at, delivery: { status: 'received', at } };
    const msgs = await c.Message.create([
      { ...base, direction: 'in', author: { type: 'customer' }, text: `${label} eski mesaj`, dedupeKey: `sms:${label}-1`, attachments: [{ name: `${label}.png`, contentType: 'image/png', size: png.length, storageKey: key }], attachmentKeys: [key] },
      { ...base, direction: 'out', author: { type: 'agent', name: 'Ali' }, text: `${label} eski cevap`, dedupeKey: `out:${label}-2`, delivery: { status: 'sent', at } },
    ]);
    const { indexMessages } = await import('../../src/services/search/search-index');
    await indexMessages(m, msgs.map((x) => x.toObject()));
    return { conversationId: conv!._id, key, messageIds: msgs.map((x) => x._id) };
  }
  const searchHits = async (word: string) => ((await admin.api('GET', `/search?q=${word}`)).body as { messages: unknown[] }).messages.length;

  test('the setting is admins\' and validated; off by default', async () => {
    expect((await admin.api('GET', '/admin/retention')).body).toMatchObject({ settings: { enabled: false }, lastRun: null });
    expect((await agent.api('GET', '/admin/retention')).status).toBe(403);
    expect((await agent.api('PUT', '/admin/retention', { enabled: true, months: 12, mode: 'anonymize' })).status).toBe(403);
    expect((await admin.api('PUT', '/admin/retention', { enabled: true, months: 0, mode: 'anonymize' })).status).toBe(400);
    expect((await admin.api('PUT', '/admin/retention', { enabled: true, months: 12, mode: 'shred' })).status).toBe(400);
    const scheduler = await hub.deps.queues.retention.getJobScheduler('retention-daily');
    expect(scheduler).toMatchObject({ pattern: '15 3 * * *' });
  });

  test('a run removes the content of conversations resolved before the cutoff, once, and leaves newer ones', async () => {
    const old = await seedResolved(14 * MONTH, 'eskisipariş');
    const recent = await seedResolved(2 * MONTH, 'yenisipariş');
    expect(await searchHits('eskisipariş')).toBe(2);
    const filesBefore = await files();

    expect((await admin.api('PUT', '/admin/retention', { enabled: true, months: 12, mode: 'anonymize' })).status).toBe(200);
    const events = new QueueEvents(QueueNames.retention, { connection: { url: hub.deps.config.REDIS_URL }, prefix: hub.deps.config.QUEUE_PREFIX });
    await events.waitUntilReady();
    try {
      const run = await admin.api('POST', '/admin/retention/run');
      expect(run.status).toBe(202);
      const result = await finished(hub.deps.queues.retention, events, run.body.jobId, 30_000);
      expect(result).toMatchObject({ conversations: 1, messages: 2, attachmentsRemoved: 1 });

      const [inbound, outbound] = await hub.deps.models.messages.byIds(old.messageIds);
      expect(inbound).toMatchObject({ text: '', attachments: [], erasedAt: expect.any(Date), direction: 'in', channel: 'sms' });
      expect(outbound).toMatchObject({ text: '', erasedAt: expect.any(Date), author: { type: 'agent', name: 'Ali' } });
      expect(await hub.deps.blobs.describe(old.key)).toBeNull();
      expect(await hub.deps.blobs.describe(recent.key)).not.toBeNull();
      expect(await files()).toBe(filesBefore - 1);
      expect(await searchHits('eskisipariş')).toBe(0);
      expect(await searchHits('yenisipariş')).toBe(2);
      expect(await hub.deps.models.conversations.byId(old.conversationId)).toMatchObject({ status: 'resolved', retainedAt: expect.any(Date) });
      expect((await hub.deps.models.conversations.byId(old.conversationId))?.lastMessagePreview).toBeUndefined();
      expect((await hub.deps.models.messages.byIds(recent.messageIds)).map((x) => x?.text)).toEqual(['yenisipariş eski mesaj', 'yenisipariş eski cevap']);
      expect((await admin.api('GET', '/admin/retention')).body.lastRun).toMatchObject({ conversations: 1, messages: 2 });
      const day = new Date().toISOString().slice(0, 10);
      expect((await hub.deps.models.audit.ofDay(day)).map((e) => e.action)).toEqual(expect.arrayContaining(['settings.retention', 'retention.run']));

      // Again: the day is done, nothing is read or changed.
      const second = await admin.api('POST', '/admin/retention/run');
      expect(await finished(hub.deps.queues.retention, events, second.body.jobId, 30_000)).toMatchObject({ conversations: 0, days: 0 });

      // Delete mode, for a conversation resolved on a day registered by a resolve (not by the first run's backfill).
      const gone = await seedResolved(13 * MONTH, 'silinecek');
      const conv = await hub.deps.models.conversations.byId(gone.conversationId);
      await hub.deps.models.conversations.updateById(gone.conversationId, { $set: { resolvedDay: dayOf(conv!.resolvedAt!) } });
      await hub.deps.models.resolvedDays.register(dayOf(conv!.resolvedAt!));
      expect((await admin.api('PUT', '/admin/retention', { enabled: true, months: 12, mode: 'delete' })).status).toBe(200);
      const third = await admin.api('POST', '/admin/retention/run');
      expect(await finished(hub.deps.queues.retention, events, third.body.jobId, 30_000)).toMatchObject({ conversations: 1, messages: 2, attachmentsRemoved: 1 });
      expect(await hub.deps.models.messages.byIds(gone.messageIds)).toEqual([null, null]);
      expect(await hub.deps.models.conversations.byId(gone.conversationId)).toMatchObject({ status: 'resolved', retainedAt: expect.any(Date) });
    } finally {
      await events.close();
    }
  }, 60_000);
});
