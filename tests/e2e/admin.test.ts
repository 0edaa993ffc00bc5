import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { AgentEvents } from '../../src/domain/events';
import { createAgent, createTeam } from '../../src/services/agents/agents';
import { sessionStatusKey } from '../../src/services/delivery/wa-session-status';
import { ensureConsoleBuilt, launchChromium, recordDialogs, signInConsole } from '../helpers/browser';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';

// The management pages in Chromium against a real hub: an admin sets up agents and reads the channel setup
// (support addresses, Twilio webhook URLs, the live WhatsApp QR, the widget snippet, the identity secret behind a
// reveal); a supervisor sees no channel setup; an agent sees no management at all and the API refuses them.
const root = path.resolve(__dirname, '../..');
const artifacts = path.join(root, 'tests/artifacts');
const PASSWORD = 'correct horse battery';
const IDENTITY_SECRET = 'kimlik-anahtari-0123456789abcdef';

let hub: Awaited<ReturnType<typeof startTestHub>>;
let browser: Browser;
const dialogs: string[] = [];

async function consolePage(email: string, width = 1024): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width, height: 800 }, locale: 'tr-TR' });
  const page = await ctx.newPage();
  recordDialogs(page, dialogs);
  await signInConsole(page, hub.url!, email, PASSWORD);
  return page;
}

beforeAll(async () => {
  ensureConsoleBuilt();
  hub = await startTestHub(testConfig('e2eadmin', {
    EMAIL_SUPPORT_ADDRESSES: 'destek@example.com, fatura@example.com',
    WIDGET_IDENTITY_SECRET: IDENTITY_SECRET,
    WHATSAPP_ROUTE: 'wwebjs',
  }), 'all');
  await createAgent(hub.deps.models, { email: 'yonetici@example.com', name: 'Yönetici Ece', password: PASSWORD, role: 'admin' });
  await createAgent(hub.deps.models, { email: 'supervizor@example.com', name: 'Süpervizör Can', password: PASSWORD, role: 'supervisor' });
  await createAgent(hub.deps.models, { email: 'temsilci@example.com', name: 'Temsilci Ali', password: PASSWORD, role: 'agent' });
  await createTeam(hub.deps.models, 'Satış');
  // The whatsapp-web.js session process (not run here) reports its state to Redis and over the socket.
  await hub.deps.redis.set(sessionStatusKey(hub.deps.config.QUEUE_PREFIX, 'default'), JSON.stringify({ account: 'default', state: 'waiting_for_scan', qr: '2@kanal-test-qr,abc,def', at: new Date().toISOString() }));
  browser = await launchChromium();
  mkdirSync(artifacts, { recursive: true });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
});

test('an admin adds an agent with role, team, languages and capacity (Turkish)', async () => {
  const page = await consolePage('yonetici@example.com');
  await page.locator('.topbar button', { hasText: 'Yönetim' }).click();
  await page.locator('.admin h2', { hasText: 'Temsilciler' }).first().waitFor();
  const form = page.locator('form[aria-label="Temsilci ekle"]');
  await form.getByLabel('Ad', { exact: true }).fill('Zeynep Şahin');
  await form.getByLabel('E-posta', { exact: true }).fill('zeynep@example.com');
  await form.getByLabel('Parola', { exact: true }).fill('çok-gizli-parola-1');
  await form.getByLabel('Rol', { exact: true }).selectOption('supervisor');
  await form.getByLabel('Diller', { exact: true }).fill('tr, EN');
  await form.getByLabel('Kapasite', { exact: true }).fill('5');
  await form.getByLabel('Satış', { exact: true }).check();
  await form.locator('button[type="submit"]').click();
  const row = page.locator('.admin tr', { hasText: 'zeynep@example.com' });
  await row.waitFor();
  expect(await row.locator('td').allTextContents()).toEqual(['Zeynep Şahin', 'zeynep@example.com', 'Süpervizör', 'Satış', 'tr, en', '5', expect.stringContaining('Çevrimdışı'), 'Düzenle Devre dışı bırak Parolayı sıfırla']);
  await page.screenshot({ path: path.join(artifacts, 'admin-people.png'), fullPage: true });
  await page.context().close();
}, 60_000);

