import { Redis } from 'ioredis';
import { Types } from 'mongoose';
import { inboxIndex, type IndexedConversation } from '../src/store/inbox-index';
import type { InboxSort } from '../src/domain/views';

// The inbox's sorted pages (src/store/inbox-index.ts): a first page of 50 of the open view, of one agent's open
// conversations (both kept in every order) and of a label's open ones (intersected with the status's sort set, 1 in 7
// conversations carry it) by newest, oldest waiting and priority, at 10 % and 100 % of N open conversations, with as
// many resolved ones beside them. Redis only: the store is not read for a page of the index.
// Run: REDIS_URL=redis://127.0.0.1:6379 npx tsx bench/inbox-sort.ts [N=50000]
const N = Number(process.argv[2] ?? 50_000);
const REPEAT = 15;
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const prefix = `bench-inbox-sort-${process.pid}`;
const ix = inboxIndex(redis, prefix);
const agents = Array.from({ length: 20 }, () => String(new Types.ObjectId()));

async function fill(from: number, to: number) {
  const now = Date.now();
  const batch: Promise<void>[] = [];
  for (let i = from; i < to; i++) {
    const open = i % 2 === 0;
    const at = new Date(now - (to - i) * 1000);
    const c: IndexedConversation = {
      _id: new Types.ObjectId(), status: open ? 'open' : 'resolved', assigneeId: i % 3 ? agents[i % agents.length] : undefined,
      lastInboundChannel: 'webchat', labels: i % 7 ? [] : ['vip'], lastActivityAt: at, updatedAt: at,
      waitingSince: open && i % 4 ? new Date(at.getTime() - (i % 97) * 60_000) : null, priority: [0, 0, 0, 10, 20, -10][i % 6],
    };
    batch.push(ix.apply(c));
    if (batch.length >= 200) await Promise.all(batch.splice(0));
  }
  await Promise.all(batch);
}

async function firstPage(sort: InboxSort, filter: Parameters<typeof ix.ids>[0]): Promise<number> {
  const t0 = performance.now();
  for await (const chunk of ix.ids(filter, undefined, 51, sort)) if (chunk.length) break;
  return performance.now() - t0;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(label: string) {
  const out: Record<string, number> = {};
  for (const sort of ['newest', 'waiting', 'priority'] as const) {
    const views = [['open', { status: 'open' as const }], ['agent', { status: 'open' as const, assigneeId: agents[1] }], ['label', { status: 'open' as const, label: 'vip' }]] as const;
    for (const [name, f] of views) {
      const times: number[] = [];
      for (let r = 0; r < REPEAT; r++) times.push(await firstPage(sort, f));
      out[`${name}:${sort}`] = Number(median(times).toFixed(2));
    }
  }
  console.log(JSON.stringify({ conversations: label, medianMs: out }));
}

async function main() {
  await fill(0, N / 5); // 10 % of N open (half of the conversations are open)
  await measure(`${N / 5} (${N / 10} open)`);
  await fill(N / 5, N * 2);
  await measure(`${N * 2} (${N} open)`);
  const keys = await redis.keys(`${prefix}:*`);
  for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
  await redis.quit();
}
void main();
