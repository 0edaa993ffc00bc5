import { Types } from 'mongoose';
import { listAudit } from '../src/services/audit';
import { auditDay, connectStore, ensureIndexes, models, refreshStoreStatistics } from '../src/store';
import { collectionsOf } from '../src/store/collections';
import { now, round, STORE_OPTIONS } from './lib';

// The audit list's cost as the log grows (10 % and 100 % of a year's entries, spread over 365 days), against the
// driver floor of the one read it repeats (a `day` equality). Run: node scripts/with-services.mjs --own-store
// node --import tsx bench/audit-list.ts [perYear]
const perYear = Number(process.argv[2] ?? 36_500);
const DAY = 86_400_000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function timed(fn: () => Promise<unknown>, runs = 5) {
  const ms: number[] = [];
  for (let i = 0; i < runs; i += 1) { const t = now(); await fn(); ms.push(now() - t); }
  return round(median(ms), 1);
}

async function main() {
  const db = await connectStore(`${process.env.KANAL_MONGO_BASE ?? 'mongodb://127.0.0.1:27017'}/bench_audit_${process.pid}`, STORE_OPTIONS);
  try {
    await ensureIndexes(db);
    const m = models(db);
    const Audit = collectionsOf(m).Audit;
    const actor = { id: new Types.ObjectId().toHexString(), name: 'Bench' };
    let written = 0;
    const rows: unknown[] = [];
    for (const share of [0.1, 1]) {
      const target = Math.round(perYear * share);
      for (; written < target; written += 1) {
        const at = new Date(Date.now() - 60_000 - ((written * 7919) % target) * (365 * DAY / target));
        const action = written % 50 === 0 ? 'webhook.updated' : 'agent.updated';
        rows.push({ action, actor, at, day: auditDay(at), subjectType: action.split('.')[0], subjectId: new Types.ObjectId(), subjectName: `n${written}`, before: { capacity: 1 }, after: { capacity: 2 }, summary: `Bench: ${action} n${written}`, undoneAt: null });
        if (rows.length === 1000) await Audit.insertMany(rows.splice(0), { lean: true });
      }
      if (rows.length) await Audit.insertMany(rows.splice(0), { lean: true });
      await ensureIndexes(db);
      await refreshStoreStatistics(db);
      const today = auditDay(new Date(Date.now() - 60_000));
      const floor = await timed(() => Audit.collection.find({ day: today }).toArray());
      const first = await timed(() => listAudit(m, {}, 50));
      const rare = await timed(() => listAudit(m, { actionPrefix: 'webhook.' }, 50));
      const text = await timed(() => listAudit(m, { q: 'n12345' }, 50));
      console.log(JSON.stringify({ entries: written, perDay: round(written / 365, 1), dayReadFloorMs: floor, firstPageMs: first, rareActionPageMs: rare, freeTextPageMs: text }));
    }
  } finally {
    await db.dropDatabase().catch(() => {});
    await db.close();
  }
}
void main().then(() => process.exit(0), (err: unknown) => { console.error(err); process.exit(1); });
