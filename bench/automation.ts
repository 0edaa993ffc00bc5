// Automation rules' cost on ingest: web chat messages through the real queue, worker and store, with 0 rules, with
// 20 enabled rules that do not hold for these messages (the machinery) and with 20 that act on most of them, in the
// same hub and the same run, rounds alternating (0, quiet, acting, 0, ...), medians compared; wall time and CPU time.
// The hub runs everything in one process (role `all`), so the automation worker's own work (conditions, run records,
// the actions of the rules that match) competes with ingest for the same CPU, as on a small deployment.
// Target: added ingest cost per message with 20 rules ≤ 15 %. Run alone with
//   BENCH_ONLY=automation npm run bench      (BENCH_AUTOMATION_N=200 messages per round, BENCH_AUTOMATION_ROUNDS=3)
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../src/config';
import type { RuleInput } from '../src/domain/automation';
import { startHub } from '../src/hub';
import { enqueueInbound } from '../src/queues';
import { createRule, deleteRule, listRules } from '../src/services/automation';
import { collectionsOf } from '../src/store/collections';
import { cpuMsOf, envInt, inboundFor, pidListeningOn, round, waitUntil } from './lib';

const N = envInt('BENCH_AUTOMATION_N', 200, 20, 100_000);
const ROUNDS = envInt('BENCH_AUTOMATION_ROUNDS', 3, 1, 50);
/** Messages per visitor: every fourth message opens a conversation. */
const PER_VISITOR = 4;
const TARGET = 0.15;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const actor = { id: 'bench', name: 'bench' };

/**
 * Twenty rules that act a lot: the bench texts (bench/lib.ts, Turkish support messages) hold "kargo", "iade", "ödeme",
 * "fatura" and "hasar", so four messages in five match a keyword rule (a label the first time per conversation), and
 * every new web chat conversation gets a label: the rules' own actions (store writes, thread events, realtime) are
 * part of this cost, as they would be if an agent did them.
 */
