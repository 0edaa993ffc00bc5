import mongoose from 'mongoose';
import type { EventPublisher } from '../src/services/events';
import { ingest } from '../src/services/ingest/ingest';
import { ensureIndexes, models } from '../src/store';
import { inboundFor, now, pool, round } from './lib';

export interface IngestProfile {
  messages: number;
  concurrency: number;
  rate: number;
  /** Store commands per steady-state message (existing customer and conversation), by `command collection`. */
  opsPerMessage: number;
  byOp: Record<string, { perMessage: number; avgMs: number; shareOfStoreTime: number }>;
  /** Mean ingest() latency over the first and the last fifth of the run, to show growth with collection size. */
  ingestMsFirstFifth: number;
  ingestMsLastFifth: number;
  preloadedMessages: number;
  /** The store process' CPU per steady-state ingest() (null when its pid is unknown). */
  storeCpuMsPerMessage: number | null;
}

/**
 * Runs src/services/ingest/ingest.ts's ingest() directly (no queue, no sockets) on its own database with command
 * monitoring, after a warm-up message per visitor, and counts the store round trips one message costs.
 */
export async function profileIngest(o: { mongoBase: string; runId: string; n: number; visitors: number; concurrency: number; preload: number; storeCpuMs?: () => number | null }): Promise<IngestProfile> {
  const conn = mongoose.createConnection(`${o.mongoBase}/kb_${o.runId}_pr`, { serverSelectionTimeoutMS: 5000, retryWrites: false, monitorCommands: true });
  await conn.asPromise();
  try {
    await ensureIndexes(conn);
    const m = models(conn);
    // The worker passes a publisher, which makes ingest read the customer's name too; publishing itself is skipped.
    const events = { conversation() {}, message() {}, toVisitor() {} } as unknown as EventPublisher;
    // Warm-up: each visitor's first message creates identity, customer and conversation.
    await pool(o.visitors, o.concurrency, (i) => ingest(m, events, inboundFor(o.runId, i, o.visitors, 'w')));
    // Optional preload: a bigger messages collection (unfiltered scans grow with it on FerretDB/SQLite).
    if (o.preload > 0) {
      const coll = conn.getClient().db(conn.name).collection('messages');
      const sample = await coll.findOne({});
      const batch = 1000;
      for (let b = 0; b < o.preload; b += batch) {
        const docs = Array.from({ length: Math.min(batch, o.preload - b) }, (_, j) => {
          const { _id, ...rest } = sample!;
          return { ...rest, _id: new mongoose.Types.ObjectId(), dedupeKey: `webchat:preload-${o.runId}-${b + j}` };
        });
        await coll.insertMany(docs, { ordered: false });
      }
    }
    const stats = new Map<string, { count: number; ms: number }>();
    const pending = new Map<number, string>();
    const client = conn.getClient();
    client.on('commandStarted', (e) => {
      const coll = (e.command as Record<string, unknown>)[e.commandName];
      pending.set(e.requestId, `${e.commandName} ${typeof coll === 'string' ? coll : ''}`.trim());
    });
    const done = (e: { requestId: number; duration: number }) => {
      const key = pending.get(e.requestId);
      if (!key) return;
      pending.delete(e.requestId);
      const s = stats.get(key) ?? { count: 0, ms: 0 };
      s.count++;
      s.ms += e.duration;
      stats.set(key, s);
    };
    client.on('commandSucceeded', done);
    client.on('commandFailed', done);

    const lat: number[] = new Array(o.n);
    const c0 = o.storeCpuMs?.() ?? null;
    const t0 = now();
    await pool(o.n, o.concurrency, async (i) => {
      const t = now();
      await ingest(m, events, inboundFor(o.runId, i, o.visitors, 'p'));
      lat[i] = now() - t;
    });
    const ms = now() - t0;
    const c1 = o.storeCpuMs?.() ?? null;
    client.removeAllListeners('commandStarted');
    client.removeAllListeners('commandSucceeded');
    client.removeAllListeners('commandFailed');
    const totalMs = [...stats.values()].reduce((a, s) => a + s.ms, 0);
    const byOp: IngestProfile['byOp'] = {};
    for (const [k, s] of [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms)) {
      byOp[k] = { perMessage: round(s.count / o.n, 2)!, avgMs: round(s.ms / s.count, 2)!, shareOfStoreTime: round(s.ms / totalMs, 3)! };
    }
    const fifth = Math.max(1, Math.floor(o.n / 5));
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    return {
      messages: o.n,
      concurrency: o.concurrency,
      rate: round((o.n / ms) * 1000, 1)!,
      opsPerMessage: round([...stats.values()].reduce((a, s) => a + s.count, 0) / o.n, 2)!,
      byOp,
      ingestMsFirstFifth: round(mean(lat.slice(0, fifth)), 1)!,
      ingestMsLastFifth: round(mean(lat.slice(-fifth)), 1)!,
      preloadedMessages: o.preload,
      storeCpuMsPerMessage: c0 == null || c1 == null ? null : round((c1 - c0) / o.n, 2),
    };
  } finally {
    await conn.dropDatabase().catch(() => {});
    await conn.close();
  }
}
