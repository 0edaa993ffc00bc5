import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createAgent } from '../../src/services/agents/agents';
import { ingestBatchSettled } from '../../src/services/ingest/ingest';
import type { InboundMessage } from '../../src/domain/messages';
import { consoleIn, ensureConsoleBuilt, launchChromium } from '../helpers/browser';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { waitFor } from '../helpers/process';

// What a new install shows in Chromium, in Turkish and English, at 1280×800 and 1920×1080: a hub without an
// outgoing mail relay never preselects or offers email in the composer (it says why), and the wallboard shows the
// customers waiting with no team, with the oldest wait. No routing default team here: they stay team-less.
const root = path.resolve(__dirname, '../..');
const shots = process.env.KANAL_SHOTS_DIR ?? path.join(root, 'tests/artifacts');
const PASSWORD = 'correct horse battery';
const MIN = 60_000;
const VIEWPORTS = [{ width: 1280, height: 800 }, { width: 1920, height: 1080 }] as const;
const TEXT = {
  en: { email: 'Email', reason: 'email sending is not set up on this hub (no outgoing mail relay or from address); an admin can set it up', noTeam: 'No team', waitUnit: /^\d+ min$/, mine: 'Mine', noTeamYet: 'You are not in a team yet' },
  tr: { email: 'E-posta', reason: 'Bu sunucuda e-posta gönderimi ayarlı değil (giden posta sunucusu ya da gönderen adresi yok); bir yönetici ayarlayabilir', noTeam: 'Ekipsiz', waitUnit: /^\d+ dk$/, mine: 'Bana atanan', noTeamYet: 'Henüz bir ekipte değilsiniz' },
} as const;

let hub: Awaited<ReturnType<typeof startTestHub>>;
let browser: Browser;
let emailConversation: string;
const dialogs: string[] = [];

const consolePage = (language: 'tr' | 'en', viewport: { width: number; height: number }): Promise<Page> =>
  consoleIn(browser, hub.url!, { email: 'selin@example.com', password: PASSWORD }, { language, viewport, dialogs });

beforeAll(async () => {
  ensureConsoleBuilt();
  hub = await startTestHub(testConfig('e2eavailability'), 'all');
  await createAgent(hub.deps.models, { email: 'selin@example.com', name: 'Selin Kaya', password: PASSWORD, role: 'supervisor' });
  // Ayşe wrote in the web chat (signed in: the shop vouched for her email), then by email 40 minutes ago: her
  // conversation's last channel is email, which this hub cannot send on. Mehmet waits since 10 minutes.
  const messages: InboundMessage[] = [
    {
      channel: 'webchat', dedupeKey: 'webchat:e2e-ayse-1', from: { address: 'visitor-ayse', name: 'Ayşe Yılmaz' },
      linkedIdentities: [{ channel: 'email', address: 'ayse@example.com', verified: true }],
      text: 'Merhaba, siparişim nerede?', attachments: [], sentAt: new Date(Date.now() - 41 * MIN).toISOString(),
    },
    {
      channel: 'email', dedupeKey: 'email:<e2e-ayse-2@example.com>', from: { address: 'ayse@example.com', name: 'Ayşe Yılmaz' },
      subject: 'Sipariş', text: 'Sipariş numaram 10482.', attachments: [], sentAt: new Date(Date.now() - 40 * MIN).toISOString(),
    },
    {
      channel: 'webchat', dedupeKey: 'webchat:e2e-mehmet-1', from: { address: 'visitor-mehmet', name: 'Mehmet Öztürk' },
      text: 'İade kodu gelmedi.', attachments: [], sentAt: new Date(Date.now() - 10 * MIN).toISOString(),
    },
  ];
  // One at a time, as the inbound worker takes them: the email finds the identity the web chat message linked.
  const results = [];
  for (const msg of messages) {
    const [r] = await ingestBatchSettled(hub.deps.models, null, [msg], [new Date(msg.sentAt)]);
    if (!r || r instanceof Error) throw r ?? new Error('not ingested');
    results.push(r);
  }
  expect(results[1]!.customerId).toBe(results[0]!.customerId);
  emailConversation = results[1]!.conversationId;
  browser = await launchChromium();
  mkdirSync(shots, { recursive: true });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
});

