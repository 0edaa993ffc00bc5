// The agent console's two first pages on a large store: the inbox (50,000 conversations) and the unified thread of
// a customer with 5,000 messages, through the hub's API vs the bare driver query for the same page on the same
// store (target: API <= 3x driver). Run alone with
//   node scripts/with-services.mjs --own-store node --import tsx bench/console.ts
// or as part of `npm run bench` (bench/run.ts; BENCH_CONSOLE=0 skips it).
import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { loadConfig } from '../src/config';
import { startHub } from '../src/hub';
import { createAgent } from '../src/services/agents/agents';
import { envInt, round } from './lib';
import { conversationModel } from '../src/store/conversations';
import { collectionsOf } from '../src/store/collections';

const CONVERSATIONS = envInt('BENCH_CONSOLE_CONVERSATIONS', 50_000, 100, 1_000_000);
const THREAD = envInt('BENCH_CONSOLE_THREAD', 5_000, 10, 100_000);
const REPEAT = envInt('BENCH_CONSOLE_REPEAT', 7, 3, 1000);
const PAGE = 50;
const BATCH = 5_000;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up (connection, caches)
  const samples: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return median(samples);
}

export interface ConsoleBenchResult {
  conversations: number;
  threadMessages: number;
  seedSeconds: number;
  inbox: { apiMs: number; driverMs: number; ratio: number | null };
  thread: { apiMs: number; driverMs: number; ratio: number | null };
  targetRatioMax: number;
  pass: boolean;
}

