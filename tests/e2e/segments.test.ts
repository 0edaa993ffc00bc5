import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Types } from 'mongoose';
import type { Browser, Page } from 'playwright-core';
import { createAgent } from '../../src/services/agents/agents';
import { ingest } from '../../src/services/ingest/ingest';
import { collectionsOf } from '../../src/store/collections';
import { consoleIn, ensureConsoleBuilt, launchChromium } from '../helpers/browser';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { emailMessage } from '../helpers/messages';

// Segments in Chromium against a real hub: a supervisor saves a Customers filter as a segment shown as an inbox
// view with an opening rule, labels customers into it, and the segment's view lists their open conversations with a
// count, live as another customer joins; in Turkish and in English. Screenshots go to /tmp/shots/segments/.
const PASSWORD = 'correct horse battery';
const shots = process.env.SHOTS_DIR ?? '/tmp/shots/segments';
let hub: Awaited<ReturnType<typeof startTestHub>>;
let browser: Browser;
const dialogs: string[] = [];
const customers: Record<string, string> = {};
jest.setTimeout(120_000);

beforeAll(async () => {
  ensureConsoleBuilt();
  hub = await startTestHub(testConfig('e2esegments'), 'all');
  await createAgent(hub.deps.models, { email: 'supervizor@example.com', name: 'Süpervizör Can', password: PASSWORD, role: 'supervisor' });
  await createAgent(hub.deps.models, { email: 'agent@example.com', name: 'Agent Jane', password: PASSWORD, role: 'agent' });
  await collectionsOf(hub.deps.models).Team.create({ name: 'VIP Destek' });
  for (const [who, name] of [['ayse', 'Ayşe Yılmaz'], ['mehmet', 'Mehmet Öz'], ['zeynep', 'Zeynep Kaya']] as const) {
    const r = await ingest(hub.deps.models, null, { ...emailMessage(`seg-${who}`, `${who}@example.com`), from: { address: `${who}@example.com`, name } });
    customers[who] = String(r.customerId);
  }
  browser = await launchChromium();
  mkdirSync(shots, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
});

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(shots, `${name}.png`) });
const segmentNav = (page: Page, name: string) => page.locator('nav.views ul.segment-views button', { hasText: name });

test('a supervisor saves a filter as a segment view; labelled customers fill it (Turkish)', async () => {
  const page = await consoleIn(browser, hub.url!, { email: 'supervizor@example.com', password: PASSWORD }, { language: 'tr', viewport: { width: 1280, height: 800 }, dialogs });
  await page.goto(`${hub.url}/customers`);
  await page.locator('#customers-title').waitFor();
  await page.getByText('Henüz segment yok.', { exact: false }).waitFor();

  // The filter "label vip", saved with a view and a rule.
  await page.getByLabel('Etiket', { exact: true }).fill('vip');
  await page.getByRole('button', { name: 'Uygula' }).click();
  await page.locator('.customers .total', { hasText: /^0 müşteri$/ }).waitFor();
  await page.getByRole('button', { name: 'Segment olarak kaydet' }).click();
  const dialog = page.locator('dialog.segment-dialog');
  await dialog.locator('.filter-summary', { hasText: 'Etiket: vip' }).waitFor();
  await dialog.getByLabel('Ad', { exact: true }).fill('VIP');
  await dialog.getByLabel('Öncelik').fill('2');
  await dialog.getByLabel('Ekip').selectOption({ label: 'VIP Destek' });
  await dialog.getByLabel('İlk yanıt hedefi (dakika)').fill('30');
  await shot(page, 'segment-dialog-tr');
  await dialog.getByRole('button', { name: 'Kaydet' }).click();
  await page.getByText('Segment kaydedildi.').waitFor();
  const row = page.locator('table.segment-list tbody tr', { hasText: 'VIP' });
  await row.locator('td.num', { hasText: /^0$/ }).waitFor();
  await row.getByText('Öncelik 2').waitFor();

  // Two customers get the label: the segment counts them, and their open conversations join its view.
  await page.getByRole('button', { name: 'Temizle' }).click();
  await page.locator('.customers .total', { hasText: /^3 müşteri$/ }).waitFor();
  await page.getByLabel('Ayşe Yılmaz seç').check();
  await page.getByLabel('Mehmet Öz seç').check();
  await page.getByLabel('Eklenecek etiket').fill('VIP');
  await page.getByRole('button', { name: 'Seçililere ekle' }).click();
  await page.getByText('2 müşterinin etiketleri değişti.').waitFor();
  await page.reload();
  await page.locator('table.segment-list tbody tr', { hasText: 'VIP' }).locator('td.num', { hasText: /^2$/ }).waitFor();
  // "Show customers" applies the segment's filter to the directory.
  await page.locator('table.segment-list tbody tr', { hasText: 'VIP' }).getByRole('button', { name: 'Müşterileri göster' }).click();
  await page.locator('.customers .total', { hasText: /^2 müşteri$/ }).waitFor();
  await shot(page, 'customers-segments-tr');

  await page.getByRole('button', { name: 'Gelen kutusuna dön' }).click();
  await segmentNav(page, 'VIP').locator('.count', { hasText: /^2$/ }).waitFor();
  await segmentNav(page, 'VIP').click();
  await page.locator('.list [role="option"]').nth(1).waitFor();
  expect((await page.locator('.list [role="option"] .name').allInnerTexts()).sort()).toEqual(['Ayşe Yılmaz', 'Mehmet Öz']);
  await shot(page, 'inbox-segment-view-tr');
  expect(dialogs).toEqual([]);
});

