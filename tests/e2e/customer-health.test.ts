import { mkdirSync } from 'node:fs';
import { Types } from 'mongoose';
import type { Browser, Page } from 'playwright-core';
import { createAgent } from '../../src/services/agents/agents';
import { ingest } from '../../src/services/ingest/ingest';
import { recordMetricEvents, type MetricEvent } from '../../src/services/metrics/metrics';
import { consoleIn, ensureConsoleBuilt, launchChromium } from '../helpers/browser';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { emailMessage } from '../helpers/messages';
import { waitFor } from '../helpers/process';

// Customer health in the console (Chromium, real hub): a supervisor opens "customers at risk" from the Customers
// page and sees each one's reasons, then the customer's sidebar shows the state, reasons and facts; in Turkish and
// English, screenshots at 1280×800 and 1920×1080 under /work/shots/health/.
const PASSWORD = 'correct horse battery';
const shots = '/work/shots/health';
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);
let hub: Awaited<ReturnType<typeof startTestHub>>;
let browser: Browser;
const dialogs: string[] = [];
jest.setTimeout(120_000);

const fact = (customerId: Types.ObjectId, type: MetricEvent['type'], at: Date, extra: Partial<MetricEvent> = {}): MetricEvent => ({
  _id: `${type}:e2e:${new Types.ObjectId()}`, type, at, conversationId: new Types.ObjectId(), customerId, teamId: null, agentId: null,
  channel: 'email', messageId: new Types.ObjectId(), ...extra,
});

beforeAll(async () => {
  ensureConsoleBuilt();
  hub = await startTestHub(testConfig('e2ehealth'), 'all');
  await createAgent(hub.deps.models, { email: 'supervizor@example.com', name: 'Süpervizör Can', password: PASSWORD, role: 'supervisor' });
  const m = hub.deps.models;
  const write = async (who: string, name: string) =>
    new Types.ObjectId(String((await ingest(m, null, { ...emailMessage(`health-${who}`, `${who}@example.com`), from: { address: `${who}@example.com`, name } })).customerId));
  const ayse = await write('ayse', 'Ayşe Yılmaz');
  await write('zeynep', 'Zeynep Kaya');
  // Mehmet wrote monthly until 200 days ago (a customer record without a conversation today).
  const mehmet = new Types.ObjectId();
  await m.customers.createIfAbsent(mehmet, { name: 'Mehmet Öz', email: 'mehmet@example.com' }, ago(200));
  await recordMetricEvents(m, [
    fact(ayse, 'csat_answered', ago(3), { score: 1 }),
    ...[20, 9, 2].map((d) => fact(ayse, 'reopened', ago(d), { reopenedFrom: 'resolved' })),
    fact(ayse, 'response', ago(6), { wallMs: 30 * 3_600_000, first: true }),
    ...[200, 230, 260, 290].map((d) => fact(mehmet, 'opened', ago(d))),
    fact(mehmet, 'inbound', ago(200)),
  ]);
  // The metrics worker folds the seeded facts within a flush or two.
  await waitFor(async () => (await m.health.counts()).churned === 1 && (await m.health.states([String(ayse)]))[0]?.reasons.length === 2, 30_000, 'the seeded facts to be folded');
  browser = await launchChromium();
  mkdirSync(shots, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
});

async function customersPage(language: 'tr' | 'en', viewport: { width: number; height: number }): Promise<Page> {
  const page = await consoleIn(browser, hub.url!, { email: 'supervizor@example.com', password: PASSWORD }, { language, viewport, dialogs });
  page.setDefaultTimeout(15_000);
  await page.goto(`${hub.url}/customers`);
  await page.locator('#customers-title').waitFor();
  return page;
}

const text = {
  tr: { atRisk: 'Risk altındaki müşteriler', chip: 'Risk altında', csat: 'Olumsuz memnuniyet puanı (1/5', reopens: '3 kez yeniden açtı', churned: 'Kaybedildi', noContact: '200 gündür iletişim yok', health: 'Müşteri sağlığı' },
  en: { atRisk: 'Customers at risk', chip: 'At risk', csat: 'Negative satisfaction score (1/5', reopens: 'Reopened 3 times', churned: 'Churned', noContact: 'No contact for 200 days', health: 'Customer health' },
};

for (const language of ['tr', 'en'] as const) {
  test(`a supervisor lists customers at risk with their reasons and opens one (${language})`, async () => {
    const s = text[language];
    for (const viewport of [{ width: 1280, height: 800 }, { width: 1920, height: 1080 }]) {
      const page = await customersPage(language, viewport);
      await page.getByRole('button', { name: s.atRisk }).click();
      const row = page.locator('table.directory tbody tr', { hasText: 'Ayşe Yılmaz' });
      await row.locator('.health-chip', { hasText: s.chip }).waitFor();
      await row.getByText(s.csat).waitFor();
      await row.getByText(s.reopens).waitFor();
      expect(await page.locator('table.directory tbody tr').count()).toBe(1); // Zeynep is healthy, Mehmet churned
      await page.screenshot({ path: `${shots}/customers-at-risk-${language}-${viewport.width}.png` });

      // Churned customers are a filter away.
      await page.locator('form.directory-filters label', { hasText: s.health }).locator('select').selectOption('churned');
      await page.locator('form.directory-filters button[type=submit]').click();
      const churned = page.locator('table.directory tbody tr', { hasText: 'Mehmet Öz' });
      await churned.locator('.health-chip', { hasText: s.churned }).waitFor();
      await churned.getByText(s.noContact).waitFor();
      await page.context().close();
    }

    const page = await customersPage(language, { width: 1280, height: 800 });
    await page.getByRole('button', { name: s.atRisk }).click();
    await page.locator('table.directory tbody tr', { hasText: 'Ayşe Yılmaz' }).getByRole('button').first().click();
    const toggle = page.locator('.toggle-customer');
    if ((await toggle.getAttribute('aria-expanded')) === 'false') await toggle.click(); // narrower than 1400 px: the profile is folded
    const panel = page.locator('.health-panel');
    await panel.locator('.health-chip', { hasText: s.chip }).waitFor();
    await panel.getByText(s.csat).waitFor();
    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${shots}/sidebar-${language}-1280.png` });
    await page.context().close();
    expect(dialogs).toEqual([]);
  });
}
