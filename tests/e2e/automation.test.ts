import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { RuleView } from '../../src/domain/automation';
import { enqueueInbound } from '../../src/queues';
import { createAgent } from '../../src/services/agents/agents';
import { RecentEvents } from '../../src/services/automation/recent-events';
import { consoleIn, ensureConsoleBuilt, launchChromium } from '../helpers/browser';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { webchatMessage } from '../helpers/messages';
import { waitFor } from '../helpers/process';

// The admins' automation rules screen in Chromium, in Turkish and in English: create a rule with the editor and
// dry-run it on recent messages, reorder the rules, turn one off, read a rule's log.
const SHOTS = '/tmp/shots/automation';
const ADMIN = { email: 'yonetici@example.com', password: 'correct horse battery' };
let hub: Awaited<ReturnType<typeof startTestHub>>;
let browser: Browser;
const dialogs: string[] = [];

beforeAll(async () => {
  ensureConsoleBuilt();
  mkdirSync(SHOTS, { recursive: true });
  hub = await startTestHub(testConfig('e2eautomation'));
  browser = await launchChromium();
  await createAgent(hub.deps.models, { ...ADMIN, name: 'Yönetici', role: 'admin' });
  // Recent customer messages for the dry run (the Turkish test adds a third, which its rule matches: the English one sees 3).
  await enqueueInbound(hub.deps.queues, webchatMessage('e2e-a-1', 'v-e2e-1', 'Ürünü İADE etmek istiyorum'));
  await enqueueInbound(hub.deps.queues, webchatMessage('e2e-a-2', 'v-e2e-2', 'Kargom nerede?'));
  await waitFor(async () => (await new RecentEvents(hub.deps.redis, hub.deps.config.QUEUE_PREFIX).list(50)).filter((e) => e.type === 'message.received').length >= 2, 20_000, 'two message events');
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await hub?.stop();
});

const rules = async (page: Page) => page.evaluate(() => fetch('/api/admin/automation/rules').then((r) => r.json() as Promise<RuleView[]>));
const rowNames = (page: Page) => page.locator('table.rules tbody th[scope="row"]').allTextContents();

interface Words {
  newRule: string; name: string; addCondition: string; text: string; labels: string; dryRun: string; wouldFire: string; save: string;
  up: (n: string) => string; on: (n: string) => string; log: string; logTitle: (n: string) => string; done: string;
}
const WORDS: Record<'tr' | 'en', Words> = {
  tr: {
    newRule: 'Yeni kural', name: 'Ad', addCondition: 'Koşul ekle (Bunların hepsi sağlanırsa)', text: 'Mesaj metni', labels: 'Etiketler', dryRun: 'Deneme çalıştır',
    wouldFire: '2 olaydan 1 tanesinde çalışırdı.', save: 'Kaydet', up: (n) => `“${n}” yukarı`, on: (n) => `“${n}” açık`, log: 'Kayıt', logTitle: (n) => `“${n}” kaydı`, done: 'Yapıldı',
  },
  en: {
    newRule: 'New rule', name: 'Name', addCondition: 'Add condition (All of these hold)', text: 'Message text', labels: 'Labels', dryRun: 'Dry run',
    wouldFire: '2 of 3 events would fire it.', save: 'Save', up: (n) => `Move “${n}” up`, on: (n) => `“${n}” is on`, log: 'Log', logTitle: (n) => `Log of “${n}”`, done: 'Done',
  },
};

