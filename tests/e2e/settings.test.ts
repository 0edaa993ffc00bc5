import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { enqueueInbound } from '../../src/queues';
import { createAgent, createTeam } from '../../src/services/agents/agents';
import { ingest } from '../../src/services/ingest/ingest';
import { consoleIn, ensureConsoleBuilt, launchChromium } from '../helpers/browser';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { webchatMessage } from '../helpers/messages';

// Settings changed in the console's Management screens and applied live, in Chromium against a real hub: an admin
// adds a canned response and an agent whose thread is already open uses it with "/"; an admin colours and renames a
// label and the agent's open thread shows it; an admin closes the business hours and the next customer message gets
// the out-of-hours reply in the agent's open thread. Refused input shows a localized message in the form. Screens are
// photographed at 1280×800 and 1920×1080 in Turkish and English (SHOTS_DIR, default tests/artifacts/settings).
const root = path.resolve(__dirname, '../..');
const shots = process.env.SHOTS_DIR ?? path.join(root, 'tests/artifacts/settings');
const PASSWORD = 'correct horse battery';
const ADMIN = { email: 'yonetici@example.com', password: PASSWORD };
const AGENT = { email: 'temsilci@example.com', password: PASSWORD };
const SMALL = { width: 1280, height: 800 };
const LARGE = { width: 1920, height: 1080 };
const VISITOR = 'visitor-settings-e2e';

let hub: Awaited<ReturnType<typeof startTestHub>>;
let browser: Browser;
let conversationId = '';
const dialogs: string[] = [];
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

const langOf = new WeakMap<Page, 'tr' | 'en'>();
/** The page as the user sees it (the Management area scrolls inside itself: `bottom` scrolls it to its end first). */
async function shot(page: Page, name: string, bottom = false) {
  // The console applies the agent's language once its settings load: wait for it, so each file is what it says.
  const lang = langOf.get(page)!;
  await page.locator(`html[lang="${lang}"] .topbar .who`).waitFor();
  await page.evaluate(`document.querySelector('.admin')?.scrollTo(0, ${bottom ? 'document.querySelector(".admin").scrollHeight' : 0})`);
  await page.screenshot({ path: path.join(shots, `${name}-${lang}-${page.viewportSize()!.width}${bottom ? '-bottom' : ''}.png`) });
}
/** A console signed in as `who`, shown in `language` (the setting is applied by a reload). */
async function open(who: typeof ADMIN, language: 'tr' | 'en', viewport = SMALL): Promise<Page> {
  const page = await consoleIn(browser, hub.url!, who, { language, viewport, dialogs });
  await page.reload();
  await page.locator(`html[lang="${language}"] .topbar .who`).waitFor();
  langOf.set(page, language);
  return page;
}
/** The agent's console with the visitor's conversation open in the thread. */
async function agentThread(language: 'tr' | 'en', viewport = SMALL): Promise<Page> {
  const page = await open(AGENT, language, viewport);
  await page.goto(`${hub.url}/c/${conversationId}`);
  await page.locator('.msg.in').first().waitFor();
  return page;
}

beforeAll(async () => {
  ensureConsoleBuilt();
  hub = await startTestHub(testConfig('e2esettings'), 'all');
  await createAgent(hub.deps.models, { email: ADMIN.email, name: 'Yönetici Ece', password: PASSWORD, role: 'admin' });
  await createAgent(hub.deps.models, { email: AGENT.email, name: 'Temsilci Ali', password: PASSWORD, role: 'agent' });
  await createTeam(hub.deps.models, 'Destek');
  conversationId = (await ingest(hub.deps.models, null, webchatMessage('settings-e2e-1', VISITOR, 'Merhaba, kargom nerede?'))).conversationId;
  browser = await launchChromium();
  mkdirSync(shots, { recursive: true });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
});

