// Automation rules' cost on ingest: web chat messages through the real queue, worker and store, with 0 rules and
// with 20 enabled rules, in the same hub and the same run, alternating rounds (0, 20, 0, 20 ...), medians compared.
// The hub runs everything in one process (role `all`), so the automation worker's own work (conditions, run records,
// the actions of the rules that match) competes with ingest for the same CPU, as on a small deployment.
// Target: added ingest cost per message with 20 rules ≤ 15 %. Run alone with
//   BENCH_ONLY=automation npm run bench      (BENCH_AUTOMATION_N=300 messages per round, BENCH_AUTOMATION_ROUNDS=3)
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../src/config';
import type { RuleInput } from '../src/domain/automation';
import { startHub } from '../src/hub';
import { enqueueInbound } from '../src/queues';
import { createRule, deleteRule, listRules } from '../src/services/automation';
import { collectionsOf } from '../src/store/collections';
import { cpuMsOf, envInt, inboundFor, pidListeningOn, round, waitUntil } from './lib';

const N = envInt('BENCH_AUTOMATION_N', 300, 20, 100_000);
const ROUNDS = envInt('BENCH_AUTOMATION_ROUNDS', 3, 1, 50);
/** Messages per visitor: every fourth message opens a conversation. */
const PER_VISITOR = 4;
const TARGET = 0.15;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const actor = { id: 'bench', name: 'bench' };

/**
 * Twenty rules as a team would have them: most look at every inbound message and few match (keywords, channels,
 * labels, business hours), two act on new conversations, two on status changes (none happen here). The bench
 * texts (bench/lib.ts) are Turkish support messages: "iade" and "fatura" match some of them.
 */
function twentyRules(): RuleInput[] {
  const rules: RuleInput[] = [];
  const base = { enabled: true, anyOf: [] };
  const keywords = ['iade', 'fatura', 'hasar', 'kargo', 'iptal', 'şikayet', 'acil', 'avukat', 'indirim', 'kampanya', 'ödeme', 'şifre'];
  for (const word of keywords) {
    rules.push({ ...base, name: `kelime ${word}`, event: 'message.received', conditions: [{ type: 'text', op: 'contains', value: word.toUpperCase() }], actions: [{ type: 'add_labels', labels: [word] }] });
  }
  rules.push({ ...base, name: 'e-posta kanalı', event: 'message.received', conditions: [{ type: 'channel', in: ['email'] }], actions: [{ type: 'set_priority', priority: 10 }] });
  rules.push({ ...base, name: 'mesai dışı', event: 'message.received', conditions: [{ type: 'business_hours', inside: false }, { type: 'labels', op: 'any', labels: ['acil'] }], actions: [{ type: 'add_note', text: 'Mesai dışında acil mesaj' }] });
  rules.push({ ...base, name: 'vip', event: 'message.received', conditions: [{ type: 'labels', op: 'all', labels: ['vip', 'iade'] }], actions: [{ type: 'set_priority', priority: 20 }] });
  rules.push({ ...base, name: 'öncelik', event: 'message.received', conditions: [{ type: 'priority', op: 'gte', value: 30 }], actions: [{ type: 'add_labels', labels: ['yüksek'] }] });
  rules.push({ ...base, name: 'yeni web', event: 'conversation.opened', conditions: [{ type: 'channel', in: ['webchat'] }], actions: [{ type: 'add_labels', labels: ['web'] }] });
  rules.push({ ...base, name: 'yeni sms', event: 'conversation.opened', conditions: [{ type: 'channel', in: ['sms'] }], actions: [{ type: 'set_priority', priority: 5 }] });
  rules.push({ ...base, name: 'beklemede', event: 'conversation.status_changed', conditions: [{ type: 'status', in: ['pending'] }], actions: [{ type: 'add_labels', labels: ['bekliyor'] }] });
  rules.push({ ...base, name: 'çözüldü', event: 'conversation.status_changed', conditions: [{ type: 'status', in: ['resolved'] }], actions: [{ type: 'remove_labels', labels: ['bekliyor'] }] });
  return rules;
}

