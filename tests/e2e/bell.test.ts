import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ingest } from '../../src/services/ingest/ingest';
import { signedInAgent } from '../helpers/agent-api';
import { consoleIn, ensureConsoleBuilt, launchChromium } from '../helpers/browser';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';

// The bell: what happened while an agent was away (a mention, an assignment) waits for them, counted; opening one
// goes to the conversation and marks it read; new ones arrive live. Turkish and English, 1280 and 1920 wide.
const PASSWORD = 'doğru-parola-123'; // signedInAgent's
const artifacts = path.resolve(__dirname, '../artifacts');
let hub: Awaited<ReturnType<typeof startTestHub>>;
let browser: Browser;
let ali: Awaited<ReturnType<typeof signedInAgent>>;
let admin: Awaited<ReturnType<typeof signedInAgent>>;
let selinId = '';
let emreId = '';
const dialogs: string[] = [];

async function conversation(name: string, address: string): Promise<string> {
  const r = await ingest(hub.deps.models, hub.deps.events, {
    channel: 'webchat', dedupeKey: `webchat:${address}`, from: { address, name }, text: 'Merhaba, kargom nerede?', attachments: [], sentAt: new Date().toISOString(),
  });
  return String(r.conversationId);
}

beforeAll(async () => {
  ensureConsoleBuilt();
  mkdirSync(artifacts, { recursive: true });
  hub = await startTestHub(testConfig('e2ebell'), 'hub');
  admin = await signedInAgent(hub, 'ece@example.com', 'Ece Yönetici', 'admin');
  ali = await signedInAgent(hub, 'ali@example.com', 'Ali Demir', 'agent');
  selinId = (await signedInAgent(hub, 'selin@example.com', 'Selin Kaya', 'agent')).id;
  emreId = (await signedInAgent(hub, 'emre@example.com', 'Emre Can', 'agent')).id;
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
});

const bellCount = (page: Page) => page.locator('.bell-count');

test('Turkish: a mention and an assignment from while Selin was away wait in the bell; opening one marks it read', async () => {
  const mentionedIn = await conversation('Zeynep Arslan', 'visitor-bell-1');
  const assigned = await conversation('Mehmet Öztürk', 'visitor-bell-2');
  expect((await ali.api('POST', `/conversations/${mentionedIn}/notes`, { text: '@Selin Kaya iade onayını verir misin?', mentions: [selinId] })).status).toBe(201);
  expect((await admin.api('POST', `/conversations/${assigned}/assign`, { assigneeId: selinId })).status).toBe(200);

  const selin = await consoleIn(browser, hub.url!, { email: 'selin@example.com', password: PASSWORD }, { language: 'tr', viewport: { width: 1280, height: 800 }, dialogs });
  await selin.reload();
  await bellCount(selin).filter({ hasText: '2' }).waitFor();
  expect(await selin.getByRole('button', { name: '2 okunmamış bildirim' }).count()).toBe(1);
  await selin.locator('.bell-button').click();
  const panel = selin.getByRole('dialog', { name: 'Bildirimler' });
  await panel.getByText('Ece Yönetici size bir konuşma atadı').waitFor();
  await panel.getByText('Ali Demir sizden bahsetti').waitFor();
  await panel.getByText('Zeynep Arslan ile').waitFor();
  await panel.getByText('@Selin Kaya iade onayını verir misin?').waitFor();
  await selin.screenshot({ path: path.join(artifacts, 'bell-tr-1280.png') });

  await panel.getByText('Ali Demir sizden bahsetti').click();
  await selin.waitForURL(`**/c/${mentionedIn}**`);
  await selin.locator('.msg', { hasText: 'iade onayını verir misin' }).waitFor();
  await bellCount(selin).filter({ hasText: '1' }).waitFor();

  await selin.locator('.bell-button').click();
  await panel.getByRole('button', { name: 'Tümünü okundu say' }).click();
  await bellCount(selin).waitFor({ state: 'detached' });
  expect(await selin.getByRole('button', { name: 'Bildirimler', exact: true }).count()).toBe(1);
  expect(dialogs).toEqual([]);
  await selin.context().close();
});

test('English at 1920: a new assignment arrives live in the open console', async () => {
  const emre = await consoleIn(browser, hub.url!, { email: 'emre@example.com', password: PASSWORD }, { language: 'en', viewport: { width: 1920, height: 1080 }, dialogs });
  await emre.reload();
  await emre.getByRole('button', { name: 'Notifications', exact: true }).waitFor();
  const c = await conversation('Ayşe Yılmaz', 'visitor-bell-3');
  expect((await admin.api('POST', `/conversations/${c}/assign`, { assigneeId: emreId })).status).toBe(200);
  await bellCount(emre).filter({ hasText: '1' }).waitFor();
  await emre.locator('.bell-button').click();
  const panel = emre.getByRole('dialog', { name: 'Notifications' });
  await panel.getByText('Ece Yönetici assigned you a conversation').waitFor();
  await panel.getByText('with Ayşe Yılmaz').waitFor();
  await emre.screenshot({ path: path.join(artifacts, 'bell-en-1920.png') });
  await emre.keyboard.press('Escape');
  await panel.waitFor({ state: 'detached' });
  expect(dialogs).toEqual([]);
  await emre.context().close();
});

test('with the bell, an admin\'s Turkish top bar at 1280 holds on one line (only the search box gives way)', async () => {
  const ece = await consoleIn(browser, hub.url!, { email: 'ece@example.com', password: PASSWORD }, { language: 'tr', viewport: { width: 1280, height: 800 }, dialogs });
  await ece.reload();
  await ece.locator('.topbar button', { hasText: 'Yönetim' }).waitFor();
  const bar = await ece.locator('.topbar').boundingBox();
  const signOut = await ece.locator('.topbar button', { hasText: 'Çıkış yap' }).boundingBox();
  const name = await ece.locator('.topbar .who').boundingBox();
  expect(bar!.height).toBeLessThan(signOut!.height * 1.8);
  expect(name!.height).toBeLessThan(30); // one line
  await ece.context().close();
});
