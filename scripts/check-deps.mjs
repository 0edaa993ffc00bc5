// Import-graph check, run by `npm test`: no cycles, and dependencies point one way (docs/architecture.md).
// The graph comes from esbuild's metafile (madge and dpdm need TypeScript's JS compiler API, which TS 7 lacks).
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const entries = ['src/main.ts', 'src/whatsapp-main.ts', 'scripts/seed.ts'];
const { metafile } = await build({
  entryPoints: entries, outdir: '.data/check-deps', bundle: true, write: false, metafile: true, platform: 'node', format: 'esm',
  packages: 'external', logLevel: 'silent',
});
const graph = new Map(Object.entries(metafile.inputs).map(([file, v]) => [file, v.imports.map((i) => i.path).filter((p) => metafile.inputs[p])]));

// The agent console imports only types from src/domain. Type-only imports are erased before bundling, so any file
// outside agent-ui/ in its graph is a runtime import and is refused.
const ui = await build({
  entryPoints: ['agent-ui/src/main.tsx'], outdir: '.data/check-deps-ui', bundle: true, write: false, metafile: true, format: 'esm',
  packages: 'external', logLevel: 'silent', jsx: 'automatic', loader: { '.css': 'empty' },
});
for (const [file, v] of Object.entries(ui.metafile.inputs)) {
  for (const dep of v.imports.map((i) => i.path).filter((p) => ui.metafile.inputs[p])) graph.set(file, [...(graph.get(file) ?? []), dep]);
  graph.set(file, graph.get(file) ?? []);
}

// Layering: a file under the key may not import a file under any of the listed prefixes.
const forbidden = {
  'src/domain/': ['src/store/', 'src/services/', 'src/http/', 'src/realtime/', 'src/queues/', 'channels/', 'workers/'],
  'src/store/': ['src/services/', 'src/http/', 'src/realtime/', 'channels/', 'workers/'],
  'src/services/': ['src/http/', 'src/realtime/', 'channels/', 'workers/'],
  'channels/': ['src/store/', 'src/services/', 'src/queues/', 'src/http/', 'src/realtime/', 'workers/'],
  'workers/': ['src/http/', 'src/realtime/'],
  'agent-ui/': ['src/', 'channels/', 'workers/', 'scripts/'],
};
const problems = [];
for (const [file, imports] of graph) {
  for (const [layer, banned] of Object.entries(forbidden)) {
    if (!file.startsWith(layer)) continue;
    for (const dep of imports) if (banned.some((b) => dep.startsWith(b))) problems.push(`layering: ${file} imports ${dep}`);
  }
}

// Store access: every collection is reached through its repository (models(db) hands out nothing else). A file
// outside src/store that imports the models (src/store/collections.ts) or names one is refused.
const repositoryOnly = [
  { collection: 'conversations', repository: 'src/store/conversations.ts', patterns: [/\bconversationModel\b/, /\.Conversation\./] },
  { collection: 'customers', repository: 'src/store/customers.ts, `customers` on Models', patterns: [/\bcustomerModel\b/, /\.Customer\./] },
  { collection: 'identities', repository: 'src/store/identities.ts, `identities` on Models', patterns: [/\bidentityModel\b/, /\.Identity\./] },
  { collection: 'audit', repository: 'src/store/audit.ts, `audit` on Models', patterns: [/\bauditModel\b/, /\.Audit\./] },
  { collection: 'messages', repository: 'src/store/messages.ts, `messages` on Models', patterns: [/\bmessageModel\b/, /\.Message\b/] },
  { collection: 'quarantine', repository: 'src/store/quarantine.ts, `quarantine` on Models', patterns: [/\bquarantineModel\b/, /\.Quarantine\b/] },
  { collection: 'agents', repository: 'src/store/agents.ts, `agents` on Models', patterns: [/\bagentModel\b/, /\.Agent\./] },
  { collection: 'teams', repository: 'src/store/teams.ts, `teams` on Models', patterns: [/\bteamModel\b/, /\.Team\./] },
  { collection: 'team policies', repository: 'src/store/sla.ts, `teamPolicies` on Models', patterns: [/\bteamPolicyModel\b/, /\.TeamPolicy\./] },
  { collection: 'canned responses', repository: 'src/store/canned.ts, `canned` on Models', patterns: [/\bcannedModel\b/, /\.Canned\./] },
  { collection: 'metric events', repository: 'src/store/metric-events.ts, `metricEvents` on Models', patterns: [/\bmetricEventModel\b/, /\.MetricEvent\./] },
  { collection: 'settings', repository: 'src/store/settings.ts, `settings` on Models', patterns: [/\bsettingModel\b/, /\.Setting\./] },
  { collection: 'metric buckets', repository: 'src/store/metric-buckets.ts, `metricBuckets` on Models', patterns: [/\bmetricBucketModel\b/, /\.MetricBucket\./, /\bmetricMonthModel\b/, /\.MetricMonth\./] },
];
for (const [file, imports] of graph) {
  if (file.startsWith('src/store/') || !/^(src|channels|workers)\//.test(file)) continue;
  if (imports.includes('src/store/collections.ts')) problems.push(`store: ${file} imports src/store/collections.ts (models for tests and tools); use the repositories of models(db)`);
  const text = readFileSync(file, 'utf8');
  for (const { collection, repository, patterns } of repositoryOnly) {
    for (const pattern of patterns) if (pattern.test(text)) problems.push(`store: ${file} reaches the ${collection} model (${pattern}); use the repository (${repository})`);
  }
}

// Cycles: depth-first search with colours.
const state = new Map();
const stack = [];
function visit(file) {
  state.set(file, 'open');
  stack.push(file);
  for (const dep of graph.get(file) ?? []) {
    if (state.get(dep) === 'open') problems.push(`cycle: ${[...stack.slice(stack.indexOf(dep)), dep].join(' -> ')}`);
    else if (!state.has(dep)) visit(dep);
  }
  stack.pop();
  state.set(file, 'done');
}
for (const file of graph.keys()) if (!state.has(file)) visit(file);

if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`import graph ok: ${graph.size} files, no cycles, layering respected`);
