import { mkdirSync } from 'node:fs';
import { Types } from 'mongoose';
import type { Browser, Page } from 'playwright-core';
import { createAgent, createTeam } from '../../src/services/agents/agents';
import { createCanned } from '../../src/services/agents/canned';
import { createWebhook } from '../../src/services/webhooks/webhooks';
import { ensureConsoleBuilt, launchChromium, recordDialogs, signInConsole } from '../helpers/browser';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';

// The audit log page (Management → Denetim kaydı) in Chromium against a real hub: an admin reads the changes newest
// first with localized actions and the changed fields, filters them, pages to older days and exports the CSV of the
// filter; a supervisor has no such page.
const PASSWORD = 'correct horse battery';
const SHOTS = '/tmp/shots/audit';

let hub: Awaited<ReturnType<typeof startTestHub>>;
let browser: Browser;
const dialogs: string[] = [];

async function consolePage(email: string, language: 'tr' | 'en' = 'tr'): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: language === 'tr' ? 'tr-TR' : 'en-GB' });
  const page = await ctx.newPage();
  recordDialogs(page, dialogs);
  await signInConsole(page, hub.url!, email, PASSWORD);
  await page.evaluate((l) => fetch('/api/me/settings', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ language: l }) }), language);
  return page;
}

beforeAll(async () => {
  ensureConsoleBuilt();
  hub = await startTestHub(testConfig('e2eaudit'), 'all');
  const admin = await createAgent(hub.deps.models, { email: 'yonetici@example.com', name: 'Yönetici Ece', password: PASSWORD, role: 'admin' });
  await createAgent(hub.deps.models, { email: 'supervizor@example.com', name: 'Süpervizör Can', password: PASSWORD, role: 'supervisor' });
  // Sixty older changes, one a day (the page shows fifty, then the next days on "Daha eski kayıtlar").
  for (let d = 60; d >= 1; d -= 1) {
    await hub.deps.models.audit.record({
      action: 'canned.updated', actor: { id: admin.id, name: 'Yönetici Ece' }, subjectType: 'canned', subjectName: `/eski${d}`,
      subjectId: new Types.ObjectId(), before: { text: `eski ${d}` }, after: { text: `yeni ${d}` }, summary: `Yönetici Ece: canned.updated canned "/eski${d}"`,
      at: new Date(Date.now() - d * 86_400_000),
    });
  }
  // Today's changes, through the services an admin's requests call.
  await createAgent(hub.deps.models, { email: 'zeynep@example.com', name: 'Zeynep Şahin', password: PASSWORD, role: 'agent' }, admin);
  await createTeam(hub.deps.models, 'Satış', admin);
  await createCanned(hub.deps.models, { shortcut: 'iade', title: 'İade', text: 'İade süresi 14 gündür.' }, admin);
  await createWebhook(hub.deps.models, admin, { url: 'http://127.0.0.1:9/kanal', description: '', events: ['message.created'], enabled: true, allowPrivate: true });
  browser = await launchChromium();
  mkdirSync(SHOTS, { recursive: true });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
});

const rows = (page: Page) => page.locator('table[aria-label="Denetim kaydı"] tbody tr');

test('an admin reads, filters, pages and exports the audit log (Turkish)', async () => {
  const page = await consolePage('yonetici@example.com');
  await page.locator('.topbar button', { hasText: 'Yönetim' }).click();
  await page.locator('.admin nav button', { hasText: 'Denetim kaydı' }).click();
  expect(new URL(page.url()).pathname).toBe('/admin/audit');

  // Newest first: today's webhook, canned response, team and agent, then the older days.
  const table = rows(page);
  await table.nth(49).waitFor();
  const first = await table.locator('td:nth-child(3)').allTextContents();
  expect(first.slice(0, 4)).toEqual(['Webhook oluşturuldu', 'Hazır yanıt oluşturuldu', 'Ekip oluşturuldu', 'Temsilci oluşturuldu']);
  expect(await table.count()).toBe(50);
  const webhookRow = table.first();
  expect(await webhookRow.locator('td:nth-child(4)').textContent()).toBe('Webhook http://127.0.0.1:9/kanal');
  // The signing secret is masked in the changes column.
  expect(await webhookRow.locator('.audit-changes').textContent()).toContain('secret: ••••••');
  await page.screenshot({ path: `${SHOTS}/audit-tr.png`, fullPage: false });

  // Older days on demand: all sixty-four, none twice.
  await page.locator('button', { hasText: 'Daha eski kayıtlar' }).click();
  await table.nth(63).waitFor();
  expect(await table.count()).toBe(64);
  const older = await table.locator('td:nth-child(4)').allTextContents();
  expect(new Set(older).size).toBe(64);
  expect(older.at(-1)).toBe('Hazır yanıt /eski60');
  await expect(page.locator('button', { hasText: 'Daha eski kayıtlar' }).count()).resolves.toBe(0);

  // Filter: the webhook family; then free text.
  const form = page.locator('form[aria-label="Denetim kaydı süzgeçleri"]');
  await form.getByLabel('İşlem', { exact: true }).selectOption('webhook.');
  await form.locator('button[type="submit"]').click();
  await page.waitForFunction(() => document.querySelectorAll('table tbody tr').length === 1);
  expect(await table.locator('td:nth-child(3)').allTextContents()).toEqual(['Webhook oluşturuldu']);
  expect(await form.locator('a.csv').getAttribute('href')).toBe('/api/admin/audit.csv?action=webhook.');

  await form.getByLabel('İşlem', { exact: true }).selectOption('');
  await form.getByLabel('Ara', { exact: true }).fill('ESKİ7');
  await form.locator('button[type="submit"]').click();
  await table.filter({ hasText: '/eski7' }).waitFor();
  expect(await table.locator('td:nth-child(4)').allTextContents()).toEqual(['Hazır yanıt /eski7']);

  // The CSV of the filter, downloaded as the browser does.
  const csv = await page.evaluate(async (href) => (await fetch(href)).text(), (await form.locator('a.csv').getAttribute('href'))!);
  expect(csv.split('\r\n').filter(Boolean)).toHaveLength(2);
  expect(csv).toContain('/eski7');
  expect(dialogs).toEqual([]);
  await page.context().close();
}, 90_000);

test('English: the same page, localized', async () => {
  const page = await consolePage('yonetici@example.com', 'en');
  await page.goto(`${hub.url}/admin/audit`);
  const row = page.locator('table[aria-label="Audit log"] tbody tr', { hasText: 'Webhook created' });
  await row.waitFor();
  expect(await row.locator('td:nth-child(4)').textContent()).toBe('Webhook http://127.0.0.1:9/kanal');
  await page.screenshot({ path: `${SHOTS}/audit-en.png`, fullPage: false });
  await page.context().close();
}, 60_000);

test('a supervisor has no audit log page', async () => {
  const page = await consolePage('supervizor@example.com');
  await page.goto(`${hub.url}/admin/audit`);
  await page.locator('.admin nav button', { hasText: 'Canlı pano' }).waitFor();
  expect(await page.locator('.admin nav button', { hasText: 'Denetim kaydı' }).count()).toBe(0);
  expect(await page.locator('table[aria-label="Denetim kaydı"]').count()).toBe(0);
  await page.context().close();
}, 60_000);