test('an admin sees the channel setup: addresses, Twilio webhooks, the live WhatsApp QR, the widget snippet and the secret on reveal', async () => {
  const page = await consolePage('yonetici@example.com');
  await page.goto(`${hub.url}/admin/channels`);
  const setup = page.locator('.channel-setup');
  await setup.waitFor();
  expect(await setup.locator('.addresses li').allTextContents()).toEqual(['destek@example.com', 'fatura@example.com']);
  // PUBLIC_URL is unset here, so the URLs follow the address the console was opened with, and a note says so.
  await setup.locator('.warn-box', { hasText: 'PUBLIC_URL' }).first().waitFor();
  expect(await setup.getByLabel('Gelen mesaj webhook adresi (POST)', { exact: true }).inputValue()).toBe(`${hub.url}/webhooks/twilio/messages`);
  expect(await setup.getByLabel('Durum geri çağırma adresi (POST)', { exact: true }).inputValue()).toBe(`${hub.url}/webhooks/twilio/status`);
  expect(await setup.locator('.twilio-state').textContent()).toBe('Ayarlı değil');

  // WhatsApp (whatsapp-web.js): unofficial, waiting for a scan with the QR drawn as an image.
  await setup.locator('.label.warn', { hasText: 'Resmi değil' }).waitFor();
  expect(await setup.locator('.wa-state').textContent()).toBe('Tarama bekleniyor');
  const qr = setup.locator('img.qr');
  await qr.waitFor();
  expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
  expect(await qr.getAttribute('alt')).toBe('WhatsApp eşleştirme QR kodu');
  expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);

  // The widget snippet carries the hub URL; strict identity is on and the secret is masked until revealed.
  const snippet = await setup.getByLabel('Sitenizde </body> öncesine yapıştırın', { exact: true }).inputValue();
  expect(snippet).toContain(`<script src="${hub.url}/widget.js" data-kanal-hub="${hub.url}" async></script>`);
  expect(snippet).toContain('userHash');
  expect(await page.content()).not.toContain(IDENTITY_SECRET);
  await page.screenshot({ path: path.join(artifacts, 'admin-channels.png') });
  await setup.locator('#setup-whatsapp').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifacts, 'admin-channels-whatsapp.png') });
  await setup.locator('#setup-webchat').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifacts, 'admin-channels-webchat.png') });
  await setup.locator('.secret button', { hasText: 'Göster' }).click();
  await setup.locator('.secret code', { hasText: IDENTITY_SECRET }).waitFor();
  await setup.locator('.secret button', { hasText: 'Gizle' }).click();
  expect(await page.content()).not.toContain(IDENTITY_SECRET);

  // The session pairs: the page follows the socket event, and the QR goes away.
  hub.deps.events.toAdmins(AgentEvents.whatsappSession, { account: 'default', state: 'paired', at: new Date().toISOString(), unofficial: true });
  await setup.locator('.wa-state', { hasText: 'Eşleşti' }).waitFor();
  expect(await setup.locator('img.qr').count()).toBe(0);
  hub.deps.events.toAdmins(AgentEvents.whatsappSession, { account: 'default', state: 'disconnected', reason: 'LOGOUT', at: new Date().toISOString(), unofficial: true });
  await setup.locator('.wa-state', { hasText: 'Bağlantı koptu' }).waitFor();
  expect(dialogs).toEqual([]);
  await page.context().close();
}, 60_000);

test('a supervisor manages without channel setup; an agent sees no management and the API refuses them', async () => {
  const sup = await consolePage('supervizor@example.com');
  await sup.locator('.topbar button', { hasText: 'Yönetim' }).click();
  const sections = sup.locator('.admin nav.sections button');
  await sections.first().waitFor();
  expect(await sections.allTextContents()).toEqual(['Canlı pano', 'Raporlar', 'Temsilciler ve ekipler']);
  expect(await sup.locator('form[aria-label="Temsilci ekle"]').count()).toBe(0);
  const supStatus = await sup.evaluate(() => fetch('/api/admin/channels').then((r) => r.status));
  expect(supStatus).toBe(403);
  await sup.context().close();

  const agent = await consolePage('temsilci@example.com');
  await agent.locator('nav.views').waitFor();
  expect(await agent.locator('.topbar button', { hasText: 'Yönetim' }).count()).toBe(0);
  await agent.goto(`${hub.url}/supervisor`);
  await agent.locator('.admin [role="alert"]', { hasText: 'süpervizör ve yöneticiler' }).waitFor();
  expect(await agent.locator('.wallboard, .reports, .channel-setup').count()).toBe(0);
  const statuses = await agent.evaluate(() => Promise.all(['/api/admin/channels', '/api/admin/channels/webchat/identity-secret', '/api/admin/whatsapp/sessions'].map((u) => fetch(u).then((r) => r.status))));
  expect(statuses).toEqual([403, 403, 403]);
  await agent.context().close();
}, 60_000);
