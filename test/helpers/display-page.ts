/**
 * The result display in headless Chromium, for the page's tests: a screen open on a
 * service's page (connected to its stream), its states and text, scans published as a
 * scanner would, a paste into the entry field, and times as a Warsaw screen shows them.
 */
import type { Browser, Page } from 'playwright-core';
import type { VerifyResult } from '../../src/verify/result.js';
import { newScreen, openPage, type WatchedPage } from './browser.js';
import type { TestService } from './service.js';

export const WAIT = { timeout: 8000 };

/** Records every data-state the page goes through, with the time (test instrumentation, not the page's). */
const RECORD_STATES = `
  window.__states = [];
  document.addEventListener('DOMContentLoaded', () => {
    const note = () => window.__states.push({ state: document.body.dataset.state, verdict: document.body.dataset.verdict || null, at: Date.now() });
    note();
    new MutationObserver(note).observe(document.body, { attributes: true, attributeFilter: ['data-state', 'data-verdict'] });
  });`;

export interface StateSeen {
  state: string;
  verdict: string | null;
  at: number;
}

export interface Screen extends WatchedPage {
  close(): Promise<void>;
}

/** Opens `url` on a new screen (1280×720 and Warsaw unless told) and waits for its stream. */
export async function openScreen(browser: Browser, url: string, o: { record?: boolean; width?: number; height?: number; timezoneId?: string } = {}): Promise<Screen> {
  const { record, ...size } = o;
  const context = await newScreen(browser, size);
  if (record) await context.addInitScript({ content: RECORD_STATES });
  const watched = await openPage(context, url);
  await watched.page.waitForSelector('body[data-connection="open"]', WAIT);
  return { ...watched, close: () => context.close() };
}

export const state = (page: Page, s: string) => page.waitForSelector(`body[data-state="${s}"]`, WAIT);
export const text = (page: Page) => page.locator('body').innerText();
export const background = (page: Page) => page.evaluate('getComputedStyle(document.body).backgroundColor') as Promise<string>;
export const statesSeen = (page: Page) => page.evaluate('window.__states') as Promise<StateSeen[]>;

/** An instant as the page shows it on a screen in Warsaw: 23.11.2026 11:00:58. */
export function warsaw(iso: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Warsaw', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.day}.${parts.month}.${parts.year} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/** Verifies `payload` as scanner `scanner` of `lane` and publishes the scan, as a lane does. */
export async function scan(s: TestService, lane: string, payload = s.present(), scanner = lane): Promise<VerifyResult> {
  const result = await s.verifier.verify(payload, scanner);
  s.bus.publish({ type: 'scan', data: { scanner, lane, result } });
  return result;
}

/** Pastes text into the entry field as a browser does (a paste event with clipboard data). */
export const paste = (page: Page, value: string) =>
  page.evaluate(`(() => {
    const data = new DataTransfer();
    data.setData('text/plain', ${JSON.stringify(value)});
    document.getElementById('entry').dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  })()`);

/** Characters at each end of a payload typed key by key whatever they are (wedgeType). */
const ENDS_TYPED = 24;

/**
 * Types `text` as a keyboard-wedge scanner does, key by key into whatever has the focus:
 * the first and last ENDS_TYPED characters and every one that is not a letter or a digit
 * (spaces, symbols) as keystrokes; the letters and digits between, run by run, inserted
 * into the field the first keystroke moved the focus to. (1 000 keys one by one are 3 000
 * round trips to the browser: seconds of both processes on a busy machine, for keys like
 * the ones typed.)
 */
export async function wedgeType(page: Page, text: string): Promise<void> {
  const chars = [...text];
  let run = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (i >= ENDS_TYPED && i < chars.length - ENDS_TYPED && /[A-Za-z0-9]/.test(c)) {
      run += c;
      continue;
    }
    if (run !== '') await page.keyboard.insertText(run);
    run = '';
    await page.keyboard.type(c);
  }
  if (run !== '') await page.keyboard.insertText(run);
}
