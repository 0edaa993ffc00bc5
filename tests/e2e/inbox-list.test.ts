import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { io as connect, type Socket } from 'socket.io-client';
import type { InboundMessage } from '../../src/domain/messages';
import type { ConversationView } from '../../src/domain/views';
import { slaPolicySchema } from '../../src/domain/sla';
import { enqueueInbound } from '../../src/queues';
import { setTeamAccessMode } from '../../src/services/access';
import { DEFAULT_KEY, putSetting } from '../../src/services/sla/sla-settings';
import { signedInAgent } from '../helpers/agent-api';
import { consoleIn, ensureConsoleBuilt, launchChromium } from '../helpers/browser';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { waitFor } from '../helpers/process';
import { connected } from '../helpers/sockets';

// The inbox list and thread at 1280×800 and 1920×1080, in Turkish and English (issue 13, item 5): names are not cut
// while the column has room, status chips stay on one line, 14+ rows fit at 800 px, rows show labels, wait, SLA and
// priority, the sorts reorder the list, a saved view filters it, an anonymous visitor has a readable name and the
// sidebar shows what the widget knew, and the sidebar's labels follow a change made elsewhere.
const shots = process.env.KANAL_SHOTS_DIR ?? '/tmp/shots/list';
const PHASE = process.env.LIST_SHOTS_PHASE ?? 'after';
const PASSWORD = 'doğru-parola-123';
const MIN = 60_000;
const VIEWPORTS = [{ width: 1280, height: 800 }, { width: 1920, height: 1080 }] as const;
const LANGUAGES = ['tr', 'en'] as const;
const CHROME_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const TEXT = {
  tr: { visitor: 'Ziyaretçi · İstanbul · Chrome', waiting: 'En uzun bekleyen', priority: 'Öncelik', save: 'Görünümü kaydet', urgent: 'Acil' },
  en: { visitor: 'Visitor · Istanbul · Chrome', waiting: 'Oldest waiting', priority: 'Priority', save: 'Save view', urgent: 'Urgent' },
} as const;

// Long real names: each must be readable in full in a row of the list column.
const PEOPLE = [
  'Ayşe Nur Karaosmanoğlu', 'Mehmet Ali Öztürkmen', 'Zeynep Gülşen Çakıroğlu', 'Mustafa Kemal Yıldırım', 'Elif Su Büyükkaya',
  'Hüseyin Cahit Altıntaş', 'Fatma Betül Kocabıyık', 'İbrahim Halil Demirkıran', 'Gülizar Şebnem Aksoy', 'Osman Tuğrul Erdoğdu',
  'Selin Ece Karamanlıoğlu', 'Burak Can Özdemirci', 'Deniz Ilgın Sarıkaya', 'Emre Tolga Kılıçarslan', 'Hatice Kübra Uzunoğlu',
  'Kerem Batuhan Topçuoğlu', 'Merve Nur Şahinkaya',
];

let hub: Awaited<ReturnType<typeof startTestHub>>;
let browser: Browser;
let sup: Awaited<ReturnType<typeof signedInAgent>>;
const sockets: Socket[] = [];
const dialogs: string[] = [];
const conv: Record<string, string> = {};
let visitorConversation = '';

const consolePage = (language: 'tr' | 'en', viewport: { width: number; height: number }): Promise<Page> =>
  consoleIn(browser, hub.url!, { email: 'selin@kanal.test', password: PASSWORD }, { language, viewport, dialogs });
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(shots, `${PHASE}-${name}.png`) });
const listNames = (page: Page) => page.locator('.list li.conv .name').allTextContents();
/** The customer sidebar shown (it starts hidden below 1400 px). */
async function openSidebar(page: Page): Promise<void> {
  await page.locator('.thread-head h1').waitFor();
  const toggle = page.locator('.toggle-customer');
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  await page.locator('.sidebar').waitFor();
}
const list = (q: string) => sup.api<{ items: ConversationView[] }>('GET', `/conversations?${q}`).then((r) => r.body.items);

