import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createAgent } from '../../src/services/agents/agents';
import { ingest } from '../../src/services/ingest/ingest';
import { ensureConsoleBuilt, launchChromium, recordDialogs, signInConsole } from '../helpers/browser';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { webchatMessage } from '../helpers/messages';

// GDPR requests in the console (Chromium, real hub): an admin downloads a customer's archive and erases it only after
// typing its name; the retention setting on its admin page; agents see neither. Screenshots in Turkish and English
// go to /work/shots/gdpr/ (SHOTS overrides).
const PASSWORD = 'correct horse battery';
const shots = process.env.SHOTS ?? '/work/shots/gdpr';
let hub: Awaited<ReturnType<typeof startTestHub>>;
let browser: Browser;
const dialogs: string[] = [];
const conversations: Record<string, string> = {};
jest.setTimeout(90_000);

async function consolePage(email: string, language: 'tr' | 'en', viewport = { width: 1280, height: 800 }): Promise<Page> {
  const ctx = await browser.newContext({ viewport, locale: language === 'tr' ? 'tr-TR' : 'en-GB', acceptDownloads: true });
  const page = await ctx.newPage();
  page.setDefaultTimeout(10_000);
  recordDialogs(page, dialogs);
  await signInConsole(page, hub.url!, email, PASSWORD);
  await page.evaluate(`fetch('/api/me/settings', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ language: '${language}' }) })`);
  return page;
}

/** Opens a conversation with the customer panel shown (below 1400 px wide it starts hidden). */
async function openCustomer(page: Page, conversationId: string) {
  await page.goto(`${hub.url}/c/${conversationId}`);
  const toggle = page.locator('button.toggle-customer');
  await toggle.waitFor();
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  await page.locator('aside.sidebar').waitFor();
}

beforeAll(async () => {
  ensureConsoleBuilt();
  hub = await startTestHub(testConfig('e2eprivacy'), 'all');
  await createAgent(hub.deps.models, { email: 'dpo@example.com', name: 'Yönetici Ece', password: PASSWORD, role: 'admin' });
  await createAgent(hub.deps.models, { email: 'ajan@example.com', name: 'Ajan Can', password: PASSWORD, role: 'agent' });
  for (const [who, name] of [['zeynep', 'Zeynep Kaya'], ['mehmet', 'Mehmet Öz']] as const) {
    const r = await ingest(hub.deps.models, null, { ...webchatMessage(`privacy-${who}`, `v_${who}`, 'Siparişim 48213 nerede?'), from: { address: `v_${who}`, name } });
    conversations[who] = String(r.conversationId);
  }
  browser = await launchChromium();
  mkdirSync(shots, { recursive: true });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
});

