import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Types } from 'mongoose';
import { calendarSchema } from '../../src/domain/business-hours';
import { enqueueInbound } from '../../src/queues';
import { createAgent } from '../../src/services/agents/agents';
import { recordEvent } from '../../src/services/conversations/replies';
import { DEFAULT_KEY, putSetting } from '../../src/services/sla/sla-settings';
import { conversationModel } from '../../src/store/conversations';
import { ensureConsoleBuilt, launchChromium, recordDialogs, signInConsole } from '../helpers/browser';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { webchatMessage } from '../helpers/messages';
import { waitFor } from '../helpers/process';

// The console in Turkish on a browser set to English (the case where native date inputs showed mm/dd/yyyy): dates,
// times and snooze presets follow the agent's language and the team's business hours; no English reaches the
// Turkish screens (system events, old and new, included); the login page follows the browser and has a switch.
const shots = process.env.KANAL_SHOTS_DIR ?? path.resolve(__dirname, '../artifacts/language');
const PASSWORD = 'correct horse battery';
const ZONE = 'Europe/Istanbul';

let hub: Awaited<ReturnType<typeof startTestHub>>;
let browser: Browser;
let conversationId: string;
const dialogs: string[] = [];
const contexts: BrowserContext[] = [];

/** English words of the console's vocabulary; none may show on a Turkish screen (names and brands are not in it). */
const ENGLISH = /\b(the|and|of|for|with|was|has|been|Open|Pending|Resolved|Snoozed?|ended|Assign(ed)?|Unassign(ed)?|Status|Reply|Send|Note|Customers?|Search|Settings|Sign (in|out)|Loading|Save|Cancel|Close|Teams?|Agents?|Reports?|Export|Queued|Routed|Re-queued|breached|due|Auto-reply|Tomorrow|Monday|hour|minutes?|Previous|Next|Today|Done|Clear|Something went wrong|not found|Unread|Mine|All|Wallboard|Online|Offline|Away|Conversations?|Messages?|New|Reopened|Priority|Labels?|merged|another customer)\b/;

/** Code to copy (snippets for developers, in pre/code) is not UI text. */
const UI_TEXT = `(() => { let t = document.body.innerText; for (const c of document.querySelectorAll('pre, code')) t = t.replace(c.innerText, ''); return t; })()`;

async function englishOn(page: Page): Promise<string | null> {
  const text = await page.evaluate(UI_TEXT) as string;
  const m = ENGLISH.exec(text);
  return m ? `${m[0]} in “${text.slice(Math.max(0, m.index - 60), m.index + 60).replace(/\s+/g, ' ')}”` : null;
}

/** A Turkish agent whose browser speaks English (en-US): the console must not follow the browser once signed in. */
async function turkishConsole(viewport: { width: number; height: number }, email = 'deniz@example.com'): Promise<Page> {
  const ctx = await browser.newContext({ viewport, locale: 'en-US', timezoneId: ZONE });
  contexts.push(ctx);
  const page = await ctx.newPage();
  recordDialogs(page, dialogs);
  await signInConsole(page, hub.url!, email, PASSWORD);
  expect(await page.evaluate("fetch('/api/me/settings', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ language: 'tr' }) }).then((r) => r.status)")).toBe(200);
  await page.reload();
  await page.locator('nav.views', { hasText: 'Atanmamış' }).waitFor();
  return page;
}

