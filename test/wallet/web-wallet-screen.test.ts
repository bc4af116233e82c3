/**
 * The mLegitymacja screen as a person meets it, in headless Chromium: readable (large type,
 * WCAG AA contrast in green and in red), keyboard-usable, in English on the switch, alive
 * (the clock ticks by the second; the flag waves; the hologram shimmers, follows the phone's
 * tilt once a sensor reports, and stands still under prefers-reduced-motion), a QR code as
 * wide as the screen with its quiet zone, installable (manifest, icons), and on a small
 * Android phone and a desktop screen as well. Nothing loaded from elsewhere, no CSP error.
 */
import sharp from 'sharp';
import t from 'tap';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot } from '../helpers/browser.js';
import { colours, contrast } from '../helpers/contrast.js';
import { makeOffer, registerStudent, startIssuer, type TestIssuer } from '../helpers/issuance.js';
import { activateInWallet, bodyIs, newPhone } from '../helpers/wallet-phone.js';

let issuer: TestIssuer;
let browser: Browser;
t.before(async () => {
  issuer = await startIssuer();
  browser = await launchBrowser();
});
t.teardown(async () => {
  await browser.close();
  await issuer.close();
});

const style = (page: Page, selector: string, property: string): Promise<string> =>
  page.evaluate(`getComputedStyle(document.querySelector(${JSON.stringify(selector)})).getPropertyValue(${JSON.stringify(property)})`);
const px = async (page: Page, selector: string, property: string) => parseFloat(await style(page, selector, property));

async function phoneWithId(o: { width?: number; height?: number; scale?: number; reducedMotion?: boolean } = {}) {
  const context = await newPhone(browser, o);
  const errors: string[] = [];
  const requests: string[] = [];
  context.on('request', (r) => requests.push(r.url()));
  const offer = await makeOffer(issuer, await registerStudent(issuer));
  const page = await activateInWallet(context, issuer.url, offer);
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await bodyIs(page, 'standing', 'valid');
  return { context, page, errors, requests };
}

t.test('readable: large type, AA contrast in green and in red, the names of things', async (t) => {
  const { context, page, errors, requests } = await phoneWithId();
  t.teardown(() => context.close());
  t.ok((await px(page, '#validity-word', 'font-size')) >= 32, 'the verdict word is at least 32 px');
  t.ok((await px(page, '#f-family-name', 'font-size')) >= 26, 'the name at least 26 px');
  t.ok((await px(page, '#clock-time', 'font-size')) >= 32, 'the time at least 32 px');
  t.ok((await px(page, 'dt', 'font-size')) >= 14, 'even the labels at least 14 px');
  for (const selector of ['#validity-word', '#f-valid-until', 'dt', '#f-doc-no', '.clock-label', '#clock-time', '#status-line', '#show-qr', '#lang', '#card-title']) {
    const c = await colours(page, selector);
    const ratio = contrast(c.color, c.background);
    t.ok(ratio >= 4.5, `${selector}: ${ratio.toFixed(1)}:1`);
  }
  await page.evaluate(`document.body.dataset.standing = 'revoked'`);
  for (const selector of ['#validity-word', '#f-valid-until', '#card-title']) {
    const c = await colours(page, selector);
    t.ok(contrast(c.color, c.background) >= 4.5, `red: ${selector} ${contrast(c.color, c.background).toFixed(1)}:1`);
  }
  await page.evaluate(`document.body.dataset.standing = 'valid'`);
  const boxes = await page.evaluate(`[...document.querySelectorAll('#card dl > div')].map((d) => d.querySelector('dt').textContent + ': ' + d.querySelector('dd').textContent)`);
  t.match(boxes, ['Imię: Kunegunda', 'Nazwisko: Wydawnicza-Żmijewska', 'Data urodzenia: 17.04.2011', /^Data wydania: \d\d\.\d\d\.\d{4}$/, 'Szkoła: Szkoła Testowa nr 1', /^Numer legitymacji: WYD\/77\/2026-/], 'every value has its label (a description list)');
  t.equal(await page.getAttribute('#validity', 'role'), 'status', 'the standing is announced');
  const bottom = await page.evaluate(`document.getElementById('show-qr').getBoundingClientRect().bottom`);
  t.ok((bottom as number) <= 844, `the whole ID and its QR button fit a 390x844 screen (button ends at ${Math.round(bottom as number)} px)`);
  t.same(errors, []);
  t.same(requests.filter((u) => !u.startsWith(issuer.url)), [], 'nothing from elsewhere');
});

