/**
 * The web wallet on a phone in headless Chromium: a 390×844 screen at 3 device pixels per
 * CSS pixel (an iPhone 12–15's), touch, Polish, Warsaw time; what the page keeps in its
 * IndexedDB read back; the screen photographed and its QR codes read by the project's own
 * image decoder (src/scan/image, as POST /v1/verify/image reads a photo).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ImageDecoder } from '../../src/scan/image/decode-image.js';
import { screenshot } from './browser.js';

export const PHONE = { width: 390, height: 844 };
export const WAIT = { timeout: 20_000 };

export function newPhone(browser: Browser, o: { width?: number; height?: number; scale?: number; locale?: string; reducedMotion?: boolean } = {}): Promise<BrowserContext> {
  return browser.newContext({
    reducedMotion: o.reducedMotion === true ? 'reduce' : 'no-preference',
    viewport: { width: o.width ?? PHONE.width, height: o.height ?? PHONE.height },
    deviceScaleFactor: o.scale ?? 3,
    isMobile: true,
    hasTouch: true,
    locale: o.locale ?? 'pl-PL',
    timezoneId: 'Europe/Warsaw',
  });
}

/** Waits for `data-<name>` on the body to be `value`. */
export function bodyIs(page: Page, name: string, value: string, timeout = WAIT.timeout): Promise<unknown> {
  return page.waitForSelector(`body[data-${name}="${value}"]`, { timeout, state: 'attached' });
}

export function imageDecoder(): ImageDecoder {
  return new ImageDecoder({ decoder: 'zxing-wasm', maxPixels: 25_000_000, timeoutMs: 60_000 });
}

/** A screenshot of the page (kept under .tap/ as `name`), and the QR codes the project's decoder reads in it. */
export async function photographCodes(page: Page, images: ImageDecoder, name: string): Promise<string[]> {
  const file = await screenshot(page, name);
  const { readFile } = await import('node:fs/promises');
  const decoded = await images.decode(await readFile(file));
  return decoded.codes.map((c) => c.text);
}

/** What the wallet keeps about its device key, read in the page: the CryptoKey itself never leaves it. */
export async function heldKey(page: Page): Promise<{ type: string; extractable: boolean; usages: string[]; algorithm: string; exportRefused: string[]; publicJwk: Record<string, string> }> {
  return page.evaluate(`(async () => {
    const db = await new Promise((resolve, reject) => { const r = indexedDB.open('mleg-wallet'); r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
    const held = await new Promise((resolve, reject) => { const r = db.transaction('wallet').objectStore('wallet').get('held'); r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
    const key = held.device.privateKey;
    const exportRefused = [];
    for (const format of ['jwk', 'pkcs8']) {
      try { await crypto.subtle.exportKey(format, key); } catch (e) { exportRefused.push(format + ': ' + e.name); }
    }
    db.close();
    return { type: key.type, extractable: key.extractable, usages: key.usages, algorithm: key.algorithm.name + ' ' + key.algorithm.namedCurve, exportRefused, publicJwk: held.device.publicJwk };
  })()`);
}

/**
 * Waits until `expression` (page JavaScript, as text: the tests are type-checked without the
 * DOM) is true. Polled through page.evaluate, which the wallet's CSP allows; Playwright's
 * waitForFunction evaluates its string with eval inside the page, which that CSP refuses.
 */
export async function until(page: Page, expression: string, timeout = WAIT.timeout): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > deadline) throw new Error(`not true within ${timeout} ms: ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The wallet opened at an offer (as the letter's link leads there), the code typed: the ID screen. */
export async function activateInWallet(context: BrowserContext, issuerUrl: string, offer: { offer: string; tx_code: string }): Promise<Page> {
  const page = await context.newPage();
  await page.goto(walletLink(issuerUrl, offer));
  await bodyIs(page, 'view', 'activate');
  await page.locator('#code').fill(offer.tx_code);
  await page.locator('#activate-button').click();
  await bodyIs(page, 'view', 'card');
  return page;
}

/** Where the letter's https:// link leads: the wallet, the offer in the fragment. */
export function walletLink(issuerUrl: string, offer: { offer: string }): string {
  return `${issuerUrl}/wallet/#${new URL(offer.offer).search.slice(1)}`;
}
