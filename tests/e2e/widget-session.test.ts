import type { Browser, Page } from 'playwright-core';
import { io as connect, type Socket } from 'socket.io-client';
import { signToken, verifyToken } from '../../channels/webchat/token';
import type { MessageView } from '../../src/domain/views';
import { createAgent } from '../../src/services/agents/agents';
import { launchChromium } from '../helpers/browser';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { connected, nextEvent } from '../helpers/sockets';

// The widget in Debian's Chromium keeps its session token fresh: it stores the token the hub renews on connect, and
// an expired token makes it start a new session by itself (an anonymous visitor just goes on writing).
let hub: Awaited<ReturnType<typeof startTestHub>>;
let browser: Browser;
let page: Page;
let agent: Socket;
const DAY_S = 24 * 3600;
const TOKEN_KEY = 'kanal.widget.token';

const issuedDaysAgo = (days: number, visitorId: string) =>
  signToken({ visitorId, verified: false, iat: Math.floor(Date.now() / 1000) - days * DAY_S }, hub.deps.config.WIDGET_TOKEN_SECRET);
/** The demo page with this token (and a skipped pre-chat form) already in the widget's storage. */
async function demoWithToken(token: string) {
  await page.goto(`${hub.url}/demo`);
  await page.evaluate(([key, value]) => {
    localStorage.clear();
    localStorage.setItem(key!, value!);
    localStorage.setItem('kanal.widget.prechat', '{}');
  }, [TOKEN_KEY, token]);
  await page.reload();
}
const storedToken = () => page.evaluate((key) => localStorage.getItem(key), TOKEN_KEY);

beforeAll(async () => {
  hub = await startTestHub(testConfig('e2ewidgetsession'), 'all');
  await createAgent(hub.deps.models, { email: 'deniz@example.com', name: 'Deniz', password: 'correct horse battery', role: 'agent' });
  const login = await fetch(`${hub.url}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'deniz@example.com', password: 'correct horse battery' }),
  });
  agent = connect(`${hub.url}/agents`, { auth: { token: ((await login.json()) as { token: string }).token }, transports: ['websocket'], reconnection: false });
  await connected(agent);
  browser = await launchChromium();
  page = await browser.newPage({ locale: 'tr-TR' });
}, 60_000);

afterAll(async () => {
  agent?.disconnect();
  await browser?.close();
  await hub?.stop();
});

test('the widget stores the token the hub renews on connect (same visitor, issued now)', async () => {
  const old = issuedDaysAgo(20, 'v_returning-e2e');
  await demoWithToken(old);
  await page.waitForFunction(([key, before]) => { const t = localStorage.getItem(key!); return t !== null && t !== before; }, [TOKEN_KEY, old], { timeout: 15_000 });
  const renewed = verifyToken(await storedToken(), hub.deps.config.WIDGET_TOKEN_SECRET)!;
  expect(renewed.visitorId).toBe('v_returning-e2e');
  expect(Date.now() / 1000 - renewed.iat).toBeLessThan(60);
}, 60_000);

test('with an expired token the widget starts a new session by itself and the visitor\'s message goes through', async () => {
  await demoWithToken(issuedDaysAgo(31, 'v_expired-e2e'));
  const seen = nextEvent<MessageView>(agent, 'message.created', (m) => m.text === 'Süresi dolmuş oturumdan merhaba', 20_000);
  await page.locator('button.launcher').click();
  await page.locator('form.compose textarea').fill('Süresi dolmuş oturumdan merhaba');
  await page.locator('form.compose button[type="submit"]').click();
  const message = await seen;
  expect(message.channel).toBe('webchat');
  const stored = verifyToken(await storedToken(), hub.deps.config.WIDGET_TOKEN_SECRET)!;
  expect(stored.visitorId).not.toBe('v_expired-e2e');
  await page.locator('.msg.in:is(.sent, .delivered, .read)', { hasText: 'Süresi dolmuş oturumdan merhaba' }).waitFor({ timeout: 15_000 });
}, 60_000);
