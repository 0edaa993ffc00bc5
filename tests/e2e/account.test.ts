import type { Browser, Page } from 'playwright-core';
import { createAgent } from '../../src/services/agents/agents';
import { ensureConsoleBuilt, launchChromium, recordDialogs, signInConsole } from '../helpers/browser';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';

// The agent's own account menu in Chromium (Turkish): change the password, sign out everywhere; and a console whose
// session an admin ends (disable) goes back to the sign-in form by itself.
const PASSWORD = 'correct horse battery';
let hub: Awaited<ReturnType<typeof startTestHub>>;
let browser: Browser;
const dialogs: string[] = [];

async function consolePage(email: string, password = PASSWORD): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'tr-TR' });
  const page = await ctx.newPage();
  recordDialogs(page, dialogs);
  await signInConsole(page, hub.url!, email, password);
  return page;
}
const signInForm = (page: Page) => page.locator('input[name="password"]').waitFor({ timeout: 15_000 });

beforeAll(async () => {
  ensureConsoleBuilt();
  hub = await startTestHub(testConfig('e2eaccount'), 'hub');
  browser = await launchChromium();
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await hub?.stop();
});

test('an agent changes their password from the account menu; the other console is signed out; sign out everywhere ends this one', async () => {
  await createAgent(hub.deps.models, { email: 'ayse@example.com', name: 'Ayşe', password: PASSWORD, role: 'agent' });
  const page = await consolePage('ayse@example.com');
  const other = await consolePage('ayse@example.com');

  await page.locator('.topbar button', { hasText: 'Hesap' }).click();
  const dialog = page.locator('dialog[aria-labelledby="account-title"]');
  await dialog.getByLabel('Mevcut parola').fill('yanlış parola 123');
  await dialog.getByLabel('Yeni parola').fill('yepyeni güzel parola');
  await dialog.getByRole('button', { name: 'Parolayı değiştir' }).click();
  await dialog.getByRole('alert').filter({ hasText: 'Mevcut parola yanlış.' }).waitFor();

  await dialog.getByLabel('Mevcut parola').fill(PASSWORD);
  await dialog.getByRole('button', { name: 'Parolayı değiştir' }).click();
  await dialog.getByRole('status').filter({ hasText: 'Parola değişti. Diğer oturumlarınız kapatıldı.' }).waitFor();
  await signInForm(other); // the other console's socket was closed and its session is gone
  await page.locator('.topbar .who').waitFor(); // this one continues

  await dialog.locator('button', { hasText: 'Her yerden çıkış yap' }).click();
  await signInForm(page);
  expect((await fetch(`${hub.url}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ayse@example.com', password: 'yepyeni güzel parola' }),
  })).status).toBe(200);
  expect(dialogs).toEqual([]);
}, 90_000);

test('an admin disables an agent from the agents page: that agent\'s console goes back to the sign-in form at once', async () => {
  await createAgent(hub.deps.models, { email: 'yonetici@example.com', name: 'Yönetici', password: PASSWORD, role: 'admin' });
  await createAgent(hub.deps.models, { email: 'mehmet@example.com', name: 'Mehmet', password: PASSWORD, role: 'agent' });
  const agentPage = await consolePage('mehmet@example.com');
  const adminPage = await consolePage('yonetici@example.com');
  await adminPage.locator('.topbar button', { hasText: 'Yönetim' }).click();
  await adminPage.locator('button[aria-label="Devre dışı bırak: Mehmet"]').click();
  await signInForm(agentPage);
  await adminPage.locator('button[aria-label="Etkinleştir: Mehmet"]').waitFor();
}, 90_000);

test('an agent creates an API token in the account menu, copies it once, uses it, and revokes it', async () => {
  await createAgent(hub.deps.models, { email: 'zeynep@example.com', name: 'Zeynep', password: PASSWORD, role: 'agent' });
  const page = await consolePage('zeynep@example.com');
  await page.locator('.topbar button', { hasText: 'Hesap' }).click();
  const dialog = page.locator('dialog[aria-labelledby="account-title"]');
  const tokens = dialog.locator('section.api-tokens');
  await tokens.getByText('Henüz anahtar yok.').waitFor();
  // An agent is offered read and write only; the admin scope is for supervisors and admins.
  expect(await tokens.getByLabel('Yönetim').count()).toBe(0);
  await tokens.getByLabel('Anahtar adı').fill('CRM entegrasyonu');
  await tokens.getByLabel('Yazma').check();
  await tokens.getByRole('button', { name: 'Anahtar oluştur' }).click();
  const secret = await tokens.getByRole('textbox', { name: 'Yeni anahtar' }).inputValue();
  expect(secret).toMatch(/^kanal_pat_/);
  await tokens.locator('.token-list li', { hasText: 'CRM entegrasyonu' }).getByText('Okuma, Yazma · Hiç kullanılmadı').waitFor();

  const me = await fetch(`${hub.url}/api/me`, { headers: { authorization: `Bearer ${secret}` } });
  expect(me.status).toBe(200);
  expect(((await me.json()) as { email: string }).email).toBe('zeynep@example.com');

  const row = tokens.locator('.token-list li', { hasText: 'CRM entegrasyonu' });
  await row.getByRole('button', { name: 'İptal et' }).click();
  await row.getByRole('group').getByRole('button', { name: 'İptal et' }).click();
  await row.getByText('İptal edildi').waitFor();
  expect((await fetch(`${hub.url}/api/me`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(401);
  expect(dialogs).toEqual([]);
}, 90_000);

test('an admin creates a bot on the API tokens page, sees every token with its owner, and revokes one', async () => {
  await createAgent(hub.deps.models, { email: 'emre@example.com', name: 'Emre', password: PASSWORD, role: 'admin' });
  const page = await consolePage('emre@example.com');
  await page.goto(`${hub.url}/admin/tokens`);
  const section = page.locator('section[aria-labelledby="tokens-title"]');
  const form = section.getByRole('form', { name: 'Bot oluştur' });
  await form.getByLabel('Bot adı').fill('Sipariş botu');
  await form.getByLabel('Anahtar adı').fill('e-ticaret');
  await form.getByRole('button', { name: 'Bot oluştur' }).click();
  const secret = await section.getByRole('textbox', { name: 'Yeni anahtar' }).inputValue();
  expect(secret).toMatch(/^kanal_bot_/);
  const row = section.locator('tr', { hasText: 'e-ticaret' });
  await row.getByText('Sipariş botu (bot)').waitFor();
  expect(((await (await fetch(`${hub.url}/api/me`, { headers: { authorization: `Bearer ${secret}` } })).json()) as { name: string }).name).toBe('Sipariş botu');

  await row.getByRole('button', { name: 'İptal et: e-ticaret' }).click();
  await row.getByText('İptal edildi').waitFor();
  expect((await fetch(`${hub.url}/api/me`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(401);
}, 90_000);
