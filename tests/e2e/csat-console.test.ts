import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { enqueueInbound } from '../../src/queues';
import { createAgent } from '../../src/services/agents/agents';
import { SURVEY_LINK_RE } from '../../src/services/csat/survey-link';
import { flushMetrics } from '../../src/services/metrics/metrics-buckets';
import { collectionsOf } from '../../src/store/collections';
import { consoleIn, ensureConsoleBuilt, launchChromium } from '../helpers/browser';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { webchatMessage } from '../helpers/messages';
import { waitFor } from '../helpers/process';

// CSAT in the console (Chromium, real hub): the answer in the thread and the profile sidebar, the team survey
// settings an admin changes, and CSAT % and response rate in Reports; Turkish and English, with screenshots.
const shots = '/tmp/shots/csat';
const PASSWORD = 'correct horse battery';
let hub: Awaited<ReturnType<typeof startTestHub>>;
let browser: Browser;
let conversationId = '';
const dialogs: string[] = [];

const consolePage = (language: 'tr' | 'en'): Promise<Page> =>
  consoleIn(browser, hub.url!, { email: 'ece@example.com', password: PASSWORD }, { language, viewport: { width: 1500, height: 900 }, dialogs });

beforeAll(async () => {
  ensureConsoleBuilt();
  hub = await startTestHub(testConfig('e2ecsatconsole'), 'all');
  await createAgent(hub.deps.models, { email: 'ece@example.com', name: 'Ece Yönetici', password: PASSWORD, role: 'admin' });
  // A resolved web chat conversation whose customer answered the survey (4, with a comment) through its link.
  const msg = webchatMessage(`csat-console-${Date.now()}`, 'visitor-csat-console', 'Siparişim iki gündür kargoda bekliyor');
  await enqueueInbound(hub.deps.queues, msg);
  const stored = (await waitFor(() => collectionsOf(hub.deps.models).Message.findOne({ dedupeKey: msg.dedupeKey }).lean()))!;
  conversationId = String(stored.conversationId);
  const { changeStatus, conversationEffects } = await import('../../src/services/conversations/lifecycle');
  await changeStatus(conversationEffects(hub.deps), { id: 'x', name: 'Ece' }, conversationId, { status: 'resolved' }); // schedules the survey
  const ask = await waitFor(() => collectionsOf(hub.deps.models).Message.findOne({ conversationId: stored.conversationId, 'threadHints.csat': 'ask' }).lean());
  const token = SURVEY_LINK_RE.exec(ask!.text ?? '')![1];
  // The survey is marked sent right after its message is stored and enqueued.
  await waitFor(async () => (await collectionsOf(hub.deps.models).Csat.findById(conversationId).lean())?.status === 'asked');
  const res = await fetch(`${hub.url}/csat/s/${token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ score: 4, comment: 'Hızlı çözüldü, teşekkürler' }) });
  expect(res.status).toBe(200);
  await waitFor(() => flushMetrics(hub.deps.models, hub.deps.redis, hub.deps.config.QUEUE_PREFIX), 10_000, 'the metrics flusher lock');
  browser = await launchChromium();
  mkdirSync(shots, { recursive: true });
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await hub?.stop();
});

test.each([
  ['tr', 'Müşteri görüşmeyi değerlendirdi: 4/5', 'Memnuniyet (CSAT)', 'Memnuniyet anketleri', 'CSAT (tüm yanıtlarda 4-5 oranı)'],
  ['en', 'Customer rated the conversation: 4/5', 'Satisfaction (CSAT)', 'Satisfaction surveys', 'CSAT (4-5 of all answers)'],
] as const)('%s: the answer in the thread and sidebar, the team settings, and CSAT in Reports', async (language, threadEvent, sidebarTitle, settingsTitle, reportRow) => {
  const page = await consolePage(language);
  await page.goto(`${hub.url}/c/${conversationId}`);
  await page.locator('.thread', { hasText: `${threadEvent} ★★★★☆` }).first().waitFor({ timeout: 15_000 });
  const panel = page.locator('.csat-panel');
  await panel.waitFor();
  expect(await panel.locator('h3').textContent()).toBe(sidebarTitle);
  expect(await panel.locator('.csat-list li').first().textContent()).toContain('Hızlı çözüldü, teşekkürler');
  expect(await panel.locator('.csat-score').first().textContent()).toBe('★★★★☆');
  await page.screenshot({ path: `${shots}/console-thread-sidebar-${language}.png` });

  await page.goto(`${hub.url}/admin`);
  const settings = page.locator('.csat-settings');
  await settings.locator('h2', { hasText: settingsTitle }).waitFor();
  await settings.locator('input[type="number"]').nth(1).fill('30');
  await settings.locator('button[type="submit"]').click();
  await settings.locator('[role="status"]').waitFor();
  expect((await hub.deps.models.teamPolicies.byKeys(['default']))[0]?.csat).toMatchObject({ frequencyDays: 30, enabled: true });
  await settings.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${shots}/admin-csat-settings-${language}.png`, fullPage: true });

  await page.goto(`${hub.url}/supervisor/reports`);
  const row = page.locator('.reports tr[data-metric="csat"]');
  await row.waitFor({ timeout: 15_000 });
  expect(await row.locator('th').textContent()).toBe(reportRow);
  expect(await row.locator('td').nth(1).textContent()).toBe('100.0 %');
  expect(await page.locator('.reports tr[data-metric="csat-response"] td').nth(1).textContent()).toContain('100.0 %');
  await page.screenshot({ path: `${shots}/reports-csat-${language}.png` });
  expect(dialogs).toEqual([]);
}, 60_000);