export async function runConsoleBench(opts: { mongoBase: string; redisUrl: string; runId: string; log?: (m: string) => void }): Promise<ConsoleBenchResult> {
  const log = opts.log ?? ((m: string) => console.log(`[console bench] ${m}`));
  const config = loadConfig({
    NODE_ENV: 'test', PORT: '0', MONGODB_URI: `${opts.mongoBase}/kb_${opts.runId}_console`, REDIS_URL: opts.redisUrl,
    QUEUE_PREFIX: `kb:${opts.runId}:console`, JWT_SECRET: randomBytes(32).toString('hex'), WIDGET_TOKEN_SECRET: randomBytes(32).toString('hex'), LOG_LEVEL: 'silent',
  });
  const hub = await startHub(config, 'hub');
  try {
    const m = hub.deps.models;
    const seedStart = performance.now();
    // Seed with raw insertMany in big batches: 1 customer per 10 conversations, one customer with THREAD messages.
    const customers = Array.from({ length: Math.ceil(CONVERSATIONS / 10) }, (_, i) => ({ _id: new Types.ObjectId(), name: `Müşteri ${i}`, tags: [], attributes: {}, createdAt: new Date() }));
    for (let i = 0; i < customers.length; i += BATCH) await collectionsOf(m).Customer.collection.insertMany(customers.slice(i, i + BATCH), { ordered: false });
    const t0 = Date.now() - CONVERSATIONS * 1000;
    const statuses = ['open', 'pending', 'resolved', 'resolved'] as const;
    for (let i = 0; i < CONVERSATIONS; i += BATCH) {
      const docs = Array.from({ length: Math.min(BATCH, CONVERSATIONS - i) }, (_, k) => {
        const n = i + k;
        const _id = new Types.ObjectId();
        const customerId = customers[n % customers.length]!._id;
        const at = new Date(t0 + n * 1000);
        const status = n < customers.length ? statuses[n % 2]! : 'resolved'; // one unresolved per customer at most
        return {
          _id, customerId, openKey: status === 'resolved' ? `resolved:${_id}` : String(customerId), status, assigneeId: null, teamId: null, priority: 0,
          lastInboundChannel: (['webchat', 'email', 'sms', 'whatsapp'] as const)[n % 4], lastMessagePreview: `Mesaj ${n}`, openedAt: at, lastActivityAt: at,
          labels: [], createdAt: at, updatedAt: at,
        };
      });
      await conversationModel(hub.deps.db).collection.insertMany(docs, { ordered: false });
    }
    const heavy = customers[0]!._id;
    const heavyConversation = new Types.ObjectId();
    for (let i = 0; i < THREAD; i += BATCH) {
      const docs = Array.from({ length: Math.min(BATCH, THREAD - i) }, (_, k) => {
        const n = i + k;
        const at = new Date(t0 + n * 100);
        return {
          _id: new Types.ObjectId(), conversationId: heavyConversation, customerId: heavy, direction: n % 2 ? 'out' : 'in', kind: 'message',
          channel: n % 3 ? 'webchat' : 'email', author: { type: n % 2 ? 'agent' : 'customer' }, text: `Mesaj ${n}: siparişim nerede?`, attachments: [],
          dedupeKey: `bench:${opts.runId}:${n}`, providerId: null, delivery: { status: n % 2 ? 'delivered' : 'received', attempts: 0, at }, createdAt: at, updatedAt: at,
        };
      });
      await collectionsOf(m).Message.collection.insertMany(docs, { ordered: false });
    }
    // Seeded around the repository (bulk inserts): the inbox index is built from the store, as at a first start.
    await m.conversations.rebuildIndex();
    const seedSeconds = round((performance.now() - seedStart) / 1000, 1)!;
    log(`seeded ${CONVERSATIONS} conversations, ${customers.length} customers, ${THREAD} thread messages in ${seedSeconds} s`);

    await createAgent(m, { email: 'bench-console@kanal.test', name: 'Bench', password: 'bench-console-password', role: 'agent' });
    const login = await fetch(`${hub.url}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bench-console@kanal.test', password: 'bench-console-password' }),
    });
    const { token } = (await login.json()) as { token: string };
    const get = async (path: string) => {
      const res = await fetch(`${hub.url}/api${path}`, { headers: { authorization: `Bearer ${token}` } });
      if (!res.ok) throw new Error(`${path}: ${res.status}`);
      return res.json();
    };

    const inboxApi = await timeIt(() => get(`/conversations?limit=${PAGE}`));
    const inboxDriver = await timeIt(() => conversationModel(hub.deps.db).collection.find({}).sort({ lastActivityAt: -1, _id: -1 }).limit(PAGE + 1).toArray());
    const threadApi = await timeIt(() => get(`/customers/${heavy}/thread?limit=${PAGE}`));
    const threadDriver = await timeIt(() => collectionsOf(m).Message.collection.find({ customerId: heavy }).sort({ createdAt: -1, _id: -1 }).limit(PAGE + 1).toArray());
    const inbox = { apiMs: round(inboxApi, 1)!, driverMs: round(inboxDriver, 1)!, ratio: round(inboxApi / inboxDriver, 2) };
    const thread = { apiMs: round(threadApi, 1)!, driverMs: round(threadDriver, 1)!, ratio: round(threadApi / threadDriver, 2) };
    const targetRatioMax = 3;
    const pass = (inbox.ratio ?? Infinity) <= targetRatioMax && (thread.ratio ?? Infinity) <= targetRatioMax;
    log(`inbox first page: API ${inbox.apiMs} ms vs driver ${inbox.driverMs} ms (x${inbox.ratio}); thread first page: API ${thread.apiMs} ms vs driver ${thread.driverMs} ms (x${thread.ratio}); pass ${pass}`);
    return { conversations: CONVERSATIONS, threadMessages: THREAD, seedSeconds, inbox, thread, targetRatioMax, pass };
  } finally {
    await hub.deps.db.dropDatabase().catch(() => {});
    await hub.close();
  }
}

if (process.argv[1]?.endsWith('console.ts')) {
  runConsoleBench({
    mongoBase: process.env.KANAL_MONGO_BASE ?? 'mongodb://127.0.0.1:27017',
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    runId: `${process.pid}_${randomBytes(3).toString('hex')}`,
  }).then(
    (r) => { console.log(JSON.stringify(r, null, 2)); process.exit(r.pass ? 0 : 1); },
    (err: unknown) => { console.error(err); process.exit(1); },
  );
}