test('the segment view follows membership live; a team-restricted agent sees it in English', async () => {
  const page = await consoleIn(browser, hub.url!, { email: 'agent@example.com', password: PASSWORD }, { language: 'en', viewport: { width: 1920, height: 1080 }, dialogs });
  await page.goto(hub.url!);
  await page.locator('nav.views h2', { hasText: 'Segments' }).waitFor();
  await segmentNav(page, 'VIP').click();
  await page.locator('.list [role="option"]').nth(1).waitFor();
  // Zeynep becomes a VIP while the agent looks at the view: her conversation appears, and the count follows.
  await hub.deps.models.customers.setTags(new Types.ObjectId(customers.zeynep), ['vip'], []);
  await page.locator('.list [role="option"] .name', { hasText: 'Zeynep Kaya' }).waitFor();
  await segmentNav(page, 'VIP').locator('.count', { hasText: /^3$/ }).waitFor();
  await shot(page, 'inbox-segment-view-en-1920');
  // ... and leaves it when the label goes.
  await hub.deps.models.customers.setTags(new Types.ObjectId(customers.zeynep), [], ['vip']);
  await page.locator('.list [role="option"] .name', { hasText: 'Zeynep Kaya' }).waitFor({ state: 'detached' });
  await segmentNav(page, 'VIP').locator('.count', { hasText: /^2$/ }).waitFor();

  // The Customers page lists the segment for agents too (read only: no edit or remove).
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${hub.url}/customers`);
  const row = page.locator('table.segment-list tbody tr', { hasText: 'VIP' });
  await row.getByText('Inbox view').waitFor();
  expect(await row.getByRole('button', { name: 'Edit' }).count()).toBe(0);
  await shot(page, 'customers-segments-en');
  expect(dialogs).toEqual([]);
});

test('a supervisor edits the segment in English', async () => {
  const page = await consoleIn(browser, hub.url!, { email: 'supervizor@example.com', password: PASSWORD }, { language: 'en', viewport: { width: 1280, height: 800 }, dialogs });
  await page.goto(`${hub.url}/customers`);
  await page.locator('table.segment-list tbody tr', { hasText: 'VIP' }).getByRole('button', { name: 'Edit' }).click();
  const dialog = page.locator('dialog.segment-dialog');
  await dialog.getByText('Edit the segment “VIP”').waitFor();
  expect(await dialog.getByLabel('First response target (minutes)').inputValue()).toBe('30');
  await dialog.getByLabel('Description').fill('Customers labelled vip');
  await shot(page, 'segment-dialog-en');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await page.locator('table.segment-list tbody tr', { hasText: 'Customers labelled vip' }).waitFor();
  expect(dialogs).toEqual([]);
});
