import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Types } from 'mongoose';
import type { Browser, Page } from 'playwright-core';
import type { InboundMessage } from '../../src/domain/messages';
import { createAgent } from '../../src/services/agents/agents';
import { ingest } from '../../src/services/ingest/ingest';
import { collectionsOf } from '../../src/store/collections';
import { ensureConsoleBuilt, launchChromium, recordDialogs, signInConsole } from '../helpers/browser';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { waitFor } from '../helpers/process';

// Hand-offs in Chromium at 1280×800: a supervisor hands a conversation to a colleague from the thread's picker (which
// shows each colleague's presence and load against capacity), and resolves several conversations at once from the
// list (checkbox, then shift-click for the range).
const root = path.resolve(__dirname, '../..');
const shots = process.env.KANAL_SHOTS_DIR ?? path.join(root, 'tests/artifacts');
const PASSWORD = 'correct horse battery';
const VIEWPORT = { width: 1280, height: 800 };
const TEXT = {
  tr: { reopened: 'Müşteri yeniden yazdı: konuşma yeniden açıldı (önceki durum: Çözüldü)', handoff: 'Devret…', load: (n: number) => `${n}/3 konuşma`, offline: 'Çevrimdışı', assigned: 'Selin Kaya konuşmayı Emre Demir adlı temsilciye atadı', selected: '3 seçili', resolve: 'Çöz', done: '3 konuşmada yapıldı.' },
  en: { reopened: 'The customer wrote again: reopened (was Resolved)', handoff: 'Hand off…', load: (n: number) => `${n}/3 conversations`, offline: 'Offline', assigned: 'Selin Kaya assigned this to Emre Demir', selected: '3 selected', resolve: 'Resolve', done: 'Done for 3 conversations.' },
} as const;

let hub: Awaited<ReturnType<typeof startTestHub>>;
let browser: Browser;
let emre = '';
const dialogs: string[] = [];
let seq = 0;

/** A new web chat customer's conversation (in `teamId`, when given: each test lists only its own team's). */
async function newConversation(name: string, text: string, teamId?: string): Promise<string> {
  const who = `e2e-handoff-${++seq}`;
  const msg: InboundMessage = { channel: 'webchat', dedupeKey: `webchat:${who}`, from: { address: who, name }, text, attachments: [], sentAt: new Date().toISOString() };
  const id = (await ingest(hub.deps.models, null, msg)).conversationId;
  if (teamId) await hub.deps.models.conversations.updateById(id, { $set: { teamId: new Types.ObjectId(teamId) } });
  return id;
}
const newTeam = async (name: string) => String((await collectionsOf(hub.deps.models).Team.create({ name, assignmentPolicy: 'manual' }))._id);

async function consolePage(language: 'tr' | 'en', email = 'selin@example.com'): Promise<Page> {
  const ctx = await browser.newContext({ viewport: VIEWPORT, locale: language === 'tr' ? 'tr-TR' : 'en-GB' });
  const page = await ctx.newPage();
  recordDialogs(page, dialogs);
  await signInConsole(page, hub.url!, email, PASSWORD);
  await page.evaluate((l) => fetch('/api/me/settings', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ language: l }) }), language);
  return page;
}
const conversation = (id: string) => collectionsOf(hub.deps.models).Conversation.findById(id).lean();

beforeAll(async () => {
  ensureConsoleBuilt();
  hub = await startTestHub(testConfig('e2ehandoffs'), 'all');
  await createAgent(hub.deps.models, { email: 'selin@example.com', name: 'Selin Kaya', password: PASSWORD, role: 'supervisor' });
  await createAgent(hub.deps.models, { email: 'admin@example.com', name: 'Aylin Admin', password: PASSWORD, role: 'admin' });
  emre = (await createAgent(hub.deps.models, { email: 'emre@example.com', name: 'Emre Demir', password: PASSWORD, role: 'agent', capacity: 3 })).id;
  browser = await launchChromium();
  mkdirSync(shots, { recursive: true });
}, 90_000);

afterAll(async () => {
  expect(dialogs).toEqual([]);
  await browser?.close();
  await hub?.stop();
});

test.each(['tr', 'en'] as const)('%s: hand a conversation to a colleague from the thread, seeing their presence and load', async (language) => {
  const id = await newConversation(language === 'tr' ? 'Ayşe Yılmaz' : 'Mehmet Öztürk', 'Siparişim nerede?');
  const page = await consolePage(language);
  await page.goto(`${hub.url}/c/${id}`);
  const picker = page.getByRole('button', { name: TEXT[language].handoff });
  await picker.click();
  const option = page.locator(`.assign-picker button[data-assignee="${emre}"]`);
  await option.waitFor();
  expect(await option.textContent()).toContain(TEXT[language].offline);
  const before = Number(/^(\d+)\/3 /.exec((await option.locator('.load').textContent()) ?? '')?.[1]);
  await page.screenshot({ path: path.join(shots, `handoffs-picker-${language}-1280.png`) });
  await option.click();
  await page.locator('.event', { hasText: TEXT[language].assigned }).waitFor();
  expect(String((await conversation(id))?.assigneeId)).toBe(emre);
  // The picker counts the conversation in Emre's load now, against his capacity of 3.
  await picker.click();
  await option.locator('.load', { hasText: TEXT[language].load(before + 1) }).waitFor();
  expect(await option.isDisabled()).toBe(true); // he has it already
  await page.context().close();
}, 60_000);

