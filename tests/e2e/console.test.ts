import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { InboundMessage } from '../../src/domain/messages';
import { enqueueInbound } from '../../src/queues';
import { createAgent } from '../../src/services/agents/agents';
import { storeAttachment } from '../../src/services/ingest/attachments';
import { createCanned } from '../../src/services/agents/canned';
import { launchChromium, recordDialogs } from '../helpers/browser';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';

// The agent console in Debian's Chromium against a real hub (store, Redis, workers): sign in, a web chat message
// arrives live, reply and note, email + SMS of one customer in one thread, assignment and status, Turkish, and
// hostile customer text / email HTML that must never run.
const root = path.resolve(__dirname, '../..');
const artifacts = path.join(root, 'tests/artifacts');
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(artifacts, `console-${name}.png`) });

let hub: Awaited<ReturnType<typeof startTestHub>>;
let browser: Browser;
let agentCtx: BrowserContext;
let visitorCtx: BrowserContext;
let page: Page;
let widget: Page;
const dialogs: string[] = [];
const pwned = (p: Page) => p.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned);
/** In the browser: resolves once each of these images that is not remote has fired load or error. */
const settled = (imgs: Element[]) => Promise.all((imgs as HTMLImageElement[])
  .filter((img) => !img.complete && !/^https?:\/\/(?!127\.0\.0\.1|localhost)/.test(img.src))
  .map((img) => new Promise((resolve) => { img.addEventListener('load', resolve, { once: true }); img.addEventListener('error', resolve, { once: true }); })));

