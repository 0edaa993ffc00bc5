import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium, headless, never a downloaded browser. */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });

/** Records (and dismisses) every dialog a page opens: an alert from injected script shows up here. */
export function recordDialogs(page: Page, into: string[]): void {
  page.on('dialog', (d) => {
    into.push(d.message());
    void d.dismiss();
  });
}

/** Signs in to the agent console through its login form and waits for the top bar. */
export async function signInConsole(page: Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(url);
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('button[type="submit"]').click();
  await page.locator('.topbar .who').waitFor();
}

/**
 * A new browser context signed in to the console as `email`, with the console in `language` (the agent's setting)
 * and any page dialog recorded into `dialogs` (a test then expects none).
 */
export async function consoleIn(
  browser: Browser, url: string, who: { email: string; password: string },
  opts: { language: 'tr' | 'en'; viewport: { width: number; height: number }; dialogs: string[] },
): Promise<Page> {
  const ctx = await browser.newContext({ viewport: opts.viewport, locale: opts.language === 'tr' ? 'tr-TR' : 'en-GB' });
  const page = await ctx.newPage();
  recordDialogs(page, opts.dialogs);
  await signInConsole(page, url, who.email, who.password);
  const saved = await page.evaluate(
    (l) => fetch('/api/me/settings', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ language: l }) }).then((r) => r.status),
    opts.language,
  );
  if (saved !== 200) throw new Error(`setting the console language answered ${saved}`);
  return page;
}

/** Builds agent-ui/dist when missing (`npm test` builds it first; a lone run of one e2e file may not have). */
export function ensureConsoleBuilt(): void {
  const root = path.resolve(__dirname, '../..');
  if (existsSync(path.join(root, 'agent-ui/dist/index.html'))) return;
  const built = spawnSync(process.execPath, ['scripts/build-ui.mjs'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('building agent-ui failed');
}
