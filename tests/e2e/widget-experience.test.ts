import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { io as connect, type Socket } from 'socket.io-client';
import type { MessageView } from '../../src/domain/views';
import { createAgent } from '../../src/services/agents/agents';
import { collectionsOf } from '../../src/store/collections';
import { consoleIn, ensureConsoleBuilt, launchChromium, recordDialogs } from '../helpers/browser';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { waitFor } from '../helpers/process';
import { connected, nextEvent } from '../helpers/sockets';

// What a customer sees in the web chat widget and what the agent sees of it, in Debian's Chromium against a real hub:
// a visitor page and an agent console in two browser contexts. Receipts both ways, the agent's name and initials,
// files with previews, emoji, the resolved notice, the greeting per language, the unread preview, keyboard use, the
// offline email capture and the mobile layout.
const shots = '/tmp/shots/widget';
const PASSWORD = 'correct horse battery staple';
let hub: Awaited<ReturnType<typeof startTestHub>>;
let browser: Browser;
let agentSocket: Socket;
let agentToken: string;
const dialogs: string[] = [];

/** A real PNG (solid colour, w×h) so the browser decodes it: the preview must show a picture, not a broken image. */
function pngOf(w: number, h: number): Buffer {
  const crc32 = (buf: Buffer) => {
    let crc = 0xffffffff;
    for (const byte of buf) { crc ^= byte; for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1; }
    return (crc ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(w, 0);
  header.writeUInt32BE(h, 4);
  header[8] = 8; header[9] = 2; // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: w }, () => [214, 76, 128]).flat())]);
  const pixels = Buffer.concat(Array.from({ length: h }, () => row));
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', header), chunk('IDAT', deflateSync(pixels)), chunk('IEND', Buffer.alloc(0))]);
}
const PNG = pngOf(160, 100);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'.repeat(40));

const api = async (method: string, url: string, body?: unknown) => {
  const res = await fetch(`${hub.url}/api${url}`, {
    method, headers: { authorization: `Bearer ${agentToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> };
};

beforeAll(async () => {
  ensureConsoleBuilt();
  // The widget under test is the source as it is now (a stale public/widget.js would test an older widget).
  const built = spawnSync(process.execPath, ['scripts/build-widget.mjs'], { cwd: path.resolve(__dirname, '../..'), stdio: 'inherit' });
  if (built.status !== 0) throw new Error('building the widget failed');
  hub = await startTestHub(testConfig('e2ewidgetux'), 'all');
  await createAgent(hub.deps.models, { email: 'deniz@example.com', name: 'Deniz Aksoy', password: PASSWORD, role: 'admin' });
  const login = await fetch(`${hub.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'deniz@example.com', password: PASSWORD }) });
  agentToken = ((await login.json()) as { token: string }).token;
  agentSocket = connect(`${hub.url}/agents`, { auth: { token: agentToken }, transports: ['websocket'], reconnection: false });
  await connected(agentSocket);
  // Someone is online and the policy promises a first reply within 15 minutes: "we typically reply in 15 minutes".
  await agentSocket.timeout(5000).emitWithAck('presence:set', { presence: 'online' });
  expect((await api('PUT', '/teams/default/sla-policy', { default: { firstResponseMinutes: 15 } })).status).toBe(200);
  expect((await api('PUT', '/admin/widget', { greeting: { tr: 'Merhaba! Çiçek Dükkanı\'na hoş geldiniz 🌸', en: 'Hi! Welcome to the Flower Shop 🌸' } })).status).toBe(200);
  browser = await launchChromium();
  mkdirSync(shots, { recursive: true });
}, 120_000);

afterAll(async () => {
  agentSocket?.disconnect();
  await browser?.close();
  await hub?.stop();
});

async function visitorPage(locale: 'tr-TR' | 'en-GB', viewport: { width: number; height: number }): Promise<Page> {
  const page = await (await browser.newContext({ viewport, locale })).newPage();
  recordDialogs(page, dialogs);
  await page.goto(`${hub.url}/demo`);
  return page;
}

const cases = [
  {
    lang: 'tr', locale: 'tr-TR', viewport: { width: 1280, height: 800 },
    s: { greeting: 'Merhaba! Çiçek Dükkanı\'na hoş geldiniz 🌸', reply: 'Genellikle 15 dakika içinde yanıt veriyoruz', now: 'şimdi', delivered: 'İletildi', read: 'Okundu',
      resolved: 'Bu görüşme çözüldü olarak kapatıldı. Yeniden yazarsanız görüşme tekrar açılır.', tooLarge: 'Dosya çok büyük (en fazla 10 MB).', badType: 'Bu dosya türü gönderilemez', consoleRead: 'Okundu' },
  },
  {
    lang: 'en', locale: 'en-GB', viewport: { width: 1920, height: 1080 },
    s: { greeting: 'Hi! Welcome to the Flower Shop 🌸', reply: 'We typically reply in 15 minutes', now: 'now', delivered: 'Delivered', read: 'Read',
      resolved: 'This conversation was resolved. Writing again reopens it.', tooLarge: 'File too large (at most 10 MB).', badType: 'This file type cannot be sent', consoleRead: 'Read' },
  },
] as const;

describe.each(cases)('$lang at $viewport.width px', ({ lang, locale, viewport, s }) => {
  let visitor: Page;
  let agentPage: Page;
  let conversationId: string;
  const shot = (p: Page, name: string) => p.screenshot({ path: `${shots}/${name}-${lang}-${viewport.width}x${viewport.height}.png` });

  afterAll(async () => {
    await visitor?.context().close();
    await agentPage?.context().close();
  });

  test('greeting, reply time, receipts both ways and the agent\'s name', async () => {
    visitor = await visitorPage(locale, viewport);
    await visitor.locator('button.launcher').click();
    // The launcher gives way to the panel; focus is inside it.
    await visitor.locator('button.launcher').waitFor({ state: 'hidden' });
    await visitor.locator('form.prechat button.link').click();
    await visitor.locator('.list .greeting', { hasText: s.greeting }).waitFor({ timeout: 10_000 });
    await visitor.locator('header p', { hasText: s.reply }).waitFor({ timeout: 10_000 });

    const text = `${lang}: Lale buketi yarına yetişir mi?`;
    const created = nextEvent<MessageView>(agentSocket, 'message.created', (m) => m.text === text, 15_000);
    await visitor.locator('form.compose textarea').fill(text);
    await visitor.keyboard.press('Enter');
    const inbound = await created;
    conversationId = inbound.conversationId;
    const mine = visitor.locator('.msg.in', { hasText: text });
    // Stored: delivered, with its time.
    await mine.locator('.state.delivered', { hasText: s.delivered }).waitFor({ timeout: 15_000 });
    expect(await mine.locator('time').textContent()).toBe(s.now);

    // The agent opens the conversation in the console: the visitor sees "read".
    agentPage = await consoleIn(browser, hub.url!, { email: 'deniz@example.com', password: PASSWORD }, { language: lang, viewport, dialogs });
    await agentPage.goto(`${hub.url}/c/${conversationId}`);
    await agentPage.locator('.msg', { hasText: text }).waitFor({ timeout: 15_000 });
    await mine.locator('.state.read', { hasText: s.read }).waitFor({ timeout: 15_000 });

    // The agent answers from the console; the widget (open, tab visible) reads it and the console shows "read".
    const answer = `${lang}: Evet, yarın 10:00'da teslim ederiz.`;
    await agentPage.locator('#composer-text').fill(answer);
    await agentPage.locator('#composer-text').press('Control+Enter');
    const reply = visitor.locator('.msg.out', { hasText: answer });
    await reply.waitFor({ timeout: 15_000 });
    expect(await reply.locator('.who').textContent()).toBe('DADeniz Aksoy');
    expect(await reply.locator('.avatar').textContent()).toBe('DA');
    // Screen readers hear it from the panel's live region.
    expect(await visitor.locator('.panel .sr[aria-live="polite"]').textContent()).toBe(`Deniz Aksoy: ${answer}`);
    expect(await visitor.locator('.panel').getAttribute('aria-modal')).toBe('true');
    await agentPage.locator('.msg', { hasText: answer }).locator('footer.delivery.read', { hasText: s.consoleRead }).waitFor({ timeout: 15_000 });
    await shot(visitor, 'widget-thread');
    await shot(agentPage, 'console-receipts');
  }, 120_000);

  test('files: a picture shows inline, a PDF as a named link with its size; too large is refused with a clear error', async () => {
    const picture = nextEvent<MessageView>(agentSocket, 'message.created', (m) => m.attachments.some((a) => a.name === 'lale.png'), 15_000);
    await visitor.locator('form.compose input.file').setInputFiles({ name: 'lale.png', mimeType: 'image/png', buffer: PNG });
    const img = visitor.locator('.msg.in .file-link.image img[alt="lale.png"]');
    await img.waitFor({ timeout: 15_000 });
    await picture;
    await visitor.waitForFunction(() => {
      const el = document.querySelector('#kanal-widget')?.shadowRoot?.querySelector('img[alt="lale.png"]') as HTMLImageElement | null;
      return Boolean(el && el.complete && el.naturalWidth === 160 && el.src.includes('/api/widget/files/'));
    }, undefined, { timeout: 15_000 });

    await visitor.locator('form.compose input.file').setInputFiles({ name: 'fatura.pdf', mimeType: 'application/pdf', buffer: PDF });
    const pdf = visitor.locator('.msg.in .file-link', { hasText: 'fatura.pdf' });
    await pdf.waitFor({ timeout: 15_000 });
    expect(await pdf.locator('.file-size').textContent()).toBe(' (2 KB)');
    await visitor.locator('.msg.in', { has: visitor.locator('.file-link', { hasText: 'fatura.pdf' }) }).locator('.state.delivered, .state.read').first().waitFor({ timeout: 15_000 });
    // The console shows both files in the thread.
    await agentPage.locator('.msg a', { hasText: 'fatura.pdf' }).waitFor({ timeout: 15_000 });

    // The agent sends a picture from the console: the widget shows it inline too.
    await agentPage.locator('.composer input[type="file"]').setInputFiles({ name: 'katalog.png', mimeType: 'image/png', buffer: PNG });
    await agentPage.locator('.composer .files li', { hasText: 'katalog.png' }).waitFor();
    await agentPage.locator('#composer-text').fill(`${lang}: Katalog ekte`);
    await agentPage.locator('#composer-text').press('Control+Enter');
    await visitor.locator('.msg.out', { hasText: `${lang}: Katalog ekte` }).locator('.file-link.image img[alt="katalog.png"]').waitFor({ timeout: 15_000 });
    await visitor.waitForFunction(() => {
      const el = document.querySelector('#kanal-widget')?.shadowRoot?.querySelector('img[alt="katalog.png"]') as HTMLImageElement | null;
      return Boolean(el && el.complete && el.naturalWidth === 160);
    }, undefined, { timeout: 15_000 });

    await visitor.locator('form.compose input.file').setInputFiles({ name: 'video.mp4', mimeType: 'video/mp4', buffer: Buffer.alloc(11 * 1024 * 1024) });
    await visitor.locator('.error', { hasText: s.tooLarge }).waitFor();
    await visitor.locator('form.compose input.file').setInputFiles({ name: 'setup.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ') });
    await visitor.locator('.error', { hasText: s.badType }).waitFor();
    await shot(visitor, 'widget-files');
  }, 60_000);

  test('emoji from the picker reach the agent as they are', async () => {
    await visitor.locator('button.emoji').click();
    await visitor.locator('.picker').waitFor();
    await shot(visitor, 'widget-emoji');
    await visitor.locator('.picker button[aria-label="👍"]').click();
    await visitor.locator('.picker').waitFor({ state: 'hidden' });
    await visitor.locator('form.compose textarea').pressSequentially(' teşekkürler');
    const created = nextEvent<MessageView>(agentSocket, 'message.created', (m) => m.text === '👍 teşekkürler', 15_000);
    await visitor.locator('form.compose button[type="submit"]').click();
    await created;
    await agentPage.locator('.msg', { hasText: '👍 teşekkürler' }).waitFor({ timeout: 15_000 });
  }, 60_000);

  test('closed: the launcher shows a count and a preview of the agent\'s reply; Esc closes, the preview opens', async () => {
    // Keyboard: Esc closes the panel and gives focus back to the launcher.
    await visitor.locator('form.compose textarea').focus();
    await visitor.keyboard.press('Escape');
    await visitor.locator('.panel').waitFor({ state: 'hidden' });
    expect(await visitor.evaluate(() => document.querySelector('#kanal-widget')?.shadowRoot?.activeElement?.className)).toContain('launcher');
    const answer = `${lang}: Kartınıza not da ekleyebiliriz.`;
    await api('POST', `/conversations/${conversationId}/reply`, { text: answer });
    await visitor.locator('.preview', { hasText: answer }).waitFor({ timeout: 15_000 });
    expect(await visitor.locator('.preview strong').textContent()).toBe('Deniz Aksoy');
    expect(await visitor.locator('button.launcher .badge').textContent()).toBe('1');
    // Not read while closed: delivered only.
    const id = await waitFor(async () => (await collectionsOf(hub.deps.models).Message.findOne({ text: answer }).lean())?._id);
    await waitFor(async () => (await collectionsOf(hub.deps.models).Message.findById(id).lean())?.delivery?.status === 'delivered');
    await shot(visitor, 'widget-unread');
    await visitor.locator('.preview').click();
    await visitor.locator('.msg.out', { hasText: answer }).waitFor();
    expect(await visitor.locator('.preview').isVisible()).toBe(false);
    await waitFor(async () => (await collectionsOf(hub.deps.models).Message.findById(id).lean())?.delivery?.status === 'read', 15_000, 'the reply read');
    // Tab stays inside the open panel.
    for (let i = 0; i < 12; i++) await visitor.keyboard.press('Tab');
    expect(await visitor.evaluate(() => Boolean(document.querySelector('#kanal-widget')?.shadowRoot?.activeElement?.closest('.panel')))).toBe(true);
  }, 60_000);

  test('resolved: the widget says so, and writing again reopens the conversation', async () => {
    expect((await api('POST', `/conversations/${conversationId}/status`, { status: 'resolved' })).status).toBe(200);
    await visitor.locator('.notice', { hasText: s.resolved }).waitFor({ timeout: 15_000 });
    await shot(visitor, 'widget-resolved');
    await visitor.locator('form.compose textarea').fill('Bir sorum daha var');
    await visitor.keyboard.press('Enter');
    await visitor.locator('.notice').waitFor({ state: 'hidden' });
    await waitFor(async () => (await api('GET', `/conversations/${conversationId}`)).body.status === 'open', 15_000, 'reopened');
    expect(dialogs).toEqual([]);
  }, 60_000);
});