test('a canned response added by an admin is offered with "/" in a thread that was already open', async () => {
  const agent = await agentThread('en', LARGE);
  const admin = await open(ADMIN, 'tr');
  await admin.goto(`${hub.url}/admin/canned`);
  await admin.locator('.admin h2', { hasText: 'Hazır yanıtlar' }).waitFor();
  await admin.getByText('Henüz hazır yanıt yok').waitFor();

  // Refused input: the form says what and where, in Turkish, and nothing is stored.
  const form = admin.locator('form[aria-label="Hazır yanıt ekle"]');
  await form.getByLabel('Kısayol', { exact: true }).fill('iki kelime');
  await form.locator('button[type="submit"]').click();
  expect(await form.getByRole('alert').textContent()).toMatch(/^Kaydedilmedi, lütfen kontrol edin: Kısayol: beklenen biçimde değil; Başlık: zorunlu; Metin: zorunlu/);

  await form.getByLabel('Kısayol', { exact: true }).fill('/kargo');
  await form.getByLabel('Başlık', { exact: true }).fill('Kargo durumu');
  await form.getByLabel('Metin', { exact: true }).fill('Kargonuz yola çıktı, takip numarası SMS ile gelecek.');
  await form.locator('select').selectOption('tr');
  await form.locator('button[type="submit"]').click();
  await admin.getByRole('status').filter({ hasText: '/kargo eklendi.' }).waitFor();
  expect(await admin.locator('.admin tbody tr td').allTextContents()).toEqual(['/kargo', 'Kargo durumu', 'Kargonuz yola çıktı, takip numarası SMS ile gelecek.', 'Türkçe', 'Düzenle Sil']);
  await shot(admin, 'canned');

  // The agent's console was open all along: the hub told it, and "/kar" now offers the new response.
  await agent.locator('.composer .mode-reply').click();
  await agent.locator('#composer-text').fill('Merhaba, /kar');
  await agent.locator('.composer .canned button', { hasText: 'Kargo durumu' }).waitFor();
  await agent.locator('#composer-text').press('Tab');
  expect(await agent.locator('#composer-text').inputValue()).toBe('Merhaba, Kargonuz yola çıktı, takip numarası SMS ile gelecek.');
  await shot(agent, 'canned-in-composer');
  await admin.context().close();
  await agent.context().close();
}, 90_000);

