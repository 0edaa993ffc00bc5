// Routing decisions/s (bench/README.md, phase `routing`): N open, unassigned conversations routed by
// routeConversation() (queue entry, team drain under its lock, atomic capacity claim in Lua, conditional store
// write, routing event, realtime publish) with CONCURRENCY jobs at once, as the routing worker does; beside the
// baseline of the same number of bare Redis Lua calls (the capacity claim alone) and of bare store
// findOneAndUpdate calls (the assignment write alone). Run alone with
//   node scripts/with-services.mjs --own-store sh -c 'BENCH_ONLY=routing node --import tsx bench/run.ts'
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { Types } from 'mongoose';
import { QueueNames, type RoutingJob } from '../src/queues';
import { createAgent } from '../src/services/agents/agents';
import { EventPublisher } from '../src/services/events';
import { routeConversation, type RoutingDeps } from '../src/services/routing/routing';
import { RoutingState } from '../src/services/routing/routing-state';
import { connectStore, ensureIndexes, models } from '../src/store';
import { deleteKeys, envInt, pool, round, STORE_OPTIONS } from './lib';
import { conversationModel } from '../src/store/conversations';
import { collectionsOf } from '../src/store/collections';

const N = envInt('BENCH_ROUTING_N', 500, 10, 100_000);
const AGENTS = envInt('BENCH_ROUTING_AGENTS', 20, 1, 1000);
const CONCURRENCY = envInt('BENCH_ROUTING_CONCURRENCY', 4, 1, 100);

export interface RoutingBenchResult {
  config: { n: number; agents: number; concurrency: number };
  decisionsPerSec: number | null;
  assigned: number;
  luaCallsPerSec: number | null;
  storeUpdatesPerSec: number | null;
  ratios: { routingVsLua: number | null; routingVsStoreUpdate: number | null };
}

const rate = (n: number, ms: number) => round((n * 1000) / ms, 1);

export async function runRoutingBench(opts: { mongoBase: string; redisUrl: string; runId: string; log: (m: string) => void }): Promise<RoutingBenchResult> {
  const prefix = `kb:${opts.runId}:rt`;
  const db = await connectStore(`${opts.mongoBase}/kb_${opts.runId}_rt`, STORE_OPTIONS);
  const redis = new Redis(opts.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue<RoutingJob>(QueueNames.routing, { connection: redis, prefix });
  try {
    await ensureIndexes(db);
    const m = models(db);
    const team = await collectionsOf(m).Team.create({ name: 'Bench', assignmentPolicy: 'least-busy' });
    for (let i = 0; i < AGENTS; i++) {
      const a = await createAgent(m, { email: `rt${i}-${opts.runId}@kanal.bench`, name: `Agent ${i}`, password: 'bench-password-1', role: 'agent', teamIds: [String(team._id)], capacity: N });
      await m.agents.setPresence(a.id, 'online', new Date());
    }
    // Seeded directly: this phase measures routing, not ingest.
    const now = Date.now();
    const customers = Array.from({ length: N }, (_, i) => ({ _id: new Types.ObjectId(), name: `Müşteri ${i}`, language: i % 2 ? 'tr' : 'en', languageSource: 'detected', tags: [], attributes: {} }));
    await collectionsOf(m).Customer.collection.insertMany(customers);
    const conversations = customers.map((c, i) => ({
      _id: new Types.ObjectId(), customerId: c._id, openKey: String(c._id), status: 'open', assigneeId: null, teamId: team._id, priority: 0, requiredSkills: [],
      openedAt: new Date(now + i), lastActivityAt: new Date(now + i), waitingSince: new Date(now + i), labels: [], lastInboundChannel: 'webchat',
    }));
    await conversationModel(db).collection.insertMany(conversations);

    const d: RoutingDeps = {
      models: m, redis, state: new RoutingState(redis, prefix), events: new EventPublisher(redis, `${prefix}:socket.io`), queue,
      logger: pino({ level: 'silent' }), offlineGraceMs: 120_000,
    };
    const t0 = performance.now();
    await pool(N, CONCURRENCY, (i) => routeConversation(d, String(conversations[i]!._id)));
    const routingMs = performance.now() - t0;
    const assigned = await conversationModel(db).countDocuments({ assigneeId: { $ne: null } });
    opts.log(`routing: ${N} decisions in ${Math.round(routingMs)} ms (${assigned} assigned) at concurrency ${CONCURRENCY}`);

    // Baseline 1: the same number of bare Lua calls (the capacity claim script on its own keys).
    const floorState = new RoutingState(redis, `${prefix}:floor`);
    const t1 = performance.now();
    await pool(N, CONCURRENCY, (i) => floorState.claim(`agent${i % AGENTS}`, `c${i}`, N));
    const luaMs = performance.now() - t1;
    // Baseline 2: the same number of bare conditional store writes (the assignment alone).
    const t2 = performance.now();
    await pool(N, CONCURRENCY, (i) => conversationModel(db).collection.findOneAndUpdate({ _id: conversations[i]!._id }, { $set: { benchTouched: true } }));
    const storeMs = performance.now() - t2;

    const decisionsPerSec = rate(N, routingMs);
    const luaCallsPerSec = rate(N, luaMs);
    const storeUpdatesPerSec = rate(N, storeMs);
    opts.log(`routing: ${decisionsPerSec} decisions/s; bare Lua claim ${luaCallsPerSec}/s; bare findOneAndUpdate ${storeUpdatesPerSec}/s`);
    return {
      config: { n: N, agents: AGENTS, concurrency: CONCURRENCY },
      decisionsPerSec, assigned, luaCallsPerSec, storeUpdatesPerSec,
      ratios: {
        routingVsLua: decisionsPerSec && luaCallsPerSec ? round(decisionsPerSec / luaCallsPerSec, 4) : null,
        routingVsStoreUpdate: decisionsPerSec && storeUpdatesPerSec ? round(decisionsPerSec / storeUpdatesPerSec, 3) : null,
      },
    };
  } finally {
    await queue.close().catch(() => undefined);
    await deleteKeys(redis, `${prefix}*`).catch(() => undefined);
    await redis.quit().catch(() => undefined);
    await db.dropDatabase().catch(() => undefined);
    await db.close();
  }
}