test('outside business hours the visitor leaves an email, stored on the customer; the widget says when we are back', async () => {
  // Open only tomorrow (UTC) 09:00-10:00: closed now.
  const tomorrow = ((new Date().getUTCDay() + 1) % 7) || 7;
  expect((await api('PUT', '/teams/default/calendar', { timezone: 'UTC', week: { [tomorrow]: [{ start: '09:00', end: '10:00' }] }, holidays: [] })).status).toBe(200);
  try {
    for (const [lang, locale, away, saved] of [
      ['tr', 'tr-TR', 'Şu an çevrimiçi değiliz', 'Teşekkürler! Yanıtımızı ayse@example.com adresine göndereceğiz.'],
      ['en', 'en-GB', 'We are not online right now', 'Thanks! We will reply to ayse@example.com.'],
    ] as const) {
      const page = await visitorPage(locale, { width: 1280, height: 800 });
      await page.locator('button.launcher').click();
      await page.locator('form.prechat button.link').click();
      await page.locator('header p', { hasText: away }).waitFor({ timeout: 10_000 });
      const created = nextEvent<MessageView>(agentSocket, 'message.created', (m) => m.text === `${lang}: kapalı mısınız?`, 15_000);
      await page.locator('form.compose textarea').fill(`${lang}: kapalı mısınız?`);
      await page.keyboard.press('Enter');
      const inbound = await created;
      const capture = page.locator('form.capture');
      await capture.waitFor({ timeout: 15_000 });
      await capture.locator('input').fill('bu bir e-posta değil');
      await capture.locator('button').click();
      expect(await capture.locator('input').evaluate((el: HTMLInputElement) => el.validity.valid)).toBe(false);
      await capture.locator('input').fill('ayse@example.com');
      await capture.locator('button').click();
      await capture.locator('.meta', { hasText: saved }).waitFor({ timeout: 10_000 });
      await page.screenshot({ path: `${shots}/widget-offline-${lang}-1280x800.png` });
      const customer = await api('GET', `/customers/${inbound.customerId}`);
      expect(customer.body.unverifiedEmail).toBe('ayse@example.com');
      await page.context().close();
    }
  } finally {
    await api('PUT', '/teams/default/calendar', { timezone: 'UTC', week: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [d, [{ start: '00:00', end: '24:00' }]])), holidays: [] });
  }
}, 90_000);