beforeAll(async () => {
  ensureConsoleBuilt();
  mkdirSync(shots, { recursive: true });
  hub = await startTestHub(testConfig('e2elanguage'), 'all');
  const m = hub.deps.models;
  await createAgent(m, { email: 'deniz@example.com', name: 'Deniz Kaya', password: PASSWORD, role: 'admin' });
  // Weekdays 09:00-18:00 in Istanbul: "tomorrow" and "next week" are the team's openings.
  await putSetting(m, DEFAULT_KEY, 'calendar', calendarSchema.parse({
    timezone: ZONE,
    week: { 1: [{ start: '09:00', end: '18:00' }], 2: [{ start: '09:00', end: '18:00' }], 3: [{ start: '09:00', end: '18:00' }], 4: [{ start: '09:00', end: '18:00' }], 5: [{ start: '09:00', end: '18:00' }] },
  }), null);
  await enqueueInbound(hub.deps.queues, webchatMessage('lang-1', 'v_language_test', 'Merhaba, kargom nerede?'));
  const found = await waitFor(() => conversationModel(hub.deps.db).findOne({}).lean(), 15_000, 'the conversation');
  conversationId = String(found._id);
  const c = (await m.conversations.byId(found._id))!;
  // System events as the hub writes them now (facts) and as older versions stored them (English text only).
  await recordEvent(m, c, { type: 'snooze_ended' });
  await recordEvent(m, c, { type: 'requeued', agent: 'Emre', offlineMs: 300_000 });
  await recordEvent(m, c, { type: 'sla_breached', clock: 'first_response', dueAt: '2026-03-02T07:30:00.000Z' });
  await recordEvent(m, c, { type: 'merged', actor: 'Selin', into: '' });
  for (const text of ['Snooze ended: back to open', 'Re-queued: Emre has been offline for 300 s', 'SLA breached: next response was due 2026-03-02T07:30:00.000Z']) {
    await m.messages.insert({ conversationId: c._id, customerId: c.customerId, direction: 'out', kind: 'event', channel: 'webchat', author: { type: 'system' }, text, dedupeKey: `event:${new Types.ObjectId()}`, delivery: { status: 'sent', at: new Date() } });
  }
  await m.messages.insert({ conversationId: c._id, customerId: c.customerId, direction: 'out', kind: 'message', channel: 'webchat', author: { type: 'system', name: 'Auto-reply' }, text: 'Mesai dışındayız, sabah döneceğiz.', dedupeKey: `autoreply:${conversationId}:1`, delivery: { status: 'sent', at: new Date() } });
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  for (const ctx of contexts) await ctx.close();
  await browser?.close();
  await hub?.stop();
});

