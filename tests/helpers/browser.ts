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