test('at 360 px the open panel fills the screen and nothing overflows sideways', async () => {
  for (const [lang, locale] of [['tr', 'tr-TR'], ['en', 'en-GB']] as const) {
    const page = await visitorPage(locale, { width: 360, height: 740 });
    const before = await page.evaluate(() => ({ w: document.documentElement.scrollWidth, y: document.querySelector('main')!.getBoundingClientRect().top }));
    await page.locator('button.launcher').click();
    await page.locator('form.prechat button.link').click();
    const box = await page.locator('.panel').boundingBox();
    expect(box).toEqual({ x: 0, y: 0, width: 360, height: 740 });
    // The host page does not move or widen under the widget.
    const after = await page.evaluate(() => ({ w: document.documentElement.scrollWidth, y: document.querySelector('main')!.getBoundingClientRect().top }));
    expect(after).toEqual(before);
    expect(before.w).toBeLessThanOrEqual(360);
    await page.locator('form.compose textarea').fill('Mobil: merhaba 👋');
    await page.keyboard.press('Enter');
    await page.locator('.msg.in .state.delivered').waitFor({ timeout: 15_000 });
    const compose = await page.locator('form.compose').boundingBox();
    expect(compose!.x + compose!.width).toBeLessThanOrEqual(360);
    await page.screenshot({ path: `${shots}/widget-mobile-${lang}-360x740.png` });
    await page.context().close();
  }
}, 90_000);

