import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { enqueueInbound } from '../../src/queues';
import { createAgent, createTeam } from '../../src/services/agents';
import { launchChromium, recordDialogs, signInConsole } from '../helpers/browser';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { webchatMessage } from '../helpers/messages';
import { waitFor } from '../helpers/process';

// Supervisor screens in Chromium against a real hub (store, Redis, routing workers): the wallboard follows an
// agent's presence and what they view, live; reports render for the chosen filters and export CSV.
const root = path.resolve(__dirname, '../..');
const artifacts = path.join(root, 'tests/artifacts');
const PASSWORD = 'correct horse battery';

let hub: Awaited<ReturnType<typeof startTestHub>>;
let browser: Browser;
let sup: Page;
let agent: Page;
const dialogs: string[] = [];

async function consolePage(email: string, language: 'tr' | 'en'): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1024, height: 800 }, locale: language === 'tr' ? 'tr-TR' : 'en-GB', acceptDownloads: true });
  const page = await ctx.newPage();
  recordDialogs(page, dialogs);
  await signInConsole(page, hub.url!, email, PASSWORD);
  await page.evaluate((l) => fetch('/api/me/settings', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ language: l }) }), language);
  return page;
}
const agentRow = () => sup.locator('.wallboard tr', { hasText: 'Deniz Kaya' });

beforeAll(async () => {
  if (!existsSync(path.join(root, 'agent-ui/dist/index.html'))) expect(spawnSync(process.execPath, ['scripts/build-ui.mjs'], { cwd: root, stdio: 'inherit' }).status).toBe(0);
  hub = await startTestHub(testConfig('e2esupervisor'), 'all');
  const team = await createTeam(hub.deps.models, 'Destek');
  await createAgent(hub.deps.models, { email: 'sefa@example.com', name: 'Sefa Supervisor', password: PASSWORD, role: 'supervisor' });
  await createAgent(hub.deps.models, { email: 'deniz@example.com', name: 'Deniz Kaya', password: PASSWORD, role: 'agent', teamIds: [team.id], capacity: 3 });
  browser = await launchChromium();
  mkdirSync(artifacts, { recursive: true });
  sup = await consolePage('sefa@example.com', 'en');
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
});

test('an agent sees no supervisor screens; the wallboard shows the agent going online, away and viewing, live', async () => {
  await sup.goto(`${hub.url}/supervisor`);
  await agentRow().waitFor();
  expect(await agentRow().locator('.presence-cell').textContent()).toContain('Offline');
  expect(await sup.locator('.wallboard tr', { hasText: 'Destek' }).locator('.queue-length').textContent()).toBe('0');

  agent = await consolePage('deniz@example.com', 'tr');
  await agent.reload();
  await agent.locator('nav.views').waitFor();
  expect(await agent.locator('.topbar button', { hasText: 'Yönetim' }).count()).toBe(0);
  expect(await agent.evaluate(() => fetch('/api/supervisor/wallboard').then((r) => r.status))).toBe(403);

  // The console announces the agent online when it connects; the supervisor's wallboard follows without a reload.
  await agentRow().locator('.presence-cell.online').waitFor({ timeout: 15_000 });
  await agent.locator('.topbar .presence select').selectOption('away');
  await agentRow().locator('.presence-cell.away', { hasText: 'Away' }).waitFor({ timeout: 15_000 });
  expect(await agentRow().locator('td.num').first().textContent()).toMatch(/^\d+ s$/);

  // The agent opens a conversation: the wallboard lists them as viewing it.
  await enqueueInbound(hub.deps.queues, webchatMessage('sup-1', 'v_supervisor_test'));
  const conversation = await waitFor(() => hub.deps.models.Conversation.findOne({}).lean(), 15_000, 'the conversation');
  await agent.goto(`${hub.url}/c/${String(conversation._id)}`);
  await agent.locator('.msg.in', { hasText: 'siparişim nerede' }).waitFor();
  await sup.locator('.viewers li', { hasText: 'Deniz Kaya' }).waitFor({ timeout: 15_000 });
  await sup.screenshot({ path: path.join(artifacts, 'supervisor-wallboard.png'), fullPage: true });
  expect(dialogs).toEqual([]);
}, 90_000);