test.each([
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
])('Turkish date inputs at %o: the snooze picker and presets speak Turkish, 24-hour, in business hours', async (viewport) => {
  const page = await turkishConsole(viewport);
  await page.goto(`${hub.url}/c/${conversationId}`);
  await page.locator('.msg.in', { hasText: 'kargom nerede' }).waitFor();

  // Presets come from the team's calendar: "tomorrow" is the next business day's 09:00, "next week" Monday's.
  await page.locator('.snooze > button', { hasText: 'Ertele…' }).click();
  const presets = page.locator('.snooze-menu [data-preset]');
  await presets.first().waitFor();
  expect(await presets.allTextContents()).toEqual([expect.stringMatching(/^1 saat · /), expect.stringMatching(/^(Yarın 09:00|\d+ \S+ \S+ 09:00)$/), expect.stringMatching(/^\d+ \S+ Pazartesi 09:00$/)]);
  expect(await page.locator('.snooze-menu').textContent()).toContain(`Ekibin çalışma saatlerine göre (${ZONE})`);

  // The custom time: Turkish month and day names, weeks from Monday, 24-hour time, shown as dd.mm.yyyy HH:mm.
  await page.locator('.snooze-menu .date-value').click();
  const popover = page.locator('.snooze-menu .date-popover');
  expect(await popover.locator('.date-head strong').textContent()).toBe(new Date().toLocaleDateString('tr-TR', { month: 'long', year: 'numeric', timeZone: ZONE }));
  expect(await popover.locator('th').allTextContents()).toEqual(['Pzt', 'Sal', 'Çar', 'Per', 'Cum', 'Cmt', 'Paz']);
  const day = DateTime.now().setZone(ZONE).plus({ days: 2 });
  if (!day.hasSame(DateTime.now().setZone(ZONE), 'month')) await popover.getByRole('button', { name: 'Sonraki ay' }).click();
  await popover.locator(`button[data-date="${day.toISODate()}"]`).click();
  await popover.getByLabel('Saat', { exact: true }).selectOption('14');
  await popover.getByLabel('Dakika').selectOption('30');
  expect(await page.locator('.snooze-menu .date-value').textContent()).toBe(`${day.toFormat('dd.MM.yyyy')} 14:30▾`);
  expect(await page.locator('input[type="date"], input[type="datetime-local"]').count()).toBe(0);
  await page.screenshot({ path: path.join(shots, `snooze-picker-tr-${viewport.width}.png`) });
  expect(await englishOn(page)).toBeNull();

  await popover.getByRole('button', { name: 'Tamam' }).click();
  await page.locator('.snooze-menu form button[type="submit"]').click();
  await page.locator('.snooze-menu').waitFor({ state: 'detached' });
  const stored = await waitFor(async () => (await conversationModel(hub.deps.db).findById(conversationId).lean())?.snoozedUntil ?? null, 10_000, 'the snooze');
  expect(stored.toISOString()).toBe(day.set({ hour: 14, minute: 30, second: 0, millisecond: 0 }).toUTC().toISO());
  // The status event says it in Turkish with the Turkish date.
  await page.locator('.event', { hasText: `Deniz Kaya durumu ${day.setLocale('tr').toFormat('d MMM yyyy')}` }).first().waitFor();

  // A preset snoozes to the opening the hub computed.
  await page.locator('.snooze > button').click();
  await page.locator('.snooze-menu [data-preset="nextWeek"]').click();
  const monday = DateTime.now().setZone(ZONE).startOf('week').plus({ weeks: 1 }).set({ hour: 9 });
  await waitFor(async () => ((await conversationModel(hub.deps.db).findById(conversationId).lean())?.snoozedUntil?.getTime() === monday.toMillis() ? true : null), 10_000, 'the preset snooze');
  expect(await page.evaluate(`fetch('/api/conversations/${conversationId}/status', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'open' }) }).then((r) => r.status)`)).toBe(200);

  // Date-only fields: the reports range in Turkish order.
  await page.goto(`${hub.url}/supervisor/reports`);
  const from = page.locator('.reports .filters .date-value').first();
  await from.waitFor();
  expect(await from.textContent()).toMatch(/^\d{2}\.\d{2}\.\d{4}▾$/);
  await from.click();
  await page.locator('.reports .date-popover th').first().waitFor();
  await page.screenshot({ path: path.join(shots, `reports-dates-tr-${viewport.width}.png`) });

  // The same agent in English: English names, still Monday first and 24-hour, dd/mm/yyyy (en-GB).
  expect(await page.evaluate("fetch('/api/me/settings', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ language: 'en' }) }).then((r) => r.status)")).toBe(200);
  await page.goto(`${hub.url}/c/${conversationId}`);
  await page.locator('.snooze > button', { hasText: 'Snooze…' }).click();
  await page.locator('.snooze-menu [data-preset="tomorrow"]').waitFor();
  expect(await page.locator('.snooze-menu [data-preset="in1h"]').textContent()).toMatch(/^1 hour · /);
  await page.locator('.snooze-menu .date-value').click();
  expect(await page.locator('.snooze-menu .date-popover th').allTextContents()).toEqual(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']);
  if (!day.hasSame(DateTime.now().setZone(ZONE), 'month')) await page.getByRole('button', { name: 'Next month' }).click();
  await page.locator(`.snooze-menu button[data-date="${day.toISODate()}"]`).click();
  await page.locator('.snooze-menu .date-popover').getByLabel('Hour').selectOption('21');
  expect(await page.locator('.snooze-menu .date-value').textContent()).toBe(`${day.toFormat('dd/MM/yyyy')} 21:00▾`);
  await page.screenshot({ path: path.join(shots, `snooze-picker-en-${viewport.width}.png`) });
  expect(dialogs).toEqual([]);
}, 120_000);

test('no English on the Turkish screens: inbox, thread with system events old and new, customers, management', async () => {
  const page = await turkishConsole({ width: 1280, height: 800 });
  const screens: Array<[string, () => Promise<unknown>]> = [
    ['inbox', () => page.locator('li.conv', { hasText: 'Ayşe Yılmaz' }).waitFor()],
    [`c/${conversationId}`, async () => {
      await page.locator('.event', { hasText: 'Erteleme bitti' }).first().waitFor();
      // Old (text only) and new (facts) events read the same.
      expect(await page.locator('.event', { hasText: 'Erteleme bitti: yeniden açık' }).count()).toBe(2);
      expect(await page.locator('.event', { hasText: 'Emre 5 dk boyunca çevrimdışı kaldı' }).count()).toBe(2);
      await page.locator('.event', { hasText: 'SLA aşıldı: İlk yanıt süresi' }).waitFor();
      await page.locator('.event', { hasText: 'SLA aşıldı: Sonraki yanıt süresi' }).waitFor();
      await page.locator('.event', { hasText: 'Selin bu müşteriyi başka bir müşteri ile birleştirdi' }).waitFor();
      await page.locator('.msg .author', { hasText: 'Otomatik yanıt' }).waitFor();
    }],
    ['customers', () => page.locator('.directory-filters').waitFor()],
    ['supervisor', () => page.locator('.wallboard').first().waitFor()],
    ['supervisor/reports', () => page.locator('.reports tr[data-metric="frt"]').waitFor()],
    ['admin', () => page.locator('.admin table').first().waitFor()],
    ['admin/channels', () => page.locator('.admin h2').first().waitFor()],
    ['admin/audit', () => page.locator('.admin form.filters').waitFor()],
  ];
  for (const [where, ready] of screens) {
    await page.goto(`${hub.url}/${where === 'inbox' ? '' : where}`);
    await ready();
    await page.screenshot({ path: path.join(shots, `walk-tr-${where.replace(/\//g, '-').replace(/-[0-9a-f]{24}$/, '')}.png`), fullPage: true });
    expect([where, await englishOn(page)]).toEqual([where, null]);
  }
  // A refusal of the hub in Turkish: a weak new password is explained by the policy's Turkish text.
  await page.goto(hub.url!);
  await page.locator('.topbar button', { hasText: 'Hesap' }).click();
  const account = page.locator('dialog[aria-labelledby="account-title"]');
  await account.getByLabel('Mevcut parola').fill(PASSWORD);
  await account.getByLabel('Yeni parola').fill('1234567890'); // long enough for the form, too common for the policy
  await account.getByRole('button', { name: 'Parolayı değiştir' }).click();
  await account.getByRole('alert').filter({ hasText: 'Parola değişmedi: En az 10 karakter' }).waitFor();
  expect(await englishOn(page)).toBeNull();
  expect(dialogs).toEqual([]);
}, 120_000);

test('the login page follows the browser\'s language, has a switch, and remembers the choice on this browser', async () => {
  for (const [locale, title] of [['tr-TR', 'Giriş yap'], ['en-US', 'Sign in'], ['de-DE', 'Giriş yap']] as const) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale });
    contexts.push(ctx);
    const page = await ctx.newPage();
    await page.goto(hub.url!);
    expect([locale, await page.locator('.login button[type="submit"]').textContent()]).toEqual([locale, title]);
    if (locale === 'en-US') await page.screenshot({ path: path.join(shots, 'login-en.png') });
    if (locale !== 'tr-TR') continue;
    await page.screenshot({ path: path.join(shots, 'login-tr.png') });
    await page.getByRole('button', { name: 'English' }).click();
    await page.locator('.login button[type="submit"]', { hasText: 'Sign in' }).waitFor();
    expect(await page.evaluate('document.documentElement.lang')).toBe('en');
    await page.reload();
    await page.locator('.login button[type="submit"]', { hasText: 'Sign in' }).waitFor();
    // A wrong password is said in the page's language.
    await page.locator('input[name="email"]').fill('deniz@example.com');
    await page.locator('input[name="password"]').fill('not the password 1');
    await page.locator('.login button[type="submit"]').click();
    await page.getByRole('alert').filter({ hasText: 'Sign-in failed: Wrong email or password.' }).waitFor();
    await page.getByRole('button', { name: 'Türkçe' }).click();
    await page.locator('.login button[type="submit"]', { hasText: 'Giriş yap' }).waitFor();
    await page.locator('.login button[type="submit"]').click();
    await page.getByRole('alert').filter({ hasText: 'Giriş başarısız: E-posta veya parola hatalı.' }).waitFor();
    await page.screenshot({ path: path.join(shots, 'login-tr-error.png') });
  }
  expect(dialogs).toEqual([]);
}, 90_000);
