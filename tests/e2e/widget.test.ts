import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { io as connect, type Socket } from 'socket.io-client';
import type { MessageView } from '../../src/domain/views';
import { createAgent } from '../../src/services/agents/agents';
import { launchChromium, recordDialogs } from '../helpers/browser';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { connected, nextEvent } from '../helpers/sockets';

// The web chat widget in Debian's Chromium against a real hub: a visitor writes from the demo page, an agent
// (over the real /agents socket and REST API) answers, and hostile text never runs as code on either side.
const artifacts = path.resolve(__dirname, '../artifacts');
let hub: Awaited<ReturnType<typeof startTestHub>>;
let browser: Browser;
let page: Page;
let agent: Socket;
let agentToken: string;
const dialogs: string[] = [];

beforeAll(async () => {
  hub = await startTestHub(testConfig('e2ewidget'), 'all');
  await createAgent(hub.deps.models, { email: 'zeynep@example.com', name: 'Zeynep', password: 'correct horse battery', role: 'agent' });
  const login = await fetch(`${hub.url}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'zeynep@example.com', password: 'correct horse battery' }),
  });
  agentToken = ((await login.json()) as { token: string }).token;
  agent = connect(`${hub.url}/agents`, { auth: { token: agentToken }, transports: ['websocket'], reconnection: false });
  await connected(agent);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'tr-TR' });
  recordDialogs(page, dialogs);
  mkdirSync(artifacts, { recursive: true });
}, 60_000);

afterAll(async () => {
  agent?.disconnect();
  await browser?.close();
  await hub?.stop();
});

test('visitor writes in the widget, the agent sees it live, replies, and the widget shows the reply and typing', async () => {
  await page.goto(`${hub.url}/demo`);
  await page.locator('button.launcher').click();
  await page.locator('form.prechat input[type="text"]').fill('Ayşe Yılmaz');
  await page.locator('form.prechat button[type="submit"]').click();

  const hostile = '<img src=x onerror="window.__pwned=1;alert(1)"> İade süresi kaç gün?';
  const seen = nextEvent<MessageView>(agent, 'message.created', (m) => m.text === hostile, 15_000);
  await page.locator('form.compose textarea').fill(hostile);
  await page.locator('form.compose button[type="submit"]').click();
  const inbound = await seen;
  expect(inbound.direction).toBe('in');
  await page.locator('.msg.in', { hasText: 'İade süresi kaç gün?' }).waitFor();

  await agent.timeout(5000).emitWithAck('conversation:join', { conversationId: inbound.conversationId });
  agent.emit('typing', { conversationId: inbound.conversationId, typing: true });
  await page.locator('.typing', { hasText: /Zeynep/ }).waitFor({ state: 'visible', timeout: 10_000 });

  const reply = 'İade süresi 14 gündür. <script>window.__pwned=2</script>';
  const res = await fetch(`${hub.url}/api/conversations/${inbound.conversationId}/reply`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${agentToken}` },
    body: JSON.stringify({ text: reply }),
  });
  expect(res.status).toBe(202);
  await page.locator('.msg.out', { hasText: 'İade süresi 14 gündür.' }).waitFor({ timeout: 15_000 });

  // Hostile text is shown as text, never run.
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(dialogs).toEqual([]);
  expect(await page.locator('.msg.in', { hasText: '<img src=x' }).count()).toBe(1);
  await page.screenshot({ path: path.join(artifacts, 'widget-conversation.png') });
}, 60_000);

test('after a reload the widget restores the same conversation from history', async () => {
  await page.reload();
  await page.locator('button.launcher').click();
  await page.locator('.msg.out', { hasText: 'İade süresi 14 gündür.' }).waitFor({ timeout: 15_000 });
  expect(await page.locator('.msg.in', { hasText: 'İade süresi kaç gün?' }).count()).toBe(1);
}, 30_000);