test('a label coloured and renamed by an admin changes in the open thread and the list', async () => {
  const agent = await agentThread('tr');
  await agent.locator('.labels input').fill('İADE');
  await agent.locator('.labels input').press('Enter');
  await agent.locator('.labels .label', { hasText: 'iade' }).waitFor();

  const admin = await open(ADMIN, 'en', LARGE);
  await admin.goto(`${hub.url}/admin/labels`);
  const row = admin.locator('.label-table tbody tr', { hasText: 'iade' });
  await row.waitFor();
  expect(await row.locator('td.num').textContent()).toBe('1');
  await row.getByLabel('Colour: iade', { exact: true }).fill('#d32f2f');
  await row.getByRole('button', { name: 'Save colour: iade' }).click();
  await admin.getByRole('status').filter({ hasText: 'Colour of "iade" saved.' }).waitFor();
  // The agent's chip takes the colour without a reload.
  await agent.locator('.labels .label', { hasText: 'iade' }).and(agent.locator('[style*="background"]')).waitFor();
  expect(await agent.locator('.labels .label', { hasText: 'iade' }).evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(211, 47, 47)');

  // A name too long is refused with the field named; then a real rename.
  await row.getByLabel('New name: iade').fill('x'.repeat(41));
  await row.getByRole('button', { name: 'Rename' }).click();
  expect(await admin.getByRole('alert').textContent()).toBe('Not saved, please check: New name: too long or too large (at most 40)');
  await row.getByLabel('New name: iade').fill('Geri Ödeme');
  await row.getByRole('button', { name: 'Rename' }).click();
  await admin.getByRole('status').filter({ hasText: '"iade" is now "geri ödeme" on 1 conversations.' }).waitFor();
  const renamed = admin.locator('.label-table tbody tr', { hasText: 'geri ödeme' });
  await renamed.waitFor();
  expect(await admin.locator('.label-table tbody tr', { hasText: 'iade' }).count()).toBe(0);
  await shot(admin, 'labels');

  await agent.locator('.labels .label', { hasText: 'geri ödeme' }).waitFor();
  expect(await agent.locator('.labels .label', { hasText: 'iade' }).count()).toBe(0);
  expect(await agent.locator('.labels .label', { hasText: 'geri ödeme' }).evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(211, 47, 47)');
  await shot(agent, 'label-in-thread');
  await admin.context().close();
  await agent.context().close();
}, 90_000);

test('business hours closed by an admin: the state shows it and the next customer message gets the out-of-hours reply live', async () => {
  const agent = await agentThread('en');
  const admin = await open(ADMIN, 'tr', LARGE);
  await admin.goto(`${hub.url}/admin/hours`);
  const state = admin.getByTestId('open-state');
  await state.filter({ hasText: 'Çalışma saati tanımlı değil' }).waitFor();

  const hours = admin.locator('form[aria-labelledby="hours-title"]');
  await hours.getByLabel('Saat dilimi', { exact: true }).fill('UTC');
  // A wrong closing time is refused with the day and the field named, in Turkish.
  await hours.getByLabel('Pazartesi 1: Kapanış', { exact: true }).fill('25:00');
  await hours.getByRole('button', { name: 'Kaydet' }).click();
  expect(await hours.getByRole('alert').textContent()).toBe('Kaydedilmedi, lütfen kontrol edin: Haftalık saatler › Pazartesi › Kapanış: beklenen biçimde değil');
  await hours.getByLabel('Pazartesi 1: Kapanış', { exact: true }).fill('18:00');
  // Closed today and tomorrow (holidays), whatever the time of day the test runs.
  for (const d of [day(0), day(1)]) {
    await hours.getByLabel('Tatil tarihi').fill(d);
    await hours.getByRole('button', { name: 'Tatil ekle' }).click();
  }
  await hours.getByRole('button', { name: 'Kaydet' }).click();
  await hours.getByRole('status').filter({ hasText: 'Kaydedildi' }).waitFor();
  await state.filter({ hasText: 'Şu an kapalı' }).waitFor();

  const reply = admin.locator('form[aria-labelledby="autoreply-title"]');
  await reply.getByLabel('Türkçe', { exact: true }).fill('Şu an mesai dışındayız; ilk iş günü döneceğiz.');
  await reply.getByLabel('İngilizce', { exact: true }).fill('We are closed now; we will answer on the next working day.');
  await reply.getByRole('button', { name: 'Kaydet' }).click();
  await reply.getByRole('status').filter({ hasText: 'Kaydedildi' }).waitFor();

  const sla = admin.locator('form[aria-labelledby="sla-title"]');
  await sla.getByLabel('Tümü (varsayılan): İlk yanıt', { exact: true }).fill('0');
  await sla.getByRole('button', { name: 'Kaydet' }).click();
  expect(await sla.getByRole('alert').textContent()).toBe('Kaydedilmedi, lütfen kontrol edin: Tümü (varsayılan) › İlk yanıt: çok kısa ya da küçük (en az 1)');
  await sla.getByLabel('Tümü (varsayılan): İlk yanıt', { exact: true }).fill('30');
  await sla.getByRole('button', { name: 'Kaydet' }).click();
  await sla.getByRole('status').filter({ hasText: 'Kaydedildi' }).waitFor();
  await shot(admin, 'hours', true);

  // The customer writes again: the worker reads the new settings (no restart) and the reply appears in the open thread.
  await enqueueInbound(hub.deps.queues, webchatMessage('settings-e2e-2', VISITOR, 'Kimse yok mu?'));
  await agent.locator('.msg', { hasText: 'Şu an mesai dışındayız; ilk iş günü döneceğiz.' }).waitFor({ timeout: 20_000 });
  await shot(agent, 'auto-reply-in-thread');

  // Opening again: the state follows the saved hours.
  await hours.getByRole('button', { name: /^Tatili kaldır/ }).first().click();
  await hours.getByRole('button', { name: /^Tatili kaldır/ }).first().click();
  for (const d of ['Cumartesi', 'Pazar']) await hours.locator('tr').filter({ has: admin.locator('th').getByText(d, { exact: true }) }).getByRole('checkbox').check();
  for (const d of ['Pazartesi', 'Salı', 'Çarşamba', 'Perşembe', 'Cuma', 'Cumartesi', 'Pazar']) {
    await hours.getByLabel(`${d} 1: Açılış`, { exact: true }).fill('00:00');
    await hours.getByLabel(`${d} 1: Kapanış`, { exact: true }).fill('24:00');
  }
  await hours.getByRole('button', { name: 'Kaydet' }).click();
  await state.filter({ hasText: 'Şu an açık (UTC).' }).waitFor();
  await admin.context().close();
  await agent.context().close();
}, 120_000);

test('an admin edits an agent and renames a team; each agent changes their own name', async () => {
  const admin = await open(ADMIN, 'en', LARGE);
  await admin.goto(`${hub.url}/admin`);
  await admin.getByRole('button', { name: 'Edit: Temsilci Ali' }).click();
  const editor = admin.locator('form[aria-label="Edit agent: Temsilci Ali"]');
  await editor.getByLabel('Name', { exact: true }).fill('');
  await editor.getByRole('button', { name: 'Save' }).click();
  expect(await editor.getByRole('alert').textContent()).toBe('Not saved, please check: Name: required');
  await editor.getByLabel('Name', { exact: true }).fill('Ali Temsilci');
  await editor.getByLabel('Capacity', { exact: true }).fill('4');
  await editor.getByLabel('Destek', { exact: true }).check();
  await editor.getByRole('button', { name: 'Save' }).click();
  await admin.getByRole('status').filter({ hasText: 'Ali Temsilci saved.' }).waitFor();
  await admin.locator('.admin tr', { hasText: AGENT.email }).locator('td').nth(3).filter({ hasText: /^Destek$/ }).waitFor();

  await admin.getByRole('button', { name: 'Rename: Destek' }).click();
  await admin.locator('form[aria-label="Rename: Destek"] input').fill('Müşteri Destek');
  await admin.locator('form[aria-label="Rename: Destek"]').getByRole('button', { name: 'Save' }).click();
  await admin.locator('ul.teams li', { hasText: 'Müşteri Destek' }).waitFor();
  await admin.getByRole('button', { name: 'Edit: Yönetici Ece' }).click();
  expect(await admin.locator('form[aria-label="Edit agent: Yönetici Ece"] select').isDisabled()).toBe(true);
  await shot(admin, 'people-edit');

  const agent = await open(AGENT, 'tr');
  await agent.locator('.topbar .who', { hasText: 'Ali Temsilci' }).waitFor();
  await agent.locator('.topbar button', { hasText: 'Hesap' }).click();
  const name = agent.locator('form[aria-label="Adınız"]');
  await name.getByLabel('Adınız').fill('Ali Yılmaz');
  await name.getByRole('button', { name: 'Adı değiştir' }).click();
  await name.getByRole('status').filter({ hasText: 'Adınız değişti.' }).waitFor();
  await agent.locator('.topbar .who', { hasText: 'Ali Yılmaz' }).waitFor();
  await shot(agent, 'account-name');

  // Every one of these changes is in the audit log.
  await admin.goto(`${hub.url}/admin/audit`);
  for (const text of ['Label renamed', 'Label colour changed', 'Canned response created', 'Business hours changed', 'Out-of-hours reply changed', 'SLA policy changed', 'Team renamed']) {
    await admin.locator('.admin td', { hasText: text }).first().waitFor();
  }
  expect(await admin.locator('.admin tr', { hasText: 'Ali Yılmaz' }).filter({ hasText: 'Agent profile changed' }).count()).toBeGreaterThan(0);
  await admin.context().close();
  await agent.context().close();
  expect(dialogs).toEqual([]);
}, 90_000);

test('every settings screen in Turkish and English at 1280×800 and 1920×1080', async () => {
  for (const language of ['tr', 'en'] as const) {
    for (const viewport of [SMALL, LARGE]) {
      const page = await open(ADMIN, language, viewport);
      for (const [p, name, heading] of [['/admin/canned', 'canned', '#canned-title'], ['/admin/labels', 'labels', '#labels-title'], ['/admin/hours', 'hours', '#sla-title'], ['/admin', 'people', '#agents-title']] as const) {
        await page.goto(`${hub.url}${p}`);
        await page.locator(heading).waitFor();
        if (name === 'hours') await page.getByTestId('open-state').waitFor();
        if (name === 'labels') await page.locator('.label-table tbody tr').first().waitFor();
        if (name === 'canned') await page.locator('.admin tbody tr').first().waitFor();
        if (name === 'people') await page.getByRole('button', { name: language === 'tr' ? 'Düzenle: Ali Yılmaz' : 'Edit: Ali Yılmaz' }).click();
        await shot(page, `screen-${name}`);
        if (name === 'hours') await shot(page, `screen-${name}`, true);
      }
      await page.goto(hub.url!);
      await page.locator('.topbar button', { hasText: language === 'tr' ? 'Hesap' : 'Account' }).click();
      await page.locator('form.own-name').waitFor();
      await shot(page, 'screen-account');
      await page.context().close();
    }
  }
  expect(dialogs).toEqual([]);
}, 300_000);