beforeAll(async () => {
  // `npm test` builds both bundles first; a lone run of this file builds what is missing.
  for (const [out, script] of [['agent-ui/dist/index.html', 'scripts/build-ui.mjs'], ['public/widget.js', 'scripts/build-widget.mjs']] as const) {
    if (!existsSync(path.join(root, out))) expect(spawnSync(process.execPath, [script], { cwd: root, stdio: 'inherit' }).status).toBe(0);
  }
  // Twilio is set up (never called: the SMS arrives through the inbound queue) so the composer offers SMS, and the
  // hub's channel list gives WhatsApp's real reason: the 24-hour window.
  hub = await startTestHub(testConfig('e2econsole', {
    TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`, TWILIO_AUTH_TOKEN: 'e2e-console-twilio-token', TWILIO_API_BASE: 'http://127.0.0.1:9', TWILIO_FROM_NUMBER: '+905550000000',
    TWILIO_WHATSAPP_FROM: '+905550000001',
  }), 'all');
  await createAgent(hub.deps.models, { email: 'deniz@example.com', name: 'Deniz Kaya', password: 'correct horse battery', role: 'agent' });
  await createCanned(hub.deps.models, { shortcut: 'iade', title: 'İade süresi', text: 'İade süresi 14 gündür.' }, null);
  browser = await launchChromium();
  agentCtx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  visitorCtx = await browser.newContext({ viewport: { width: 1000, height: 760 }, locale: 'tr-TR' });
  page = await agentCtx.newPage();
  widget = await visitorCtx.newPage();
  recordDialogs(page, dialogs);
  recordDialogs(widget, dialogs);
  mkdirSync(artifacts, { recursive: true });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
});

test('an agent signs in (English, set before) and sees the inbox', async () => {
  await page.goto(hub.url!);
  await page.locator('input[name="email"]').fill('deniz@example.com');
  await page.locator('input[name="password"]').fill('correct horse battery');
  await page.locator('button[type="submit"]').click();
  await page.locator('.topbar .who', { hasText: 'Deniz Kaya' }).waitFor();
  // Start in English so switching to Turkish later is observable.
  await page.evaluate(() => fetch('/api/me/settings', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ language: 'en' }) }));
  await page.reload();
  await page.locator('nav.views', { hasText: 'Unassigned' }).waitFor();
  await shot(page, 'inbox-empty');
}, 60_000);

test('a widget message appears live; the reply reaches the widget; a note does not', async () => {
  await widget.goto(`${hub.url}/demo`);
  await widget.locator('button.launcher').click();
  await widget.locator('form.prechat input[type="text"]').fill('Ayşe Yılmaz');
  // Someone else's address (Mehmet's, who writes by email below): a claim the sidebar shows, never a link.
  await widget.locator('form.prechat input[type="email"]').fill('mehmet@example.com');
  await widget.locator('form.prechat button[type="submit"]').click();
  const hostile = '<img src=x onerror="window.__pwned=1;alert(1)"><script>window.__pwned=2</script> Siparişim nerede? javascript:alert(3)';
  await widget.locator('form.compose textarea').fill(hostile);
  await widget.locator('form.compose button[type="submit"]').click();

  const row = page.locator('li.conv', { hasText: 'Ayşe Yılmaz' });
  await row.waitFor({ timeout: 15_000 });
  expect(await row.getAttribute('class')).toContain('unread');
  await row.click();
  await page.locator('.msg.in', { hasText: 'Siparişim nerede?' }).waitFor();
  expect(await page.locator('.msg.in .text').first().textContent()).toContain('<img src=x onerror=');

  // Typing is sent to the visitor.
  await page.locator('#composer-text').fill('Merhaba Ayşe Hanım');
  await widget.locator('.typing', { hasText: /Deniz/ }).waitFor({ state: 'visible', timeout: 10_000 });
  await page.locator('.composer button[type="submit"]').click();
  await widget.locator('.msg.out', { hasText: 'Merhaba Ayşe Hanım' }).waitFor({ timeout: 15_000 });
  await page.locator('.msg.out .delivery.sent, .msg.out .delivery.delivered, .msg.out .delivery.read').first().waitFor({ timeout: 15_000 });

  // A reply with an attachment: uploaded first, then sent with the reply; the thread links it.
  await page.locator('.composer input[type="file"]').setInputFiles({ name: 'iade-formu.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n% iade formu\n%%EOF\n') });
  await page.locator('.composer .files li', { hasText: 'iade-formu.pdf' }).waitFor();
  await page.locator('#composer-text').fill('Form ekte');
  await page.locator('.composer button[type="submit"]').click();
  await page.locator('.msg.out', { hasText: 'Form ekte' }).locator('.attachments a', { hasText: 'iade-formu.pdf' }).waitFor();
  // The live message can arrive before the reply's HTTP answer clears the composer's file list.
  await page.locator('.composer .files li').first().waitFor({ state: 'detached' });

  // A note looks different and never reaches the customer.
  await page.locator('.composer .mode-note').click();
  expect(await page.locator('form.composer.note').count()).toBe(1);
  await page.locator('#composer-text').fill('İade talebi olabilir, kontrol et');
  await shot(page, 'composer-note');
  await page.locator('.composer button[type="submit"]').click();
  await page.locator('.msg.note', { hasText: 'İade talebi olabilir' }).waitFor();
  await page.locator('.composer .mode-reply').click();

  // The visitor types; the agent sees it.
  await widget.locator('form.compose textarea').fill('Tamam');
  await page.locator('.typing', { hasText: 'The customer is typing' }).waitFor({ timeout: 10_000 });

  // A canned response is typed with /shortcut and inserted with Tab.
  await page.locator('#composer-text').fill('Merhaba, /ia');
  await page.locator('.composer .canned button', { hasText: 'İade süresi' }).waitFor();
  await page.locator('#composer-text').press('Tab');
  expect(await page.locator('#composer-text').inputValue()).toBe('Merhaba, İade süresi 14 gündür.');

  // The draft is kept per conversation across a reload.
  await page.locator('#composer-text').fill('yarım kalan yanıt');
  await page.reload();
  await page.locator('.msg.in', { hasText: 'Siparişim nerede?' }).waitFor();
  expect(await page.locator('#composer-text').inputValue()).toBe('yarım kalan yanıt');

  expect(await widget.locator('.msg', { hasText: 'İade talebi olabilir' }).count()).toBe(0);
  expect(await pwned(page)).toBeUndefined();
  expect(dialogs).toEqual([]);
  await shot(page, 'thread-webchat');
}, 90_000);

test('an email and an SMS of one customer show in one thread; hostile email HTML never runs', async () => {
  const now = Date.now();
  // A 1x1 PNG stored as an inline part: the hub rewrites its cid: reference to the attachment route.
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');
  const inline = await storeAttachment(hub.deps.blobs, { name: 'logo.png', contentType: 'image/png', data: png }, 1024 * 1024);
  const email: InboundMessage = {
    channel: 'email', dedupeKey: `email:<hostile-${now}@example.com>`, providerId: `<hostile-${now}@example.com>`,
    from: { address: 'mehmet@example.com', name: 'Mehmet Öztürk' },
    linkedIdentities: [{ channel: 'sms', address: '+905321234567', verified: true }],
    subject: 'Fatura hakkında',
    text: 'Faturamda bir hata var.',
    html: '<p>Faturamda <b>bir hata</b> var.</p><script>parent.__pwned=3;alert(3)</script><img src="x" onerror="parent.__pwned=4;alert(4)">'
      + '<a href="javascript:parent.__pwned=5">tıkla</a><img data-remote-src="https://example.com/logo.png" alt="logo">'
      + `<img src="${inline.url}" alt="inline">`,
    // As the email intake stores them: the inline part is one of the message's attachments (so its download is
    // checked against this conversation).
    attachments: [inline, { name: 'fatura.pdf', contentType: 'application/pdf', size: 48213, url: '/api/attachments/x/fatura.pdf' }],
    sentAt: new Date(now - 60_000).toISOString(),
  };
  const sms: InboundMessage = {
    channel: 'sms', dedupeKey: `sms:SM${now}`, providerId: `SM${now}`, from: { address: '+905321234567' },
    text: 'SMS ile de yazdım <script>window.__pwned=6</script>', attachments: [], sentAt: new Date(now).toISOString(),
  };
  await enqueueInbound(hub.deps.queues, email);
  const row = page.locator('li.conv', { hasText: 'Mehmet Öztürk' });
  await row.waitFor({ timeout: 15_000 });
  await enqueueInbound(hub.deps.queues, sms);
  await page.locator('li.conv', { hasText: 'SMS ile de yazdım' }).waitFor({ timeout: 15_000 });
  await row.click();

  const emailMsg = page.locator('.msg.in', { hasText: 'Fatura hakkında' });
  await emailMsg.waitFor();
  await page.locator('.msg.in', { hasText: 'SMS ile de yazdım' }).waitFor();
  expect(await emailMsg.locator('.badge.ch-email').count()).toBe(1);
  expect(await page.locator('.msg.in', { hasText: 'SMS ile de yazdım' }).locator('.badge.ch-sms').count()).toBe(1);
  expect(await emailMsg.locator('.attachments a', { hasText: 'fatura.pdf' }).count()).toBe(1);

  // The email HTML sits in a sandboxed frame without scripts; handlers and javascript: links are gone.
  const frameEl = emailMsg.locator('iframe');
  expect(await frameEl.getAttribute('sandbox')).not.toContain('allow-scripts');
  const frame = emailMsg.frameLocator('iframe');
  await frame.locator('b', { hasText: 'bir hata' }).waitFor();
  expect(await frame.locator('[onerror]').count()).toBe(0);
  expect(await frame.locator('a[href^="javascript"]').count()).toBe(0);
  expect(await frame.locator('img[src^="https://example.com"]').count()).toBe(0);
  // The inline (cid:) image shows at once, from our own attachment route, without "load images".
  const inlineWidth = await frame.locator('img[alt="inline"]').evaluate((img: HTMLImageElement) =>
    img.complete ? img.naturalWidth : new Promise<number>((resolve) => { img.onload = () => resolve(img.naturalWidth); img.onerror = () => resolve(0); }));
  expect(inlineWidth).toBe(1);
  await frame.locator('a', { hasText: 'tıkla' }).click();
  // Remote images only on request.
  await emailMsg.locator('button', { hasText: 'Load remote images' }).click();
  await frame.locator('img[src="https://example.com/logo.png"]').waitFor({ state: 'attached' });

  // The reply channel defaults to the channel of the customer's last message (SMS), email is offered too.
  expect(await page.locator('.composer .channel select').inputValue()).toBe('sms');
  // WhatsApp shares the phone identity but says why it cannot be used: no WhatsApp message within 24 hours.
  const whatsapp = page.locator('.composer .channel option[value="whatsapp"]');
  expect(await whatsapp.textContent()).toContain('24-hour WhatsApp window');
  expect(await whatsapp.isDisabled()).toBe(true);
  // Every local image in the console and the email frame has loaded or failed: an onerror handler that survived
  // sanitizing has had its chance to run by then (remote ones are left out: no network here, they may hang).
  for (const images of [page.locator('img'), frame.locator('img')]) await images.evaluateAll(settled);
  expect(await pwned(page)).toBeUndefined();
  expect(dialogs).toEqual([]);
  await shot(page, 'thread-email-sms');
}, 90_000);

test('assign to me, labels, and resolve show live; counts follow', async () => {
  await page.locator('.labels input').fill('İADE');
  await page.locator('.labels input').press('Enter');
  await page.locator('.labels .label', { hasText: 'iade' }).waitFor();
  await page.locator('button[data-action="assign"]').click();
  await page.locator('.event', { hasText: 'Deniz Kaya took this' }).waitFor(); // readable: a self-assignment is "took this"
  // Mine counts this one and Ayşe's, which Deniz took by replying to it (hand-off on reply): 2. Waiting for "1"
  // passed only while the count had not caught up with the assignment yet.
  await page.locator('nav.views button', { hasText: 'Mine' }).locator('.count', { hasText: /^2$/ }).waitFor();
  await page.locator('button[data-action="resolve"]').click();
  await page.locator('.event', { hasText: 'set the status to resolved' }).waitFor();
  await page.locator('.statuses button', { hasText: 'Resolved' }).locator('.count', { hasText: '1' }).waitFor();
}, 60_000);

test('search opens the thread at the hit; sidebar rename; merge shows both, confirms and undoes; shortcuts', async () => {
  await page.locator('body').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press('/');
  await page.keyboard.type('siparişim');
  const hit = page.locator('.search .result[data-message]', { hasText: 'Siparişim nerede?' });
  await hit.click();
  await page.locator('.msg.hit', { hasText: 'Siparişim nerede?' }).waitFor();

  const toggle = page.locator('.toggle-customer');
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  const side = page.locator('aside.sidebar');
  // The email Ayşe typed is Mehmet's: shown as unverified, with a suggestion to compare and merge.
  await side.locator('.claim', { hasText: 'mehmet@example.com' }).locator('.merge-suggestion', { hasText: 'Mehmet Öztürk' }).waitFor();
  expect(await side.locator('.identities li', { hasText: 'mehmet@example.com' }).count()).toBe(0);
  await side.locator('button', { hasText: 'Edit name' }).click();
  await side.locator('.rename input').fill('Ayşe Y. Yılmaz');
  await side.locator('.rename button[type="submit"]').click();
  await side.locator('h2', { hasText: 'Ayşe Y. Yılmaz' }).waitFor();

  await side.locator('#merge-term').fill('Mehmet');
  await side.locator('.merge-find button').click();
  await side.locator('.hits button', { hasText: 'Mehmet Öztürk' }).click();
  const confirm = side.locator('.merge-confirm');
  await confirm.locator('li', { hasText: 'mehmet@example.com' }).waitFor();
  expect(await confirm.textContent()).toContain('Ayşe Y. Yılmaz');
  await shot(page, 'merge-confirm');
  await confirm.locator('button.primary').click();
  await page.locator('.msg.in', { hasText: 'Fatura hakkında' }).waitFor();
  await side.locator('.identities li', { hasText: '+905321234567' }).waitFor();
  await side.locator('.audit li', { hasText: 'Merged a customer' }).locator('button.undo').click();
  await side.locator('.audit li', { hasText: 'undone' }).first().waitFor();
  await page.locator('.msg.in', { hasText: 'Fatura hakkında' }).waitFor({ state: 'detached' });
  expect(await side.locator('.identities li', { hasText: 'mehmet@example.com' }).count()).toBe(0);

  // Shortcuts: ? opens the help, Escape closes it; j/k move between conversations.
  await page.locator('body').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press('?');
  await page.locator('dialog.help', { hasText: 'Keyboard shortcuts' }).waitFor();
  await shot(page, 'help');
  await page.keyboard.press('Escape');
  await page.locator('dialog.help').waitFor({ state: 'detached' });
  await page.locator('.statuses button', { hasText: 'Resolved' }).click();
  await page.locator('li.conv', { hasText: 'Mehmet Öztürk' }).waitFor();
  await page.locator('body').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press('j');
  await page.locator('li.conv[aria-selected="true"]', { hasText: 'Mehmet Öztürk' }).waitFor();
  await page.locator('.thread-head h1', { hasText: 'Mehmet Öztürk' }).waitFor();
}, 90_000);

test('switching to Turkish changes the console and is kept for the agent', async () => {
  await page.locator('.topbar button', { hasText: 'Settings' }).click();
  await page.locator('dialog select[name="language"]').selectOption('tr');
  await page.locator('dialog button[type="submit"]').click();
  await page.locator('nav.views', { hasText: 'Atanmamış' }).waitFor();
  await page.reload();
  await page.locator('nav.views', { hasText: 'Atanmamış' }).waitFor();
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('tr');
  await page.locator('.event', { hasText: 'durumu “Çözüldü” yaptı' }).waitFor(); // thread events follow the language
  await shot(page, 'thread-turkish');
  await page.setViewportSize({ width: 900, height: 800 });
  await shot(page, 'tablet');
}, 60_000);

test('an admin sees agents and teams and adds a team', async () => {
  await createAgent(hub.deps.models, { email: 'yonetici@example.com', name: 'Yönetici', password: 'correct horse battery', role: 'admin' });
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const admin = await ctx.newPage();
  recordDialogs(admin, dialogs);
  await admin.goto(hub.url!);
  await admin.locator('input[name="email"]').fill('yonetici@example.com');
  await admin.locator('input[name="password"]').fill('correct horse battery');
  await admin.locator('button[type="submit"]').click();
  await admin.locator('.topbar button', { hasText: 'Yönetim' }).click();
  await admin.locator('.admin td', { hasText: 'deniz@example.com' }).waitFor();
  await admin.locator('form[aria-label="Ekip ekle"] input').fill('Faturalama');
  await admin.locator('form[aria-label="Ekip ekle"] button').click();
  await admin.locator('.admin li', { hasText: 'Faturalama' }).waitFor();
  await admin.screenshot({ path: path.join(artifacts, 'console-admin.png') });
  expect(dialogs).toEqual([]);
  await ctx.close();
}, 60_000);
