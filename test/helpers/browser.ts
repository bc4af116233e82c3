/**
 * Headless Chromium for the page tests: Debian's, driven by playwright-core (no browser is
 * ever downloaded), one browser per test file, a fresh context per test.
 *
 * It is the headless shell of Debian's chromium (package chromium-headless-shell: the same
 * source and version, Blink and V8 without the desktop browser around them), the binary
 * Playwright itself runs for headless pages. The full browser (/usr/bin/chromium), headless,
 * drew the same screenshots, pixel for pixel but for the times shown and the fresh codes, at
 * about three times the CPU for each page a test opens: ten fresh contexts with a page each
 * took 6.2 CPU-seconds against 2.0, and 15 of the 16 page test files, each run alone, 213
 * against 118 (of the suite's ~430): the whole `npm test` went from 4 m 21 s to 3 m 32 s.
 * `npm test` installs it first when it is missing (test/system-tools.mjs); without it the
 * tests fail and say so.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from './repository.js';

export const CHROMIUM = '/usr/lib/chromium/chromium-headless-shell';

/** Where screenshots of the pages' states are kept after a run (gitignored with .tap/). */
export const SCREENSHOT_DIR = join(ROOT, '.tap', 'display-screenshots');

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

/** `extraArgs`: more Chromium flags (a fake camera, say). */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: the page tests need Debian's headless Chromium (apt-get install chromium-headless-shell; npm test installs it when it can)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...ARGS, ...extraArgs], timeout: 30000 });
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

export async function screenshot(page: Page, name: string, o: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, ...o });
  return path;
}