t.test('keyboard and language: Tab, Enter, Escape; English on the switch', async (t) => {
  const { context, page } = await phoneWithId();
  t.teardown(() => context.close());
  await page.reload();
  await bodyIs(page, 'view', 'card');
  await page.keyboard.press('Tab');
  t.equal(await page.evaluate('document.activeElement.id'), 'lang', 'the first Tab reaches the language switch');
  await page.keyboard.press('Tab');
  t.equal(await page.evaluate('document.activeElement.id'), 'show-qr', 'the next one the QR button');
  await page.keyboard.press('Enter');
  await bodyIs(page, 'view', 'qr');
  t.equal(await page.evaluate('document.activeElement.id'), 'hide-qr', 'the way back has the focus');
  await page.keyboard.press('Escape');
  await bodyIs(page, 'view', 'card');
  t.equal(await page.evaluate('document.activeElement.id'), 'show-qr', 'and back on the ID, the QR button again');

  await page.getByRole('button', { name: 'English' }).click();
  await page.waitForSelector('html[lang="en"]');
  const card = await page.locator('#card').innerText();
  for (const text of ['School ID', 'Given name', 'Family name', 'Date of birth', 'School', 'ID number', 'Date of issue', 'VALID', 'Valid until', 'Date and time shown', 'Status checked with the school', 'Show QR code']) t.match(card, text, text);
  t.equal(await page.getAttribute('#lang', 'lang'), 'pl', 'the switch back is marked Polish');
  await screenshot(page, 'wallet-card-en');
  await page.getByRole('button', { name: 'Show QR code' }).click();
  await bodyIs(page, 'qr-shown', '1');
  t.match(await page.locator('#qr').innerText(), /ID QR code[\s\S]*New code in \d+ s[\s\S]*brightness/);
  await screenshot(page, 'wallet-qr-en');
});

t.test('alive: the clock ticks, the flag waves, the hologram shimmers and follows the tilt', async (t) => {
  const { context, page } = await phoneWithId();
  t.teardown(() => context.close());
  const date = await page.textContent('#clock-date');
  t.match(date, /^\d\d-\d\d-\d{4}$/, 'the date as DD-MM-RRRR');
  const before = await page.textContent('#clock-time');
  t.match(before, /^\d\d:\d\d:\d\d$/, 'the time to the second');
  await page.waitForTimeout(1300);
  t.not(await page.textContent('#clock-time'), before, 'and it ticks');
  t.equal(await page.locator('#flag span').count(), 24, 'the flag in strips');
  t.equal(await style(page, '#flag span', 'animation-name'), 'wave', 'that wave');
  t.not(await style(page, '#flag span:nth-child(2)', 'animation-delay'), await style(page, '#flag span:nth-child(12)', 'animation-delay'), 'one after another');
  t.equal(await page.getAttribute('body', 'data-motion'), 'shimmer', 'no sensor yet: the hologram shimmers');
  t.equal(await style(page, '.hologram', 'animation-name'), 'shimmer');
  await page.evaluate(`dispatchEvent(new DeviceOrientationEvent('deviceorientation', { alpha: 0, beta: 80, gamma: 30 }))`);
  await bodyIs(page, 'motion', 'sensor');
  t.equal(await style(page, '.hologram', 'animation-name'), 'none', 'a sensor reports: the tilt drives it');
  t.match(await style(page, '.hologram', 'filter'), /hue-rotate\(106\.\d+deg\)/, 'the colours turned with the tilt (30° of 45°)');
  await page.evaluate(`dispatchEvent(new DeviceOrientationEvent('deviceorientation', { alpha: 0, beta: 40, gamma: -20 }))`);
  t.match(await style(page, '.hologram', 'filter'), /hue-rotate\(-71\.\d+deg\)/, 'and back the other way');
});

