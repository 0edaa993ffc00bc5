import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { wallboardSchema } from '../../src/http/routes/routing';
import { signedInAgent } from '../helpers/agent-api';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { spawnKanal, stopProcess, waitFor } from '../helpers/process';
import { settleRouting } from '../helpers/routing';
import type { Config } from '../../src/config';

// Routing works out of the box: the seed and the process entry create the default team with a policy that assigns,
// and the seeded conversations are routed into it (not left team-less and unrouted).
const root = path.resolve(__dirname, '../..');
const config = testConfig('defaultteam', { ROUTING_DEFAULT_TEAM: 'Destek' });

function envOf(c: Config): Record<string, string> {
  const env: Record<string, string> = { ...(process.env as Record<string, string>) };
  for (const key of ['MONGODB_URI', 'REDIS_URL', 'QUEUE_PREFIX', 'FERRETDB_POSTGRESQL_URL', 'ROUTING_DEFAULT_TEAM'] as const) {
    const v = c[key];
    if (v !== undefined) env[key] = String(v);
  }
  return env;
}

test('the seed creates the default team with least-busy routing and its conversations are routed into it', async () => {
  const seed = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/seed.ts'], { cwd: root, env: envOf(config), encoding: 'utf8' });
  expect(seed.stderr).toBe('');
  expect(seed.status).toBe(0);
  expect(seed.stdout).toContain('team "Destek"');

  const hub = await startTestHub(config, 'all');
  try {
    const team = await hub.deps.models.teams.byName('Destek');
    expect(team?.assignmentPolicy).toBe('least-busy');
    await settleRouting(hub); // the routing jobs the seed queued
    const sup = await signedInAgent(hub, 'sup@kanal.test', 'Selin', 'supervisor');
    const b = wallboardSchema.parse((await sup.api('GET', '/supervisor/wallboard')).body);
    // Every demo conversation: nobody is online, so they all wait in Destek, none team-less.
    const open = await hub.deps.models.conversations.inStatus('open');
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((c) => String(c.teamId) === String(team!._id))).toBe(true);
    expect(b.teams.find((t) => t.name === 'Destek')).toMatchObject({ policy: 'least-busy', queueLength: open.length });
    expect(b.noTeam.queueLength).toBe(0);
  } finally {
    await hub.stop();
  }
}, 120_000);

test('a hub started with a default team that does not exist yet creates it, with least-busy routing', async () => {
  const own = testConfig('defaultteamstart', { ROUTING_DEFAULT_TEAM: 'Gece Ekibi' });
  const worker = spawnKanal('worker', own);
  const hub = await startTestHub(own, 'hub');
  try {
    const team = await waitFor(() => hub.deps.models.teams.byName('Gece Ekibi'), 60_000, 'the default team');
    expect(team.assignmentPolicy).toBe('least-busy');
  } finally {
    await stopProcess(worker);
    await hub.stop();
  }
}, 120_000);