for (const language of ['tr', 'en'] as const) {
  test(`${language}: an admin creates a rule, dry-runs it, reorders the rules, turns one off and reads a log`, async () => {
    const w = WORDS[language];
    const page = await consoleIn(browser, hub.url!, ADMIN, { language, viewport: { width: 1280, height: 800 }, dialogs });
    for (const r of await rules(page)) await page.evaluate((id) => fetch(`/api/admin/automation/rules/${id}/delete`, { method: 'POST' }), r.id);
    await page.goto(`${hub.url}/admin/automation`);

    // Create "İade" with the editor: message text contains "iade" → label "iade"; the dry run finds one of the two.
    await page.getByRole('button', { name: w.newRule }).click();
    const form = page.locator('form.rule-form');
    await form.getByLabel(w.name, { exact: true }).fill(`İade ${language}`);
    await form.getByLabel(w.addCondition).selectOption('text');
    await form.getByRole('textbox', { name: w.text }).fill('iade');
    await form.getByRole('textbox', { name: w.labels }).fill('iade');
    await form.getByRole('button', { name: w.dryRun }).click();
    await form.getByRole('status').filter({ hasText: w.wouldFire }).waitFor();
    await page.screenshot({ path: `${SHOTS}/automation-editor-filled-${language}-1280.png` });
    await form.locator('.dry-run').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/automation-dryrun-${language}-1280.png` });
    await form.getByRole('button', { name: w.save }).click();
    await form.waitFor({ state: 'detached' });
    const created = (await rules(page)).find((r) => r.name === `İade ${language}`)!;
    expect(created).toMatchObject({ event: 'message.received', conditions: [{ type: 'text', op: 'contains', value: 'iade' }], actions: [{ type: 'add_labels', labels: ['iade'] }], enabled: true });

    // A second rule (through the API), then the editor's one moves below it by its "up" button.
    await page.evaluate((name) => fetch('/api/admin/automation/rules', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, event: 'conversation.opened', actions: [{ type: 'set_priority', priority: 10 }] }),
    }), `Yeni ${language}`);
    await page.reload();
    await page.locator('table.rules tbody tr').nth(1).waitFor();
    expect(await rowNames(page)).toEqual([`İade ${language}`, `Yeni ${language}`]);
    await page.getByRole('button', { name: w.up(`Yeni ${language}`) }).click();
    await waitFor(async () => JSON.stringify(await rowNames(page)) === JSON.stringify([`Yeni ${language}`, `İade ${language}`]), 10_000, 'reordered');
    expect((await rules(page)).map((r) => r.name)).toEqual([`Yeni ${language}`, `İade ${language}`]);

    // Turn "Yeni" off.
    await page.getByRole('checkbox', { name: w.on(`Yeni ${language}`) }).uncheck();
    await waitFor(async () => (await rules(page)).find((r) => r.name === `Yeni ${language}`)?.enabled === false, 10_000, 'turned off');
    await expect(page.getByRole('checkbox', { name: w.on(`Yeni ${language}`) }).isChecked()).resolves.toBe(false);

    // A message the rule matches, then its log.
    await enqueueInbound(hub.deps.queues, webchatMessage(`e2e-b-${language}`, `v-e2e-b-${language}`, 'iade kodu lazım'));
    await waitFor(async () => ((await page.evaluate((id) => fetch(`/api/admin/automation/rules/${id}/runs`).then((r) => r.json()), created.id)) as { runs: unknown[] }).runs.length > 0, 20_000, 'the rule ran');
    await page.locator('tr', { hasText: `İade ${language}` }).getByRole('button', { name: w.log }).click();
    const log = page.getByRole('table', { name: w.logTitle(`İade ${language}`) });
    await log.getByText(w.done).first().waitFor();
    // The row names the customer (webchatMessage's "Ayşe Yılmaz") and links to the conversation.
    await expect(log.getByRole('link', { name: 'Ayşe Yılmaz' }).count()).resolves.toBeGreaterThan(0);
    await page.screenshot({ path: `${SHOTS}/automation-list-${language}-1280.png`, fullPage: true });
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.screenshot({ path: `${SHOTS}/automation-list-${language}-1920.png`, fullPage: true });
    await page.getByRole('button', { name: `${w.newRule}` }).click();
    await page.locator('form.rule-form').getByLabel(w.addCondition).selectOption('labels');
    await page.screenshot({ path: `${SHOTS}/automation-editor-${language}-1920.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: `${SHOTS}/automation-editor-${language}-1280.png`, fullPage: true });
    expect(dialogs).toEqual([]);
    await page.context().close();
  }, 120_000);
}