beforeAll(async () => {
  ensureConsoleBuilt();
  hub = await startTestHub(testConfig('e2einboxlist'), 'all');
  await setTeamAccessMode(hub.deps.models, null, 'open', null);
  // First responses are due 30 minutes after a conversation opens: the oldest waits are breached, newer ones due soon.
  await putSetting(hub.deps.models, DEFAULT_KEY, 'sla', slaPolicySchema.parse({ default: { firstResponseMinutes: 30 } }), null);
  sup = await signedInAgent(hub, 'selin@kanal.test', 'Selin Kaya', 'supervisor');
  // One message each, older first, through the real inbound queue and worker (SLA clocks, routing).
  for (const [i, name] of PEOPLE.entries()) {
    const msg: InboundMessage = {
      channel: i % 3 === 1 ? 'email' : 'webchat', dedupeKey: i % 3 === 1 ? `email:<list-${i}@example.com>` : `webchat:list-${i}`,
      from: { address: i % 3 === 1 ? `musteri${i}@example.com` : `visitor-list-${i}`, name },
      ...(i % 3 === 1 ? { subject: 'Sipariş' } : {}),
      text: `Merhaba, ${i + 1000} numaralı siparişim hâlâ gelmedi, yardımcı olur musunuz?`, attachments: [],
      sentAt: new Date(Date.now() - (PEOPLE.length - i) * 4 * MIN).toISOString(),
    };
    await enqueueInbound(hub.deps.queues, msg);
  }
  const rows = await waitFor(async () => { const r = await list('status=open&limit=50'); return r.length === PEOPLE.length && r; }, 30_000, 'every conversation');
  for (const c of rows) conv[c.customerName!] = c.id;
  // Labels (four on one: two chips and "+2"), an urgent and a high priority.
  await sup.api('POST', `/conversations/${conv['Ayşe Nur Karaosmanoğlu']}/labels`, { add: ['iade', 'vip', 'kargo', 'fatura'] });
  await sup.api('POST', `/conversations/${conv['Mehmet Ali Öztürkmen']}/labels`, { add: ['kargo'] });
  await sup.api('PATCH', `/conversations/${conv['Zeynep Gülşen Çakıroğlu']}/routing`, { priority: 20 });
  await sup.api('PATCH', `/conversations/${conv['Mustafa Kemal Yıldırım']}/routing`, { priority: 10 });
  // An anonymous visitor from Istanbul on Chrome, through the widget's session endpoint and socket.
  const res = await fetch(`${hub.url}/api/widget/session`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': CHROME_UA },
    body: JSON.stringify({ context: { url: 'https://magaza.example/sepet', referrer: 'https://www.google.com/', language: 'tr-TR', timezone: 'Europe/Istanbul' } }),
  });
  const { token } = (await res.json()) as { token: string };
  const socket = connect(`${hub.url}/widget`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(socket);
  await connected(socket);
  await socket.timeout(5000).emitWithAck('message:send', { clientId: 'list-visitor-1', text: 'Kargo ücreti ne kadar?' });
  visitorConversation = (await waitFor(async () => (await list('status=open&limit=50')).find((c) => c.customerVisitorName), 20_000, 'the visitor')).id;
  browser = await launchChromium();
  mkdirSync(shots, { recursive: true });
}, 180_000);

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await browser?.close();
  await hub?.stop();
});

/** Screens as they look (run with LIST_SHOTS_PHASE=before on the old console for the comparison). */
describe.each(VIEWPORTS)('screens at $width×$height', (viewport) => {
  test.each(LANGUAGES)('%s', async (language) => {
    const page = await consolePage(language, viewport);
    await page.goto(`${hub.url}/c/${conv['Ayşe Nur Karaosmanoğlu']}`);
    await page.locator('.list li.conv').first().waitFor();
    await openSidebar(page);
    await shot(page, `inbox-${language}-${viewport.width}`);
    await page.goto(`${hub.url}/c/${visitorConversation}`);
    await openSidebar(page);
    await shot(page, `visitor-${language}-${viewport.width}`);
    // The merge panel with a customer to compare.
    await page.goto(`${hub.url}/c/${conv['Mehmet Ali Öztürkmen']}`);
    await openSidebar(page);
    await page.locator('#merge-term').fill('Hüseyin');
    await page.locator('.merge-find button').click();
    await page.locator('.hits button').first().click();
    await page.locator('.merge-confirm').waitFor();
    await page.locator('.merge-confirm').scrollIntoViewIfNeeded();
    await shot(page, `merge-${language}-${viewport.width}`);
    await page.goto(`${hub.url}/supervisor`);
    await page.locator('.wallboard table').first().waitFor();
    await page.screenshot({ path: path.join(shots, `${PHASE}-wallboard-${language}-${viewport.width}.png`), fullPage: true });
    await page.context().close();
  });
});