t.test('prefers-reduced-motion: the flag and the hologram stand still', async (t) => {
  const { context, page } = await phoneWithId({ reducedMotion: true });
  t.teardown(() => context.close());
  t.equal(await style(page, '#flag span', 'animation-name'), 'none');
  t.equal(await style(page, '.hologram', 'animation-name'), 'none');
  t.match(await page.textContent('#clock-time'), /^\d\d:\d\d:\d\d$/, 'the clock still shows the time');
});

t.test('the QR code: as wide as the screen, with its quiet zone', async (t) => {
  const { context, page } = await phoneWithId();
  t.teardown(() => context.close());
  await page.getByRole('button', { name: 'Pokaż kod QR' }).click();
  await bodyIs(page, 'qr-shown', '1');
  const box = (await page.locator('#qr-code').boundingBox())!;
  t.ok(box.width >= 360, `${Math.round(box.width)} px wide on a 390 px screen`);
  const version = Number(await page.getAttribute('body', 'data-qr-version'));
  const side = 17 + 4 * version + 8;
  t.equal(await page.getAttribute('#qr-code', 'viewBox'), `0 0 ${side} ${side}`, `version ${version} plus 4 modules of quiet zone each side`);
  t.equal(await page.getAttribute('#qr-code rect', 'fill'), '#fff', 'on white');
  t.equal(await page.getAttribute('#qr-code', 'role'), 'img');
  t.match(await page.textContent('#qr'), /Ustaw jasność ekranu na maksimum/, 'the brightness hint');
  const awake = await page.evaluate(`'wakeLock' in navigator`);
  t.ok(awake, 'the browser offers a wake lock (the screen stays on while the code shows)');
});

t.test('installable: the manifest, its icons, the service worker\'s scope', async (t) => {
  const { context, page } = await phoneWithId();
  t.teardown(() => context.close());
  const href = await page.getAttribute('link[rel="manifest"]', 'href');
  const manifestUrl = new URL(href!, `${issuer.url}/wallet/`);
  const manifest = (await (await fetch(manifestUrl)).json()) as { name: string; start_url: string; scope: string; display: string; icons: { src: string; sizes: string; type: string }[] };
  t.match(manifest, { short_name: 'mLegitymacja', start_url: './', scope: './', display: 'standalone', lang: 'pl' });
  for (const icon of manifest.icons.filter((i) => i.type === 'image/png')) {
    const res = await fetch(new URL(icon.src, manifestUrl));
    t.equal(res.headers.get('content-type'), 'image/png', icon.src);
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    t.equal(`${meta.width}x${meta.height}`, icon.sizes, `${icon.src} is ${icon.sizes}`);
  }
  t.ok(manifest.icons.some((i) => i.sizes === '512x512') && manifest.icons.some((i) => i.sizes === '192x192'), 'the sizes an install asks for');
  const scope = await page.evaluate(`navigator.serviceWorker.ready.then((r) => r.scope)`);
  t.equal(scope, `${issuer.url}/wallet/`, 'the service worker controls /wallet/ and nothing else of the service');
});

t.test('a small Android phone and a desktop screen', async (t) => {
  for (const [name, size] of [['360', { width: 360, height: 740, scale: 2 }], ['1280', { width: 1280, height: 800, scale: 1 }]] as const) {
    const { context, page } = await phoneWithId(size);
    await screenshot(page, `wallet-card-${name}`);
    const overflow = await page.evaluate(`document.documentElement.scrollWidth > document.documentElement.clientWidth`);
    t.notOk(overflow, `${name}: nothing wider than the screen`);
    await page.getByRole('button', { name: 'Pokaż kod QR' }).click();
    await bodyIs(page, 'qr-shown', '1');
    await screenshot(page, `wallet-qr-${name}`);
    await context.close();
  }
});