describe.each(VIEWPORTS)('at $width×$height', (viewport) => {
  test.each(['tr', 'en'] as const)('%s: the composer disables email with the reason and preselects web chat', async (language) => {
    const page = await consolePage(language, viewport);
    await page.goto(`${hub.url}/c/${emailConversation}`);
    const select = page.locator('.composer .channel select');
    // The hub's answer has arrived once the unavailable channels are listed under the picker.
    const blocked = page.locator('.composer .channel-blocked li[data-channel="email"]');
    await blocked.waitFor();
    const email = page.locator('.composer .channel option[value="email"]');
    expect(await email.textContent()).toContain(TEXT[language].reason);
    expect(await select.inputValue()).toBe('webchat');
    expect(await email.isDisabled()).toBe(true);
    // Said outside the picker too, in the agent's language, naming no environment variable.
    expect(await blocked.textContent()).toBe(`${TEXT[language].email}: ${TEXT[language].reason}`);
    expect(await blocked.textContent()).not.toMatch(/EMAIL_|environment/);
    await page.screenshot({ path: path.join(shots, `composer-${language}-${viewport.width}.png`) });
    await page.context().close();
  }, 60_000);

  test.each(['tr', 'en'] as const)('%s: with nothing assigned and no team, "Mine" says where work comes from; "No team" lists the waiting', async (language) => {
    const page = await consolePage(language, viewport);
    await page.goto(hub.url!);
    await page.locator('nav.views button', { hasText: TEXT[language].mine }).click();
    expect(await page.locator('.where-work').textContent()).toContain(TEXT[language].noTeamYet);
    const noTeam = page.locator('nav.views button', { hasText: TEXT[language].noTeam });
    expect(await noTeam.locator('.count').textContent()).toBe('2');
    await page.screenshot({ path: path.join(shots, `mine-empty-${language}-${viewport.width}.png`) });
    await page.context().close();
  }, 60_000);

  test.each(['tr', 'en'] as const)('%s: the wallboard has a "no team" row with every waiting customer and the oldest wait', async (language) => {
    const page = await consolePage(language, viewport);
    await page.goto(`${hub.url}/supervisor`);
    const row = page.locator('.wallboard tr[data-team-id="none"]');
    await row.waitFor();
    expect(await row.locator('th').textContent()).toBe(TEXT[language].noTeam);
    expect(await row.locator('.queue-length').textContent()).toBe('2');
    const wait = (await row.locator('.longest-wait').textContent()) ?? '';
    expect(wait).toMatch(TEXT[language].waitUnit);
    expect(Number.parseInt(wait, 10)).toBeGreaterThanOrEqual(40);
    // The table fits its card: nothing scrolls sideways.
    expect(await page.locator('.wallboard').evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
    await page.screenshot({ path: path.join(shots, `wallboard-${language}-${viewport.width}.png`), fullPage: true });
    await page.context().close();
  }, 60_000);
});

test('a supervisor sets the priority from the thread; the event reads as people say it', async () => {
  const page = await consolePage('en', VIEWPORTS[0]);
  await page.goto(`${hub.url}/c/${emailConversation}`);
  await page.locator('.actions .priority select').selectOption({ label: 'High priority' });
  await waitFor(async () => (await hub.deps.models.conversations.byId(emailConversation))?.priority === 10, 10_000, 'the priority to be stored');
  await page.locator('button[data-action="assign"]').click();
  await page.locator('.event', { hasText: 'Selin Kaya took this' }).waitFor();
  expect(await page.locator('.actions .priority select').inputValue()).toBe('10');
  await page.screenshot({ path: path.join(shots, 'thread-priority-en-1280.png') });
  await page.context().close();
}, 60_000);

test('no dialogs were opened', () => {
  expect(dialogs).toEqual([]);
});