export async function runAutomationBench(opts: { mongoBase: string; redisUrl: string; runId: string; log?: (m: string) => void }) {
  const log = opts.log ?? ((m: string) => console.log(`[automation bench] ${m}`));
  const config = loadConfig({
    NODE_ENV: 'test', PORT: '0', MONGODB_URI: `${opts.mongoBase}/kb_${opts.runId}_automation`, REDIS_URL: opts.redisUrl,
    QUEUE_PREFIX: `kb:${opts.runId}:automation`, JWT_SECRET: randomBytes(32).toString('hex'), WIDGET_TOKEN_SECRET: randomBytes(32).toString('hex'), LOG_LEVEL: 'silent',
  });
  const hub = await startHub(config, 'all');
  const { queues, models: m } = hub.deps;
  let sent = 0;
  // CPU time is steadier than wall time on a shared machine: this process (hub, workers, bench driver) and the
  // embedded store's FerretDB process (PostgreSQL's backends are not counted).
  const ferretPid = pidListeningOn(Number(new URL(opts.mongoBase).port || 27017));
  const cpu = () => ({ node: (process.cpuUsage().user + process.cpuUsage().system) / 1000, store: ferretPid ? cpuMsOf(ferretPid) ?? 0 : 0 });
  /** One round: N messages enqueued at once; ms until all are ingested, and until the automation queue is empty. */
  const round_ = async (tag: string) => {
    const base = sent;
    const before = (await queues.inbound.getJobCounts('completed')).completed ?? 0;
    const cpu0 = cpu();
    const t0 = performance.now();
    await Promise.all(Array.from({ length: N }, (_, i) => enqueueInbound(queues, inboundFor(`${opts.runId}${tag}`, base + i, Math.ceil(N / PER_VISITOR)))));
    sent += N;
    await waitUntil(async () => ((await queues.inbound.getJobCounts('completed')).completed ?? 0) - before >= N, 300_000, `round ${tag} ingested`, 20);
    const ingestMs = performance.now() - t0;
    await waitUntil(async () => { const c = await queues.automation.getJobCounts('waiting', 'active', 'delayed', 'prioritized'); return Object.values(c).every((v) => v === 0); }, 300_000, `round ${tag} automation drained`, 20);
    const cpu1 = cpu();
    return { ingestMs, settledMs: performance.now() - t0, nodeCpuMs: cpu1.node - cpu0.node, storeCpuMs: cpu1.store - cpu0.store };
  };
  try {
    // Warm-up (indexes, caches, JIT) outside the measurement.
    await round_('w');
    type Round = Awaited<ReturnType<typeof round_>>;
    const without: Round[] = [];
    const with20: Round[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      for (const rule of await listRules(m)) await deleteRule(m, actor, rule.id);
      without.push(await round_(`a${r}`));
      for (const rule of twentyRules()) await createRule(m, actor, rule);
      with20.push(await round_(`b${r}`));
      log(`round ${r + 1}: 0 rules ${round(without[r]!.ingestMs / N, 2)} ms/msg (cpu ${round((without[r]!.nodeCpuMs + without[r]!.storeCpuMs) / N, 2)}), 20 rules ${round(with20[r]!.ingestMs / N, 2)} ms/msg (settled ${round(with20[r]!.settledMs / N, 2)}, cpu ${round((with20[r]!.nodeCpuMs + with20[r]!.storeCpuMs) / N, 2)})`);
    }
    const runs = await collectRuns(hub);
    const perMsg0 = median(without.map((x) => x.ingestMs)) / N;
    const perMsg20 = median(with20.map((x) => x.ingestMs)) / N;
    const settled20 = median(with20.map((x) => x.settledMs)) / N;
    const added = perMsg20 / perMsg0 - 1;
    const result = {
      messagesPerRound: N, rounds: ROUNDS, rules: 20,
      ingestMsPerMessage: { rules0: round(perMsg0, 3), rules20: round(perMsg20, 3) },
      /** Until the automation queue was empty too (every rule evaluated and its actions applied). */
      settledMsPerMessage: { rules0: round(median(without.map((x) => x.settledMs)) / N, 3), rules20: round(settled20, 3) },
      addedIngestCost: round(added, 3), addedSettledCost: round(settled20 / (median(without.map((x) => x.settledMs)) / N) - 1, 3),
      /** CPU ms per message until settled: the hub process and FerretDB. */
      cpuMsPerMessage: {
        rules0: { node: round(median(without.map((x) => x.nodeCpuMs)) / N, 3), store: round(median(without.map((x) => x.storeCpuMs)) / N, 3) },
        rules20: { node: round(median(with20.map((x) => x.nodeCpuMs)) / N, 3), store: round(median(with20.map((x) => x.storeCpuMs)) / N, 3) },
      },
      addedCpuCost: round(median(with20.map((x) => x.nodeCpuMs + x.storeCpuMs)) / median(without.map((x) => x.nodeCpuMs + x.storeCpuMs)) - 1, 3),
      wallMsPerRound: { rules0: without.map((x) => round(x.ingestMs, 0)), rules20: with20.map((x) => round(x.ingestMs, 0)) },
      ruleRunsRecorded: runs, target: TARGET, pass: added <= TARGET,
    };
    log(`ingest per message: ${result.ingestMsPerMessage.rules0} ms (0 rules) vs ${result.ingestMsPerMessage.rules20} ms (20 rules): +${round(added * 100, 1)} % (target ≤ ${TARGET * 100} %)`);
    return result;
  } finally {
    await hub.deps.db.dropDatabase().catch(() => {});
    await hub.close();
  }
}

/** How many rule runs the 20-rule rounds recorded (the rules did act). */
const collectRuns = (hub: Awaited<ReturnType<typeof startHub>>): Promise<number> => collectionsOf(hub.deps.models).AutomationRun.countDocuments({});