test.each([
  ['tr', 'tr-TR', { width: 1280, height: 800 }, 'Türkçe', 'Karşılamayı kaydet', 'Kaydedildi.'],
  ['en', 'en-GB', { width: 1920, height: 1080 }, 'English', 'Save greeting', 'Saved.'],
] as const)('%s: an admin changes the greeting in the console; a visitor in that language sees it at once', async (lang, locale, viewport, field, save, saved) => {
  const admin = await consoleIn(browser, hub.url!, { email: 'deniz@example.com', password: PASSWORD }, { language: lang, viewport, dialogs });
  await admin.goto(`${hub.url}/admin/channels`);
  const form = admin.locator('form.widget-greeting');
  await form.scrollIntoViewIfNeeded();
  const greeting = lang === 'tr' ? 'Bugün tüm lalelerde %20 indirim 🌷' : '20% off all tulips today 🌷';
  await form.getByLabel(field).fill(greeting);
  await form.getByRole('button', { name: save }).click();
  await form.locator('[role=status]', { hasText: saved }).waitFor();
  await admin.screenshot({ path: `${shots}/console-greeting-${lang}-${viewport.width}x${viewport.height}.png` });
  const visitor = await visitorPage(locale, viewport);
  await visitor.locator('button.launcher').click();
  await visitor.locator('form.prechat button.link').click();
  await visitor.locator('.list .greeting', { hasText: greeting }).waitFor({ timeout: 10_000 });
  await visitor.context().close();
  await admin.context().close();
  expect(dialogs).toEqual([]);
}, 60_000);