function actingRules(): RuleInput[] {
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

/**
 * Twenty rules as a team would have them, none of which holds for these messages: twelve keyword rules the observer
 * can rule out from the text alone (no job), four on labels, priority and business hours that the worker must read
 * the conversation for, two on new conversations of other channels, two on status changes (none happen here). This
 * is the cost of the machinery itself on every message.
 */
function quietRules(): RuleInput[] {
  const rules: RuleInput[] = [];
  const base = { enabled: true, anyOf: [] };
  for (const word of ['iptal', 'şikayet', 'acil', 'avukat', 'indirim', 'kampanya', 'şifre', 'garanti', 'tüketici', 'dolandırıcı', 'fiyat', 'stok']) {
    rules.push({ ...base, name: `kelime ${word}`, event: 'message.received', conditions: [{ type: 'text', op: 'contains', value: word.toUpperCase() }], actions: [{ type: 'add_labels', labels: [word] }] });
  }
  rules.push({ ...base, name: 'vip', event: 'message.received', conditions: [{ type: 'labels', op: 'all', labels: ['vip', 'iade'] }], actions: [{ type: 'set_priority', priority: 20 }] });
  rules.push({ ...base, name: 'öncelik', event: 'message.received', conditions: [{ type: 'priority', op: 'gte', value: 30 }], actions: [{ type: 'add_labels', labels: ['yüksek'] }] });
  rules.push({ ...base, name: 'mesai dışı acil', event: 'message.received', conditions: [{ type: 'labels', op: 'any', labels: ['acil'] }, { type: 'business_hours', inside: false }], actions: [{ type: 'add_note', text: 'Mesai dışında acil mesaj' }] });
  rules.push({ ...base, name: 'ekip', event: 'message.received', conditions: [{ type: 'labels', op: 'any', labels: ['kurumsal'] }], actions: [{ type: 'set_priority', priority: 10 }] });
  rules.push({ ...base, name: 'yeni e-posta', event: 'conversation.opened', conditions: [{ type: 'channel', in: ['email'] }], actions: [{ type: 'add_labels', labels: ['e-posta'] }] });
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
    const sets = { rules0: [] as RuleInput[], quiet20: quietRules(), acting20: actingRules() };
    const rounds: Record<keyof typeof sets, Round[]> = { rules0: [], quiet20: [], acting20: [] };
    for (let r = 0; r < ROUNDS; r++) {
      // The order turns every round, so no set always runs on the smaller store or right after another's backlog.
      const order = Object.entries(sets) as [keyof typeof sets, RuleInput[]][];
      for (const [name, rules] of [...order.slice(r % order.length), ...order.slice(0, r % order.length)]) {
        for (const rule of await listRules(m)) await deleteRule(m, actor, rule.id);
        for (const rule of rules) await createRule(m, actor, rule);
        rounds[name].push(await round_(`${name}${r}`));
      }
      log(`round ${r + 1}: ${Object.entries(rounds).map(([k, v]) => `${k} ${round(v[r]!.ingestMs / N, 2)} ms/msg (cpu ${round((v[r]!.nodeCpuMs + v[r]!.storeCpuMs) / N, 2)})`).join(', ')}`);
    }
    const runs = await collectRuns(hub);
    const per = (xs: number[]) => round(median(xs) / N, 3)!;
    const summary = Object.fromEntries(Object.entries(rounds).map(([k, v]) => [k, {
      ingestMsPerMessage: per(v.map((x) => x.ingestMs)), settledMsPerMessage: per(v.map((x) => x.settledMs)),
      cpuMsPerMessage: { node: per(v.map((x) => x.nodeCpuMs)), store: per(v.map((x) => x.storeCpuMs)) },
      wallMsPerRound: v.map((x) => round(x.ingestMs, 0)),
    }])) as Record<keyof typeof sets, { ingestMsPerMessage: number; settledMsPerMessage: number; cpuMsPerMessage: { node: number; store: number }; wallMsPerRound: (number | null)[] }>;
    const cpu = (k: keyof typeof sets) => median(rounds[k].map((x) => x.nodeCpuMs + x.storeCpuMs));
    // Each round's set against the no-rule run of the same round (the machine's load drifts between rounds), median.
    const paired = (k: 'quiet20' | 'acting20', of: (x: Round) => number) => round(median(rounds[k].map((x, i) => of(x) / of(rounds.rules0[i]!))) - 1, 3);
    const added = (k: 'quiet20' | 'acting20') => ({
      ingest: paired(k, (x) => x.ingestMs),
      settled: paired(k, (x) => x.settledMs),
      cpu: paired(k, (x) => x.nodeCpuMs + x.storeCpuMs),
      /** The same from the medians of each set (not paired). */
      unpaired: {
        ingest: round(summary[k].ingestMsPerMessage / summary.rules0.ingestMsPerMessage - 1, 3),
        cpu: round(cpu(k) / cpu('rules0') - 1, 3),
      },
    });
    const result = {
      messagesPerRound: N, rounds: ROUNDS, ...summary,
      added: { quiet20: added('quiet20'), acting20: added('acting20') },
      ruleRunsRecorded: runs, target: TARGET,
      /** The target is on the machinery (20 enabled rules evaluated on every message); the acting set adds the actions' own work. */
      pass: (added('quiet20').ingest ?? 1) <= TARGET,
    };
    log(`added per message, quiet 20 rules: ingest ${result.added.quiet20.ingest}, cpu ${result.added.quiet20.cpu}; acting 20 rules: ingest ${result.added.acting20.ingest}, cpu ${result.added.acting20.cpu} (target ≤ ${TARGET})`);
    return result;
  } finally {
    await hub.deps.db.dropDatabase().catch(() => {});
    await hub.close();
  }
}

/** How many rule runs the 20-rule rounds recorded (the rules did act). */
const collectRuns = (hub: Awaited<ReturnType<typeof startHub>>): Promise<number> => collectionsOf(hub.deps.models).AutomationRun.countDocuments({});
