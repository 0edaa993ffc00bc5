import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { createAgent } from '../../src/services/agents/agents';
import { ensureConsoleBuilt, launchChromium, recordDialogs, signInConsole } from '../helpers/browser';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';

// The admins' webhooks page in Chromium (Turkish): register a receiver, send a test, read the delivery log, turn it off.
let hub: Awaited<ReturnType<typeof startTestHub>>;
let browser: Browser;
let receiver: http.Server;
let receiverUrl = '';
const bodies: string[] = [];
const dialogs: string[] = [];

beforeAll(async () => {
  ensureConsoleBuilt();
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/kanal`;
  hub = await startTestHub(testConfig('e2ewebhooks'));
  browser = await launchChromium();
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await hub?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

async function adminPage(): Promise<Page> {
  await createAgent(hub.deps.models, { email: 'yonetici@example.com', name: 'Yönetici', password: 'correct horse battery', role: 'admin' });
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'tr-TR' })).newPage();
  recordDialogs(page, dialogs);
  await signInConsole(page, hub.url!, 'yonetici@example.com', 'correct horse battery');
  return page;
}

test('an admin registers a webhook, sends a test that the receiver gets, sees it delivered in the log, and turns it off', async () => {
  const page = await adminPage();
  await page.goto(`${hub.url}/admin/webhooks`);
  const form = page.getByRole('form', { name: 'Webhook ekle' });
  await form.getByLabel('URL').fill(receiverUrl);
  await form.getByLabel('Açıklama').fill('CRM');
  await form.getByLabel('Konuşma açıldı').check();
  // A loopback receiver is refused until private addresses are allowed for it.
  await form.getByRole('button', { name: 'Webhook ekle' }).click();
  await page.getByRole('alert').filter({ hasText: 'özel ya da yerel (loopback) bir adres' }).waitFor();
  await form.getByLabel('Özel ağ adresine izin ver (şirket içi alıcı)').check();
  await form.getByRole('button', { name: 'Webhook ekle' }).click();

  const card = page.getByRole('article', { name: receiverUrl });
  await card.getByText('Konuşma açıldı · Mesaj').waitFor();
  expect(await card.getByRole('textbox', { name: 'İmza anahtarı' }).inputValue()).toMatch(/^whsec_/);
  await card.getByRole('button', { name: 'Deneme gönder' }).click();
  // The log opens with the test and follows it until the receiver's answer is in.
  await card.getByRole('table', { name: 'Gönderim kaydı' }).locator('tr', { hasText: 'ping' }).getByText('204').waitFor();
  expect(bodies.map((b) => JSON.parse(b).event)).toEqual(['ping']);

  await card.getByRole('button', { name: 'Kapat' }).click();
  await card.getByText('Kapalı').waitFor();
  expect(dialogs).toEqual([]);
}, 90_000);
