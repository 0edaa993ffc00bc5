import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { InboundMessage } from '../../src/domain/messages';
import { createAgent } from '../../src/services/agents/agents';
import { createCanned } from '../../src/services/agents/canned';
import { createMacro } from '../../src/services/macros/macros';
import { ingest } from '../../src/services/ingest/ingest';
import { collectionsOf } from '../../src/store/collections';
import { consoleIn, ensureConsoleBuilt, launchChromium } from '../helpers/browser';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { waitFor } from '../helpers/process';

// Macros in Chromium: write one on the Macros page (labels, a canned reply, a status), apply it from a thread with
// the m shortcut, see it in the thread as people say it, undo it from the offer that follows (the reply stays sent).
// The supervisor writes a shared macro in Turkish; the agent a personal one in English.
const root = path.resolve(__dirname, '../..');
const shots = process.env.KANAL_SHOTS_DIR ?? path.join(root, 'tests/artifacts');
const PASSWORD = 'correct horse battery';
const TEXT = {
  tr: {
    who: { email: 'selin@example.com', password: PASSWORD }, name: 'İade süreci', macros: 'Makrolar', newMacro: 'Yeni makro', add: 'Eylem ekle', save: 'Kaydet',
    kindCanned: 'Hazır yanıt gönder', kindStatus: 'Durumu değiştir', pending: 'Beklemede', shared: 'Ortak', canned: 'İade bilgisi',
    listed: 'Etiket ekle: iade, kargo', applied: '“İade süreci” uygulandı.', event: 'Selin Kaya “İade süreci” makrosunu uyguladı',
    undone: '“İade süreci” geri alındı.', kept: 'Gönderdiği yanıt geri alınamaz', undoEvent: 'Selin Kaya “İade süreci” makrosunu geri aldı', undo: 'Geri al',
    refused: '“Eski kampanya” uygulanmadı: hazır yanıtı (2. eylem) artık yok.', help: 'Makro menüsü',
  },
  en: {
    who: { email: 'emre@example.com', password: PASSWORD }, name: 'Refund flow', macros: 'Macros', newMacro: 'New macro', add: 'Add action', save: 'Save',
    kindCanned: 'Send a canned reply', kindStatus: 'Set status', pending: 'Pending', shared: 'Shared', canned: 'İade bilgisi',
    listed: 'Add labels: iade, kargo', applied: 'Applied “Refund flow”.', event: 'Emre Demir applied the macro “Refund flow”',
    undone: 'Undid “Refund flow”.', kept: 'The reply it sent stays sent.', undoEvent: 'Emre Demir undid the macro “Refund flow”', undo: 'Undo',
    refused: '“Eski kampanya” was not applied: its canned response (action 2) no longer exists.', help: 'Macros menu',
  },
} as const;

let hub: Awaited<ReturnType<typeof startTestHub>>;
let browser: Browser;
let selin = '';
const dialogs: string[] = [];

async function newConversation(who: string, name: string): Promise<string> {
  const msg: InboundMessage = { channel: 'webchat', dedupeKey: `webchat:${who}`, from: { address: who, name }, text: 'Ürünü iade etmek istiyorum.', attachments: [], sentAt: new Date().toISOString() };
  return (await ingest(hub.deps.models, null, msg)).conversationId;
}
const conversation = (id: string) => collectionsOf(hub.deps.models).Conversation.findById(id).lean();
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(shots, name) });

beforeAll(async () => {
  ensureConsoleBuilt();
  hub = await startTestHub(testConfig('e2emacros'), 'all');
  selin = (await createAgent(hub.deps.models, { email: 'selin@example.com', name: 'Selin Kaya', password: PASSWORD, role: 'supervisor' })).id;
  await createAgent(hub.deps.models, { email: 'aylin@example.com', name: 'Aylin Admin', password: PASSWORD, role: 'admin' });
  await createAgent(hub.deps.models, { email: 'emre@example.com', name: 'Emre Demir', password: PASSWORD, role: 'agent' });
  await createCanned(hub.deps.models, { shortcut: 'iade', title: 'İade bilgisi', text: 'İade talebinizi aldık; kargo kodunu e-postayla gönderiyoruz.' }, null);
  // A shared macro whose canned response was deleted afterwards: applying it is refused, and nothing changes.
  const old = await createCanned(hub.deps.models, { shortcut: 'kampanya', title: 'Kampanya', text: 'Kampanya bitti.' }, null);
  await createMacro(hub.deps.models, { id: selin, name: 'Selin Kaya', role: 'supervisor', teamIds: [] }, {
    name: 'Eski kampanya', visibility: 'shared', actions: [{ type: 'add_labels', labels: ['kampanya'] }, { type: 'send_canned', cannedId: old.id }],
  });
  await collectionsOf(hub.deps.models).Canned.deleteOne({ shortcut: 'kampanya' });
  browser = await launchChromium();
  mkdirSync(shots, { recursive: true });
}, 90_000);

