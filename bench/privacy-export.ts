import { Writable } from 'node:stream';
import { Types } from 'mongoose';
import { eraseCustomer } from '../src/services/privacy/erase';
import { writeCustomerArchive } from '../src/services/privacy/export';
import { connectStore, ensureIndexes, gridFsBlobStore, idForKey, models, refreshStoreStatistics, threadBucket } from '../src/store';
import { collectionsOf } from '../src/store/collections';
import { weekOf } from '../src/store/thread-weeks';
import type { ConversationEffects } from '../src/services/conversations/lifecycle';
import { now, round, STORE_OPTIONS } from './lib';

// A customer's export and erasure as its history grows (10 % and 100 % of a heavy customer's year: `perYear`
// messages over 52 weeks, 20 conversations, one 100 kB file per 100 messages), beside other customers' messages,
// against the driver floor (reading the same thread weeks by `tb`). Reports time and the heap's growth during the
// export (sampled every 5 ms): the archive is streamed, so memory must not follow the history.
// Run: node scripts/with-services.mjs --own-store node --import tsx bench/privacy-export.ts [perYear] [others]
const perYear = Number(process.argv[2] ?? 5_000);
const others = Number(process.argv[3] ?? 20_000);
const WEEK = 7 * 86_400_000;

/** A sink that counts bytes, like a client reading the download as fast as it comes. */
const counting = () => {
  let bytes = 0;
  const sink = new Writable({ write(chunk: Buffer, _enc, done) { bytes += chunk.length; done(); } });
  return { sink, bytes: () => bytes };
};

async function main() {
  const db = await connectStore(`${process.env.KANAL_MONGO_BASE ?? 'mongodb://127.0.0.1:27017'}/bench_privacy_${process.pid}`, STORE_OPTIONS);
  try {
    await ensureIndexes(db);
    const m = models(db);
    const c = collectionsOf(m);
    const blobs = gridFsBlobStore(db);
    const start = Date.now() - 52 * WEEK;
    const messageDoc = (customerId: Types.ObjectId, conversationId: Types.ObjectId, n: number, at: Date, storageKey?: string) => ({
      _id: idForKey('message', `bench:${String(customerId)}:${n}`), conversationId, customerId, direction: n % 2 ? 'out' : 'in', kind: 'message', channel: 'email',
      author: n % 2 ? { type: 'agent', name: 'Ajan' } : { type: 'customer', name: 'Müşteri' }, text: `Mesaj ${n}: siparişim ${10_000 + n} hakkında bir soru, teşekkürler. `.repeat(4),
      attachments: storageKey ? [{ name: `fatura-${n}.pdf`, contentType: 'application/pdf', size: 100_000, storageKey }] : [],
      ...(storageKey ? { attachmentKeys: [storageKey] } : {}), dedupeKey: `email:bench-${String(customerId)}-${n}`, tb: threadBucket(customerId, at),
      delivery: { status: n % 2 ? 'sent' : 'received', at }, createdAt: at, updatedAt: at,
    });
    // Other customers' messages: the collection the customer's reads must not scan.
    for (let n = 0; n < others; n += 1000) {
      const otherId = new Types.ObjectId();
      const conv = new Types.ObjectId();
      await c.Message.collection.insertMany(Array.from({ length: Math.min(1000, others - n) }, (_, k) => messageDoc(otherId, conv, n + k, new Date(start + ((n + k) % 52) * WEEK))) as never[]);
    }
    const rows: unknown[] = [];
    for (const share of [0.1, 1]) {
      const count = Math.round(perYear * share);
      const customerId = new Types.ObjectId();
      await c.Customer.create({ _id: customerId, name: `Bench ${share}`, email: `bench${share}@example.com`, threadWeeks: true });
      const convs = Array.from({ length: 20 }, () => new Types.ObjectId());
      await c.Conversation.insertMany(convs.map((_id, i) => ({
        _id, customerId, openKey: `resolved:${String(_id)}`, status: 'resolved', openedAt: new Date(start + i * WEEK), lastActivityAt: new Date(start + i * WEEK), resolvedAt: new Date(start + i * WEEK + 3600_000),
      })));
      const docs = [];
      for (let n = 0; n < count; n += 1) {
        const at = new Date(start + Math.floor((n / count) * 52 * WEEK));
        const key = n % 100 === 0 ? (await blobs.put(Buffer.alloc(100_000, n % 251), { name: `fatura-${n}.pdf`, typeOf: () => 'application/pdf', maxBytes: 1_000_000 })).key : undefined;
        docs.push(messageDoc(customerId, convs[Math.floor((n / count) * 20)]!, n, at, key));
      }
      for (let n = 0; n < docs.length; n += 1000) await c.Message.collection.insertMany(docs.slice(n, n + 1000) as never[]);
      const weeks = [...new Set(docs.map((d) => weekOf(d.createdAt)))];
      await c.ThreadWeek.collection.insertMany(weeks.map((w) => ({ _id: idForKey('thread-week', `${String(customerId)}:${w}`), c: customerId, w })) as never[]);
      await refreshStoreStatistics(db);

      let t = now();
      for (const w of weeks) await c.Message.collection.find({ tb: `${String(customerId)}:${w}` }).toArray();
      const floorMs = now() - t;

      if (global.gc) global.gc();
      const heap0 = process.memoryUsage().heapUsed;
      let peak = heap0;
      const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().heapUsed); }, 5);
      const out = counting();
      t = now();
      const manifest = await writeCustomerArchive(m, blobs, customerId, { id: 'bench', name: 'Bench' }, out.sink);
      const exportMs = now() - t;
      clearInterval(sampler);

      const fx = { models: m, events: null, queues: null as never, routing: null } satisfies ConversationEffects;
      t = now();
      const report = await eraseCustomer(fx, blobs, { id: 'bench', name: 'Bench' }, String(customerId), { invalidate: async () => {}, forgetInboundJobs: async () => {}, forgetWebhookDeliveries: async () => {}, forgetAutomationEvents: async () => {} });
      const eraseMs = now() - t;
      rows.push({
        share, messages: manifest.counts.messages, files: manifest.counts.attachments, archiveMB: round(out.bytes() / 1048576, 1),
        floorReadMs: round(floorMs, 0), exportMs: round(exportMs, 0), exportVsFloor: round(exportMs / floorMs, 1),
        heapGrowthMB: round((peak - heap0) / 1048576, 1), eraseMs: round(eraseMs, 0), erased: report.messages,
      });
    }
    console.log(JSON.stringify({ bench: 'privacy-export', perYear, otherMessages: others, rows }, null, 2));
  } finally {
    await db.dropDatabase().catch(() => {});
    await db.close();
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
