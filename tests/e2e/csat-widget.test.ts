import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { io as connect, type Socket } from 'socket.io-client';
import type { MessageView } from '../../src/domain/views';
import { collectionsOf } from '../../src/store/collections';
import { signedInAgent } from '../helpers/agent-api';
import { launchChromium, recordDialogs } from '../helpers/browser';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { waitFor } from '../helpers/process';
import { connected, nextEvent } from '../helpers/sockets';

// The inline satisfaction rating in the web chat widget (Debian's Chromium, real hub): the agent resolves, the
// survey arrives in the widget as 1-5 buttons with a comment box, and the visitor's rating lands on the survey.
const shots = '/tmp/shots/csat';
let hub: Awaited<ReturnType<typeof startTestHub>>;
let browser: Browser;
let socket: Socket;
const dialogs: string[] = [];

let agent: Awaited<ReturnType<typeof signedInAgent>>;

beforeAll(async () => {
  hub = await startTestHub(testConfig('e2ecsat'), 'all');
  agent = await signedInAgent(hub, 'selin@example.com', 'Selin', 'admin');
  socket = connect(`${hub.url}/agents`, { auth: { token: agent.token }, transports: ['websocket'], reconnection: false });
  await connected(socket);
  browser = await launchChromium();
  mkdirSync(shots, { recursive: true });
}, 60_000);
afterAll(async () => {
  socket?.disconnect();
  await browser?.close();
  await hub?.stop();
});

test.each([
  ['tr', 'tr-TR', 'Görüşmemizi nasıl değerlendirirsiniz?', 'Teşekkürler! Puanınız: 4/5'],
  ['en', 'en-GB', 'How would you rate our conversation?', 'Thank you! Your rating: 4/5'],
] as const)('%s: the visitor rates the resolved conversation inline in the widget, with a comment', async (language, locale, question, thanks) => {
  // A fresh browser context per language: a new visitor, and the widget follows the browser's language.
  const page = await (await browser.newContext({ viewport: { width: 1100, height: 800 }, locale })).newPage();
  recordDialogs(page, dialogs);
  await page.goto(`${hub.url}/demo`);
  await page.locator('button.launcher').click();
  await page.locator('form.prechat button.link').click();
  const text = `${language}: Siparişimi iptal etmek istiyorum`;
  const seen = nextEvent<MessageView>(socket, 'message.created', (m) => m.direction === 'in' && m.text === text, 15_000);
  await page.locator('form.compose textarea').fill(text);
  await page.locator('form.compose button[type="submit"]').click();
  const inbound = await seen;

  expect((await agent.api('POST', `/conversations/${inbound.conversationId}/status`, { status: 'resolved' })).status).toBe(200);
  const form = page.locator('.msg.out form.csat');
  await form.waitFor({ timeout: 15_000 });
  await expect(form.locator('span').first().textContent()).resolves.toBe(question);
  // The link itself is not shown: the form stands in for it.
  expect(await page.locator('.msg.out', { has: page.locator('form.csat') }).textContent()).not.toContain('/csat/s/');
  await form.locator('.stars button', { hasText: '4' }).click();
  await form.locator('textarea').fill('Hızlı ve kibar, teşekkürler');
  await form.locator('button[type="submit"]').click();
  await form.locator('.meta', { hasText: thanks }).waitFor({ timeout: 10_000 });
  await page.screenshot({ path: `${shots}/widget-rating-${language}.png` });

  const stored = await waitFor(() => collectionsOf(hub.deps.models).Csat.findById(inbound.conversationId).lean());
  expect(stored).toMatchObject({ status: 'answered', score: 4, comment: 'Hızlı ve kibar, teşekkürler', via: 'webchat' });
  expect((await agent.api('GET', `/conversations/${inbound.conversationId}/csat`)).body).toMatchObject({ score: 4 });
  expect(dialogs).toEqual([]);
}, 60_000);