afterAll(async () => {
  expect(dialogs).toEqual([]);
  await browser?.close();
  await hub?.stop();
});

test.each(['tr', 'en'] as const)('%s: create a macro, apply it from a thread with m, undo it', async (language) => {
  const x = TEXT[language];
  const page = await consoleIn(browser, hub.url!, x.who, { language, viewport: { width: 1280, height: 800 }, dialogs });
  await page.goto(`${hub.url}/macros`);
  await page.getByRole('button', { name: x.newMacro }).click();
  await page.locator('input[name="macro-name"]').fill(x.name);
  if (language === 'tr') await page.locator('.macro-form label', { hasText: 'Kimler kullanabilir' }).locator('select').selectOption('shared');
  const rows = page.locator('.macro-drafts > li');
  await rows.nth(0).locator('input').fill('iade, kargo');
  await page.getByRole('button', { name: x.add }).click();
  await rows.nth(1).locator('select').first().selectOption({ label: x.kindCanned });
  await rows.nth(1).locator('select').nth(1).selectOption({ label: x.canned });
  await page.getByRole('button', { name: x.add }).click();
  await rows.nth(2).locator('select').first().selectOption({ label: x.kindStatus });
  await rows.nth(2).locator('select').nth(1).selectOption({ label: x.pending });
  await shot(page, `macros-editor-${language}-1280.png`);
  await page.getByRole('button', { name: x.save, exact: true }).click();
  const listed = page.locator('.macros tr', { hasText: x.name });
  await listed.waitFor();
  expect(await listed.textContent()).toContain(x.listed);
  await shot(page, `macros-page-${language}-1280.png`);
  await page.setViewportSize({ width: 1920, height: 1080 });
  await shot(page, `macros-page-${language}-1920.png`);
  await page.setViewportSize({ width: 1280, height: 800 });

  const id = await newConversation(`e2e-macro-${language}`, language === 'tr' ? 'Ayşe Yılmaz' : 'Oliver Smith');
  await page.goto(`${hub.url}/c/${id}`);
  await page.locator('.thread-head h1').waitFor();
  await page.locator('body').press('m');
  const filter = page.locator('.macro-menu input[type="search"]');
  await filter.waitFor();
  await filter.fill(x.name.slice(0, 4));
  await shot(page, `macros-menu-${language}-1280.png`);
  await filter.press('Enter');
  await page.locator('.toast', { hasText: x.applied }).waitFor();
  await page.locator('.event', { hasText: x.event }).waitFor();
  await page.locator('.thread-head .label', { hasText: 'kargo' }).waitFor();
  await waitFor(async () => (await conversation(id))?.status === 'pending', 10_000, 'the macro to set pending');
  expect((await conversation(id))?.labels?.sort()).toEqual(['iade', 'kargo']);
  await shot(page, `macros-applied-${language}-1280.png`);

  await page.locator('.toast').getByRole('button', { name: x.undo, exact: true }).click();
  await page.locator('.toast', { hasText: x.undone }).waitFor();
  expect(await page.locator('.toast').textContent()).toContain(x.kept);
  await page.locator('.event', { hasText: x.undoEvent }).waitFor();
  await waitFor(async () => (await conversation(id))?.status === 'open', 10_000, 'the undo to reopen');
  expect((await conversation(id))?.labels).toEqual([]);
  // The reply went to the customer and stays in the thread.
  await page.locator('.msg', { hasText: 'kargo kodunu e-postayla' }).waitFor();
  await shot(page, `macros-undone-${language}-1280.png`);

  // A refusal says why in the agent's language and changes nothing.
  await page.locator('.toast button.dismiss').click();
  await page.locator('body').press('m');
  await filter.fill('Eski');
  await filter.press('Enter');
  await page.locator('.toast.error', { hasText: x.refused }).waitFor();
  expect((await conversation(id))?.labels).toEqual([]);
  await shot(page, `macros-refused-${language}-1280.png`);
  // The shortcut is in the help.
  await page.locator('body').press('?');
  await page.locator('dialog.help', { hasText: x.help }).waitFor();
  await shot(page, `macros-help-${language}-1280.png`);
  await page.context().close();
}, 90_000);

test.each([['tr', 'Ortak makro', 'Ortak makro oluşturuldu'], ['en', 'Shared macro', 'Shared macro created']] as const)(
  '%s: shared macros are in the audit log', async (language, family, created) => {
    const page = await consoleIn(browser, hub.url!, { email: 'aylin@example.com', password: PASSWORD }, { language, viewport: { width: 1280, height: 800 }, dialogs });
    await page.goto(`${hub.url}/admin/audit`);
    const form = page.locator('form.filters');
    await form.locator('select').nth(1).selectOption({ label: family });
    await form.locator('button[type="submit"]').click();
    const row = page.locator('table tbody tr', { hasText: 'Eski kampanya' });
    await row.waitFor();
    expect(await row.textContent()).toContain(created);
    await shot(page, `macros-audit-${language}-1280.png`);
    await page.context().close();
  }, 60_000,
);
