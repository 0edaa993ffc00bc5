import { setTeamAccessMode } from '../../src/services/access';
import type { Browser, Page } from 'playwright-core';
import { enqueueInbound } from '../../src/queues';
import { assignConversation, conversationEffects } from '../../src/services/conversations/lifecycle';
import { createAgent } from '../../src/services/agents/agents';
import { ensureConsoleBuilt, launchChromium, signInConsole } from '../helpers/browser';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { webchatMessage } from '../helpers/messages';
import { waitFor } from '../helpers/process';
import { collectionsOf } from '../../src/store/collections';

// Desktop notifications in Chromium against a real hub: a customer message notifies the agent while the tab is
// hidden, for unassigned conversations and their own, never for a colleague's or while the tab is visible.
const PASSWORD = 'correct horse battery';
let hub: Awaited<ReturnType<typeof startTestHub>>;
let browser: Browser;
let page: Page;

// The page cannot be hidden in a headless browser, so visibility is set through the document; Notification is
// Chromium's own, wrapped only to record what was shown.
const HIDDEN_TAB = `
  window.__shown = [];
  window.__visibility = 'visible';
  Object.defineProperty(document, 'visibilityState', { get: () => window.__visibility });
  Object.defineProperty(document, 'hidden', { get: () => window.__visibility === 'hidden' });
  const Real = window.Notification;
  window.Notification = class extends Real {
    constructor(title, options) { super(title, options); window.__shown.push({ title, body: options && options.body }); }
  };
`;
const shown = () => page.evaluate(() => (window as unknown as { __shown: { title: string; body: string }[] }).__shown);
const setVisibility = (v: 'hidden' | 'visible') => page.evaluate((x) => { (window as unknown as { __visibility: string }).__visibility = x; document.dispatchEvent(new Event('visibilitychange')); }, v);

beforeAll(async () => {
  ensureConsoleBuilt();
  hub = await startTestHub(testConfig('e2enotify'), 'all');
  await setTeamAccessMode(hub.deps.models, null, 'open', null); // notifications, not access: a colleague's conversation stays visible (team mode would hide it)
  await createAgent(hub.deps.models, { email: 'ece@example.com', name: 'Ece Yıldız', password: PASSWORD, role: 'agent' });
  await createAgent(hub.deps.models, { email: 'can@example.com', name: 'Can Demir', password: PASSWORD, role: 'agent' });
  browser = await launchChromium();
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'tr-TR' });
  await ctx.grantPermissions(['notifications'], { origin: hub.url! });
  await ctx.addInitScript(HIDDEN_TAB);
  page = await ctx.newPage();
  await signInConsole(page, hub.url!, 'ece@example.com', PASSWORD);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
});

test('a hidden tab notifies for unassigned and own conversations only; a visible tab does not', async () => {
  const send = async (id: string, visitor: string, text: string) => {
    await enqueueInbound(hub.deps.queues, { ...webchatMessage(id, visitor, text), from: { address: visitor, name: 'Zeynep Kaya' } });
    return waitFor(async () => collectionsOf(hub.deps.models).Message.findOne({ text }).lean());
  };
  // visible: nothing
  const first = await send('n1', 'notify-v1', 'Merhaba, görünür sekme');
  await page.locator('text=Merhaba, görünür sekme').first().waitFor();
  expect(await shown()).toEqual([]);

  // hidden, unassigned: notified, with the customer's name and text
  await setVisibility('hidden');
  await send('n2', 'notify-v1', 'Siparişim nerede?');
  await waitFor(async () => ((await shown()).length === 1 ? true : null));
  expect((await shown())[0]).toEqual({ title: expect.stringContaining('Zeynep'), body: 'Siparişim nerede?' });

  // hidden, assigned to a colleague: silent; assigned to me: notified
  const can = await collectionsOf(hub.deps.models).Agent.findOne({ email: 'can@example.com' }).lean();
  const ece = await collectionsOf(hub.deps.models).Agent.findOne({ email: 'ece@example.com' }).lean();
  const admin = { id: String(ece!._id), name: 'Test', role: 'admin' as const, teamIds: [] };
  const assign = (to: unknown) => assignConversation(conversationEffects(hub.deps), admin, String(first!.conversationId), { assigneeId: String(to) });
  // The console has taken in an assignment once its view counts show it (they refresh on that event).
  const navCount = (label: string) => page.locator('button.nav', { hasText: label }).first().locator('.count').getAttribute('aria-label');
  const counted = (label: string, n: number) => waitFor(async () => (await navCount(label)) === String(n) || null, 10_000, `${label} to count ${n}`);
  await assign(can!._id);
  await counted('Atanmamış', 0);
  await send('n3', 'notify-v1', 'Can bakıyor');
  await page.locator('text=Can bakıyor').first().waitFor({ state: 'attached' });
  expect((await shown()).map((n) => n.body)).toEqual(['Siparişim nerede?']);
  await assign(ece!._id);
  await counted('Bana atanan', 1);
  await send('n4', 'notify-v1', 'Ece, teşekkürler');
  await waitFor(async () => ((await shown()).length === 2 ? true : null));
  expect((await shown()).map((n) => n.body)).toEqual(['Siparişim nerede?', 'Ece, teşekkürler']);
});
