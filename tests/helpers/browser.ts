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

/** Builds agent-ui/dist when missing (`npm test` builds it first; a lone run of one e2e file may not have). */
export function ensureConsoleBuilt(): void {
  const root = path.resolve(__dirname, '../..');
  if (existsSync(path.join(root, 'agent-ui/dist/index.html'))) return;
  const built = spawnSync(process.execPath, ['scripts/build-ui.mjs'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('building agent-ui failed');
}
