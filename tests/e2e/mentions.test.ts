import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createAgent } from '../../src/services/agents/agents';
import { ingest } from '../../src/services/ingest/ingest';
import { consoleIn, ensureConsoleBuilt, launchChromium } from '../helpers/browser';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';

// Two agents in two browser contexts on one conversation: each sees the other viewing it (in their own language),
// and an @mention in a note reaches the mentioned agent as a toast that opens the conversation.
const PASSWORD = 'correct horse battery';
const artifacts = path.resolve(__dirname, '../artifacts');
let hub: Awaited<ReturnType<typeof startTestHub>>;
let browser: Browser;
let selin: Page; // Turkish console
let ali: Page; // English console
let conversationId = '';
const dialogs: string[] = [];

beforeAll(async () => {
  ensureConsoleBuilt();
  mkdirSync(artifacts, { recursive: true });
  hub = await startTestHub(testConfig('e2ementions'), 'all');
  await createAgent(hub.deps.models, { email: 'selin@example.com', name: 'Selin Kaya', password: PASSWORD, role: 'agent' });
  await createAgent(hub.deps.models, { email: 'ali@example.com', name: 'Ali Demir', password: PASSWORD, role: 'agent' });
  const r = await ingest(hub.deps.models, hub.deps.events, {
    channel: 'webchat', dedupeKey: 'webchat:e2e-mention-1', from: { address: 'visitor-mention', name: 'Zeynep Arslan' },
    text: 'Merhaba, iadem ne durumda?', attachments: [], sentAt: new Date().toISOString(),
  });
  conversationId = String(r.conversationId);
  browser = await launchChromium();
  const viewport = { width: 1280, height: 800 };
  selin = await consoleIn(browser, hub.url!, { email: 'selin@example.com', password: PASSWORD }, { language: 'tr', viewport, dialogs });
  ali = await consoleIn(browser, hub.url!, { email: 'ali@example.com', password: PASSWORD }, { language: 'en', viewport, dialogs });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
});

test('each agent sees the other viewing the conversation, and a mention notifies the mentioned agent', async () => {
  await selin.goto(`${hub.url}/c/${conversationId}`);
  await selin.locator('.msg', { hasText: 'iadem ne durumda' }).waitFor();
  await ali.goto(`${hub.url}/c/${conversationId}`);
  await selin.locator('.thread .typing', { hasText: 'Ali Demir görüntülüyor' }).waitFor();
  await ali.locator('.thread .typing', { hasText: 'Selin Kaya is viewing' }).waitFor();
  await selin.screenshot({ path: path.join(artifacts, 'mentions-viewing-tr.png') });
  await ali.screenshot({ path: path.join(artifacts, 'mentions-viewing-en.png') });

  // Ali writes a note: "@sel" offers Selin, picking her writes her full name.
  await ali.locator('.composer .mode-note').click();
  await ali.locator('#composer-text').pressSequentially('@sel');
  await ali.locator('ul.mentions button', { hasText: '@Selin Kaya' }).waitFor();
  await ali.screenshot({ path: path.join(artifacts, 'mentions-picker-en.png') });
  await ali.locator('ul.mentions button', { hasText: '@Selin Kaya' }).click();
  await ali.locator('#composer-text').pressSequentially('iade onayını verir misin?');
  // While he types, Selin sees it (a note: never the customer).
  await selin.locator('.thread .typing', { hasText: 'Ali Demir yazıyor' }).waitFor();
  await ali.locator('.composer button[type="submit"]').click();

  const toast = selin.locator('.mention-toast');
  await toast.waitFor();
  expect(await toast.textContent()).toContain('Ali Demir bir notta sizden bahsetti');
  expect(await toast.textContent()).toContain('@Selin Kaya iade onayını verir misin?');
  await selin.screenshot({ path: path.join(artifacts, 'mentions-toast-tr.png') });
  // Ali, who wrote it, gets no toast: his console shows the note in the thread instead.
  await ali.locator('.msg', { hasText: 'iade onayını verir misin?' }).waitFor();
  expect(await ali.locator('.mention-toast').count()).toBe(0);

  // Selin goes elsewhere (Ali sees her leave), then opens the conversation from the next mention's toast.
  await selin.goto(hub.url!);
  await ali.locator('.thread .typing', { hasText: 'Selin Kaya is viewing' }).waitFor({ state: 'detached' });
  await ali.locator('#composer-text').pressSequentially('@Sel');
  await ali.locator('ul.mentions button', { hasText: '@Selin Kaya' }).click();
  await ali.locator('#composer-text').pressSequentially('tekrar');
  await ali.locator('.composer button[type="submit"]').click();
  await selin.locator('.mention-toast').waitFor();
  await selin.locator('.mention-toast button[data-action="open-mention"]').click();
  await selin.waitForURL(`**/c/${conversationId}`);
  await selin.locator('.msg', { hasText: 'tekrar' }).waitFor();

  // And the other way round, each in their own language: Selin's Turkish picker, Ali's English toast.
  await selin.locator('.composer .mode-note').click();
  await selin.locator('#composer-text').pressSequentially('@al');
  await selin.locator('ul.mentions button', { hasText: '@Ali Demir' }).waitFor();
  await selin.screenshot({ path: path.join(artifacts, 'mentions-picker-tr.png') });
  await selin.locator('#composer-text').press('Tab');
  await selin.locator('#composer-text').pressSequentially('tamam, onayladım');
  await selin.locator('.composer button[type="submit"]').click();
  await ali.locator('.mention-toast', { hasText: 'Selin Kaya mentioned you in a note' }).waitFor();
  await ali.screenshot({ path: path.join(artifacts, 'mentions-toast-en.png') });
  expect(dialogs).toEqual([]);
}, 60_000);