test('an admin erases a customer only after typing its name; the archive downloads (Turkish)', async () => {
  const page = await consolePage('dpo@example.com', 'tr');
  await openCustomer(page, conversations.zeynep!);
  const panel = page.locator('section.privacy');
  await panel.getByRole('heading', { name: 'Kişisel veriler' }).waitFor();

  const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('link', { name: 'Verileri dışa aktar' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^customer-[0-9a-f]{24}\.zip$/);
  const { readFileSync } = await import('node:fs');
  expect(readFileSync((await download.path())!).subarray(0, 4).toString('hex')).toBe('504b0304');

  await panel.getByRole('button', { name: 'Müşteriyi sil' }).click();
  const dialog = page.getByRole('dialog', { name: 'Bu müşterinin kişisel verileri silinsin mi?' });
  await dialog.getByText('1 konuşma (1 açık) ve 1 adres.').waitFor();
  const erase = dialog.getByRole('button', { name: 'Kalıcı olarak sil' });
  const input = dialog.getByLabel('Onaylamak için “Zeynep Kaya” yazın');
  expect(await erase.isDisabled()).toBe(true);
  await input.fill('Zeynep');
  expect(await erase.isDisabled()).toBe(true);
  await page.screenshot({ path: path.join(shots, 'erase-confirm-tr-1280.png') });
  await input.fill('zeynep kaya');
  expect(await erase.isEnabled()).toBe(true);
  expect(await hub.deps.models.customers.nameOf((await hub.deps.models.conversations.byId(conversations.zeynep!))!.customerId)).toBe('Zeynep Kaya');
  // A colleague has the customer's thread open meanwhile.
  const colleague = await consolePage('ajan@example.com', 'tr');
  await colleague.goto(`${hub.url}/c/${conversations.zeynep}`);
  await colleague.locator('.msg', { hasText: 'Siparişim 48213 nerede?' }).waitFor();
  await erase.click();

  // The customer's message and the thread event of the resolve the erasure made.
  await page.getByRole('status').filter({ hasText: 'Silindi: 2 mesaj, 0 dosya, 1 konuşma çözüldü.' }).waitFor();
  await page.locator('aside.sidebar h2', { hasText: 'Silinmiş müşteri' }).waitFor();
  await page.getByText('İçerik silindi').first().waitFor();
  await page.screenshot({ path: path.join(shots, 'erased-customer-tr-1280.png') });
  // The colleague's open thread is emptied without a reload.
  await colleague.getByText('İçerik silindi').first().waitFor();
  expect(await colleague.locator('.msg', { hasText: 'Siparişim 48213 nerede?' }).count()).toBe(0);
  await colleague.context().close();
  const conv = await hub.deps.models.conversations.byId(conversations.zeynep!);
  const customer = await hub.deps.models.customers.byId(conv!.customerId);
  expect(customer).toMatchObject({ erasedAt: expect.any(Date) });
  expect(customer?.name).toBeUndefined();
  expect(conv?.status).toBe('resolved');
  expect(dialogs).toEqual([]);
  await page.context().close();
});

test('the confirmation in English, at 1280 and 1920 wide; cancelling erases nothing', async () => {
  for (const viewport of [{ width: 1280, height: 800 }, { width: 1920, height: 1080 }]) {
    const page = await consolePage('dpo@example.com', 'en', viewport);
    await openCustomer(page, conversations.mehmet!);
    await page.locator('section.privacy').getByRole('button', { name: 'Erase customer' }).click();
    const dialog = page.getByRole('dialog', { name: 'Erase this customer\'s personal data?' });
    await dialog.getByText('1 conversations (1 open) and 1 addresses.').waitFor();
    await dialog.getByLabel('Type “Mehmet Öz” to confirm').fill('mehmet öz');
    await page.screenshot({ path: path.join(shots, `erase-confirm-en-${viewport.width}.png`) });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.context().close();
  }
  const conv = await hub.deps.models.conversations.byId(conversations.mehmet!);
  expect(await hub.deps.models.customers.nameOf(conv!.customerId)).toBe('Mehmet Öz');
});

test('agents see no data actions on the profile', async () => {
  const page = await consolePage('ajan@example.com', 'tr');
  await openCustomer(page, conversations.mehmet!);
  await page.locator('aside.sidebar').getByRole('heading', { name: 'Konuşmalar' }).waitFor(); // the panel has rendered
  expect(await page.locator('section.privacy').count()).toBe(0);
  await page.context().close();
});

test('retention is an admin page: off by default, saved, in both languages', async () => {
  for (const language of ['tr', 'en'] as const) {
    const page = await consolePage('dpo@example.com', language);
    await page.goto(`${hub.url}/admin/privacy`);
    await page.locator('#retention-title').waitFor();
    if (language === 'tr') {
      await page.getByText('Henüz çalışmadı.').waitFor();
      const enabled = page.getByLabel('Eski konuşmaların içeriğini sil');
      expect(await enabled.isChecked()).toBe(false);
      await enabled.check();
      await page.getByLabel('Çözüldükten kaç ay sonra').fill('18');
      await page.getByLabel('Mesajlar silinsin').check();
      await page.getByRole('button', { name: 'Kaydet' }).click();
      await page.getByRole('status').filter({ hasText: 'Kaydedildi.' }).waitFor();
      expect((await hub.deps.models.settings.get('privacy.retention'))).toEqual({ enabled: true, months: 18, mode: 'delete' });
      await page.getByRole('button', { name: 'Şimdi çalıştır' }).click();
      await page.getByText(/çözülmüş 0 konuşma, 0 mesaj, 0 dosya\.$/).waitFor({ timeout: 30_000 });
    } else {
      expect(await page.getByLabel('Months after resolution').inputValue()).toBe('18');
      await page.getByText(/: 0 conversations resolved before .*, 0 messages, 0 files\.$/).waitFor();
    }
    await page.screenshot({ path: path.join(shots, `retention-${language}-1280.png`) });
    await page.context().close();
  }
});