test('tr: select three conversations (click, then shift-click) and resolve them at once', async () => {
  const team = await newTeam('Toplu TR');
  const ids = [];
  for (const [name, text] of [['Zeynep Arslan', 'Fatura adresi'], ['Can Yıldız', 'Kargo hasarlı'], ['Elif Şahin', 'İade kodu'], ['Burak Aydın', 'Kupon çalışmıyor']] as const) {
    ids.push(await newConversation(name, text, team));
  }
  const page = await consolePage('tr');
  await page.goto(hub.url!);
  await page.locator('nav.views button', { hasText: 'Toplu TR' }).click();
  const rows = page.locator('li.conv');
  await rows.nth(3).waitFor();
  const shown = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-id')!));
  await rows.nth(0).locator('input.pick').click();
  await rows.nth(2).locator('input.pick').click({ modifiers: ['Shift'] });
  await page.locator('.bulk-bar .bulk-count', { hasText: TEXT.tr.selected }).waitFor();
  await page.screenshot({ path: path.join(shots, 'handoffs-bulk-tr-1280.png') });
  await page.locator('.bulk-bar').getByRole('button', { name: TEXT.tr.resolve, exact: true }).click();
  await page.locator('.bulk-note', { hasText: TEXT.tr.done }).waitFor();

  const chosen = shown.slice(0, 3);
  await waitFor(async () => (await Promise.all(chosen.map(conversation))).every((c) => c?.status === 'resolved'), 10_000, 'the three resolved');
  expect((await conversation(shown[3]!))?.status).toBe('open');
  expect([...shown].sort()).toEqual([...ids].sort());
  // The resolved ones leave the open list; the fourth stays.
  await waitFor(async () => (await page.locator('li.conv').count()) === 1, 10_000, 'the list to show only the unresolved one');
  expect(await page.locator('li.conv').getAttribute('data-id')).toBe(shown[3]);
  await page.context().close();
}, 60_000);

test('en: the bulk bar in English', async () => {
  const team = await newTeam('Bulk EN');
  for (const name of ['Oliver Smith', 'Emma Brown', 'Noah Wilson']) await newConversation(name, 'Where is my order?', team);
  const page = await consolePage('en');
  await page.goto(hub.url!);
  await page.locator('nav.views button', { hasText: 'Bulk EN' }).click();
  const rows = page.locator('li.conv');
  await rows.nth(2).waitFor();
  await rows.nth(0).locator('input.pick').click();
  await rows.nth(2).locator('input.pick').click({ modifiers: ['Shift'] });
  await page.locator('.bulk-bar .bulk-count', { hasText: TEXT.en.selected }).waitFor();
  await page.screenshot({ path: path.join(shots, 'handoffs-bulk-en-1280.png') });
  await page.context().close();
}, 60_000);

test.each(['tr', 'en'] as const)('%s: a customer writing into a resolved conversation shows the "reopened" event in the thread', async (language) => {
  const name = language === 'tr' ? 'Deniz Koç' : 'Jack Taylor';
  const id = await newConversation(name, 'Teşekkürler, sorun çözüldü.');
  await hub.deps.models.conversations.updateById(id, { $set: { status: 'resolved', resolvedAt: new Date(), openKey: `resolved:${id}` } });
  const customer = String((await conversation(id))?.customerId);
  const address = (await collectionsOf(hub.deps.models).Identity.findOne({ customerId: new Types.ObjectId(customer) }).lean())!.address;
  const again = await ingest(hub.deps.models, null, {
    channel: 'webchat', dedupeKey: `webchat:reopen-${language}`, from: { address, name }, text: 'Aslında bir sorum daha var.', attachments: [], sentAt: new Date().toISOString(),
  });
  expect(again.conversationId).toBe(id);
  const page = await consolePage(language);
  await page.goto(`${hub.url}/c/${id}`);
  await page.locator('.event', { hasText: TEXT[language].reopened }).waitFor();
  await page.screenshot({ path: path.join(shots, `handoffs-reopened-${language}-1280.png`) });
  await page.context().close();
}, 60_000);

test.each([
  ['tr', 'Devir', 'Atanmamış bir konuşmayı yanıtlayan temsilci konuşmayı üstlenir'],
  ['en', 'Hand-offs', 'An agent who replies to an unassigned conversation takes it'],
] as const)('%s: an admin turns auto-assign on reply off for a team', async (language, title, label) => {
  const team = await newTeam(`Ayar ${language}`);
  const page = await consolePage(language, 'admin@example.com');
  await page.goto(`${hub.url}/admin`);
  const settings = page.locator('.handoff-settings');
  await settings.locator('h2', { hasText: title }).waitFor();
  await settings.locator('select').selectOption(team);
  const box = settings.getByRole('checkbox', { name: label });
  await waitFor(async () => box.isChecked(), 10_000, 'the default (on) shown');
  await box.uncheck();
  await settings.locator('[role="status"]').waitFor();
  expect((await hub.deps.models.teamPolicies.byKeys([team]))[0]?.handoff).toEqual({ autoAssignOnReply: false });
  await settings.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(shots, `handoffs-settings-${language}-1280.png`) });
  await page.context().close();
}, 60_000);