describe.each(VIEWPORTS)('at $width×$height', (viewport) => {
  test.each(LANGUAGES)('%s: names are whole, chips on one line, 14+ rows at 800 px, wallboard and merge panel fit', async (language) => {
    const page = await consolePage(language, viewport);
    await page.goto(hub.url!);
    await page.locator('.list li.conv').nth(10).waitFor();
    // The list column grows with the window, within 320-440 px.
    const column = await page.locator('section.list').evaluate((el) => el.getBoundingClientRect().width);
    expect(column).toBeGreaterThanOrEqual(320);
    expect(column).toBeLessThanOrEqual(441);
    // No name is cut: each fits its box.
    const cut = await page.locator('.list li.conv .name').evaluateAll((els) => els.filter((el) => el.scrollWidth > el.clientWidth).map((el) => el.textContent));
    expect(cut).toEqual([]);
    expect(await listNames(page)).toContain(TEXT[language].visitor);
    // Status chips: one row, each chip one line.
    const chips = await page.locator('.statuses .chip').evaluateAll((els) => els.map((el) => {
      const r = el.getBoundingClientRect();
      return { top: Math.round(r.top), height: r.height, line: parseFloat(getComputedStyle(el).lineHeight) };
    }));
    expect(new Set(chips.map((c) => c.top)).size).toBe(1);
    for (const c of chips) expect(c.height).toBeLessThan(c.line * 1.8);
    // Rows fully visible in the list's scroller.
    const visible = await page.locator('.list .scroller').evaluate((scroller) => {
      const box = scroller.getBoundingClientRect();
      return [...scroller.querySelectorAll('li.conv')].filter((li) => { const r = li.getBoundingClientRect(); return r.top >= box.top - 1 && r.bottom <= box.bottom + 1; }).length;
    });
    expect(visible).toBeGreaterThanOrEqual(viewport.height >= 1000 ? 18 : 14);

    // The merge panel never breaks an email across lines.
    await page.goto(`${hub.url}/c/${conv['Mehmet Ali Öztürkmen']}`);
    await openSidebar(page);
    await page.locator('#merge-term').fill('Hüseyin');
    await page.locator('.merge-find button').click();
    await page.locator('.hits button').first().click();
    const addresses = page.locator('.merge-confirm .both li');
    await addresses.first().waitFor();
    const broken = await addresses.evaluateAll((els) => els.filter((el) => el.getClientRects().length > 1 || el.getBoundingClientRect().height > parseFloat(getComputedStyle(el).lineHeight) * 1.5).map((el) => el.textContent));
    expect(broken).toEqual([]);

    // The wallboard's tables fit their cards (scrolling inside the card if ever needed, never past it).
    await page.goto(`${hub.url}/supervisor`);
    await page.locator('.wallboard table').first().waitFor();
    const overflowing = await page.locator('.wallboard .card').evaluateAll((cards) => cards.filter((card) => {
      const box = card.getBoundingClientRect();
      return [...card.querySelectorAll('table')].some((tb) => {
        const scroller = tb.closest('.table-wrap');
        return tb.getBoundingClientRect().right > box.right + 1 && !(scroller && scroller.scrollWidth > scroller.clientWidth);
      });
    }).length);
    expect(overflowing).toBe(0);
    // The visitor at risk is named, not shown as an id.
    await page.locator('.wallboard a', { hasText: TEXT[language].visitor }).first().waitFor();
    await page.context().close();
  });

  test.each(LANGUAGES)('%s: rows show labels, wait, SLA and priority; the sorts reorder; a saved view filters', async (language) => {
    const page = await consolePage(language, viewport);
    await page.goto(hub.url!);
    const ayse = page.locator('.list li.conv', { hasText: 'Ayşe Nur Karaosmanoğlu' });
    await ayse.waitFor();
    // The first two labels as chips, then "+2".
    expect(await ayse.locator('.row-labels .label').allTextContents()).toEqual(['iade', 'vip']);
    expect(await ayse.locator('.row-labels .more-labels').textContent()).toBe('+2');
    // Waiting since her message arrived, in whole minutes of the agent's units.
    expect(await ayse.locator('.wait').textContent()).toMatch(language === 'tr' ? /^(<1|\d+) (dk|sa)/ : /^(<1|\d+) (min|h)/);
    expect(await ayse.locator('.wait').getAttribute('title')).toMatch(language === 'tr' ? /yanıt bekliyor$/ : /^waiting for a reply for /);
    expect(await page.locator('.list li.conv .sla-badge').count()).toBeGreaterThan(0);
    const zeynep = page.locator('.list li.conv', { hasText: 'Zeynep Gülşen Çakıroğlu' });
    expect(await zeynep.locator('.prio').getAttribute('data-priority')).toBe('urgent');
    expect(await zeynep.locator('.prio').getAttribute('aria-label')).toBe(TEXT[language].urgent);

    // Oldest waiting first: the order of their first messages.
    const sort = page.locator('.list-tools select[name="sort"]');
    expect(await sort.locator('option').allTextContents()).toContain(TEXT[language].waiting);
    await sort.selectOption('waiting');
    await page.waitForFunction((first) => document.querySelector('.list li.conv .name')?.textContent === first, PEOPLE[0]);
    expect((await listNames(page)).slice(0, 5)).toEqual(PEOPLE.slice(0, 5));
    await sort.selectOption('priority');
    await page.waitForFunction(() => document.querySelector('.list li.conv .name')?.textContent === 'Zeynep Gülşen Çakıroğlu');
    expect((await listNames(page)).slice(0, 2)).toEqual(['Zeynep Gülşen Çakıroğlu', 'Mustafa Kemal Yıldırım']);
    await shot(page, `sorted-priority-${language}-${viewport.width}`);
    await sort.selectOption('newest');
    await page.waitForFunction(() => document.querySelector('.list li.conv .name')?.textContent !== 'Zeynep Gülşen Çakıroğlu');

    // A saved view: urgent ones only, in the sidebar nav; it filters the list; removed again.
    const name = `${TEXT[language].urgent} ${viewport.width}`;
    await page.locator('button.save-view').click();
    const dialog = page.locator('dialog.view-dialog');
    await dialog.locator('input[name="name"]').fill(name);
    await dialog.locator('select[name="priority"]').selectOption('20');
    await shot(page, `save-view-dialog-${language}-${viewport.width}`);
    await dialog.locator('button[type="submit"]').click();
    const saved = page.locator('.my-views button.nav', { hasText: name });
    await saved.click();
    await page.waitForFunction(() => document.querySelectorAll('.list li.conv').length === 1);
    expect(await listNames(page)).toEqual(['Zeynep Gülşen Çakıroğlu']);
    await shot(page, `saved-view-${language}-${viewport.width}`);
    // Stored for this agent: there after a reload.
    await page.reload();
    await saved.waitFor();
    await page.locator('.my-views li', { hasText: name }).locator('button.remove-view').click();
    await saved.waitFor({ state: 'detached' });
    expect((await sup.api('GET', '/me/views')).body).toEqual([]);
    await page.context().close();
  });

  test.each(LANGUAGES)('%s: the visitor has a readable name and details; the sidebar labels follow a change made elsewhere', async (language) => {
    const page = await consolePage(language, viewport);
    await page.goto(`${hub.url}/c/${visitorConversation}`);
    await page.locator('.thread-head h1', { hasText: TEXT[language].visitor }).waitFor();
    await openSidebar(page);
    const details = page.locator('.sidebar .visitor-details');
    expect(await details.locator('[data-field="page"] a').getAttribute('href')).toBe('https://magaza.example/sepet');
    expect(await details.locator('[data-field="referrer"]').textContent()).toContain('www.google.com');
    expect(await details.locator('[data-field="browser"]').textContent()).toContain('Chrome');
    expect(await details.locator('[data-field="browser"]').textContent()).toContain('Windows');
    expect(await details.locator('[data-field="language"]').textContent()).toContain('tr-TR');
    expect(await details.locator('[data-field="localTime"]').textContent()).toMatch(/\d{1,2}[:.]\d{2}/);
    expect(await details.locator('[data-field="localTime"]').textContent()).toContain(language === 'tr' ? 'İstanbul' : 'Istanbul');
    // No raw visitor id in the sidebar.
    expect(await page.locator('.sidebar').textContent()).not.toMatch(/\bv_[A-Za-z0-9_-]{10,}/);

    // A label added elsewhere (another agent, the API) shows in the sidebar at once, and goes again.
    const label = `takip-${language}-${viewport.width}`;
    await sup.api('POST', `/conversations/${visitorConversation}/labels`, { add: [label] });
    await page.locator('.sidebar .conv-labels li', { hasText: label }).waitFor();
    await shot(page, `visitor-sidebar-${language}-${viewport.width}`);
    await sup.api('POST', `/conversations/${visitorConversation}/labels`, { remove: [label] });
    await page.locator('.sidebar .conv-labels li', { hasText: label }).waitFor({ state: 'detached' });
    expect(dialogs).toEqual([]);
    await page.context().close();
  });
});

test('the real widget: a visitor in Berlin who gives no name is "Visitor · Berlin · Chrome" with the demo page as their page', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'Europe/Berlin', locale: 'de-DE', userAgent: CHROME_UA });
  const widget = await ctx.newPage();
  await widget.goto(`${hub.url}/demo`);
  await widget.locator('button.launcher').click();
  await widget.locator('form.prechat button[type="submit"]').click(); // no name, no email
  await widget.locator('form.compose textarea').fill('Versand nach Berlin?');
  await widget.locator('form.compose button[type="submit"]').click();
  const row = await waitFor(async () => (await list('status=open&limit=50')).find((c) => c.lastMessagePreview === 'Versand nach Berlin?'), 20_000, 'the widget visitor');
  expect(row.customerVisitorName).toEqual({ tr: 'Ziyaretçi · Berlin · Chrome', en: 'Visitor · Berlin · Chrome' });
  const customer = (await sup.api('GET', `/customers/${row.customerId}`)).body as { visitor?: Record<string, unknown> };
  expect(customer.visitor).toMatchObject({ pageUrl: `${hub.url}/demo`, timezone: 'Europe/Berlin', language: 'de-DE', browser: 'Chrome', os: 'Windows' });
  await ctx.close();
});
