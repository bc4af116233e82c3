/**
 * Headless Chromium for the display tests: Debian's `chromium` driven by playwright-core
 * (no browser is ever downloaded), one browser per test file, a fresh context per test.
 * `.ci/run` installs chromium; without it the tests fail and say so.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Where screenshots of the display's states are kept after a run (gitignored with .tap/). */
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../.tap/display-screenshots/', import.meta.url));

/**
 * Flags that keep Chromium quiet on a machine with no network: without the
 * background-networking ones it keeps trying to reach Google's services.
 * Playwright gives it a fresh temporary profile (--user-data-dir) per launch.
 */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: the display tests need Debian's chromium (apt-get install chromium; .ci/run installs it)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 30000 });
}

/** A screen as on site: 1280×720, Polish locale, Warsaw time (or the size and clock zone given). */
export function newScreen(browser: Browser, o: { width?: number; height?: number; timezoneId?: string } = {}): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: o.width ?? 1280, height: o.height ?? 720 }, locale: 'pl-PL', timezoneId: o.timezoneId ?? 'Europe/Warsaw' });
}

export interface WatchedPage {
  page: Page;
  /** Console errors and uncaught exceptions (a CSP violation is one). */
  errors: string[];
}

export async function openPage(context: BrowserContext, url: string): Promise<WatchedPage> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  return { page, errors };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
