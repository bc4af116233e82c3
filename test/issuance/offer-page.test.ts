/**
 * The https:// form of an offer in headless Chromium, on a phone-sized screen: Polish first,
 * an English switch, the wallet link carrying the very offer, keyboard reachable, WCAG AA
 * contrast, nothing loaded from anywhere, no CSP violation. Screenshots under .tap/.
 */
import t from 'tap';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openPage, screenshot } from '../helpers/browser.js';
import { makeOffer, registerStudent, startIssuer, type TestIssuer } from '../helpers/issuance.js';

let s: TestIssuer;
let browser: Browser;
t.before(async () => {
  s = await startIssuer();
  browser = await launchBrowser();
});
t.teardown(async () => {
  await browser.close();
  await s.close();
});

/** WCAG 2.1 contrast ratio of two CSS rgb() colours. */
function contrast(a: string, b: string): number {
  const lum = (css: string) => {
    const [r, g, bl] = css.match(/\d+(\.\d+)?/g)!.slice(0, 3).map((v) => Number(v) / 255);
    const lin = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return 0.2126 * lin(r!) + 0.7152 * lin(g!) + 0.0722 * lin(bl!);
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

/** An element's text colour and the first opaque background behind it (run in the page). */
async function colours(page: Page, selector: string): Promise<{ color: string; background: string }> {
  return page.evaluate(`(() => {
    const el = document.querySelector(${JSON.stringify(selector)});
    let bg = 'rgba(0, 0, 0, 0)';
    for (let e = el; e !== null && /rgba\\(0, 0, 0, 0\\)|transparent/.test(bg); e = e.parentElement) bg = getComputedStyle(e).backgroundColor;
    return { color: getComputedStyle(el).color, background: bg };
  })()`);
}

t.test('the offer page on a phone: Polish, the wallet link, the English switch', async (t) => {
  const offer = await makeOffer(s, await registerStudent(s));
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, locale: 'pl-PL', timezoneId: 'Europe/Warsaw' });
  t.teardown(() => context.close());
  const requests: string[] = [];
  context.on('request', (r) => requests.push(r.url()));
  const { page, errors } = await openPage(context, offer.offer_url);
  t.equal(await page.getAttribute('html', 'lang'), 'pl');
  t.equal(await page.textContent('h1'), 'Aktywacja mLegitymacji');
  t.match(await page.textContent('main'), /mLegitymacja szkolna — Szkoła Testowa nr 1/);
  t.match(await page.textContent('main'), /8-cyfrowy kod aktywacyjny/);
  const open = page.getByRole('link', { name: 'Otwórz w portfelu' });
  t.equal(await open.getAttribute('href'), offer.offer, 'the wallet link is the offer itself');
  await page.keyboard.press('Tab');
  t.equal(await page.evaluate('document.activeElement.textContent'), 'Otwórz w portfelu', 'the first Tab reaches the wallet link');
  const button = await colours(page, 'a.open');
  t.ok(contrast(button.color, button.background) >= 4.5, `button contrast ${contrast(button.color, button.background).toFixed(1)}:1`);
  const text = await colours(page, 'li');
  t.ok(contrast(text.color, text.background) >= 4.5, `text contrast ${contrast(text.color, text.background).toFixed(1)}:1`);
  const size = (await page.locator('a.open').boundingBox())!;
  t.ok(size.height >= 44 && size.width >= 300, 'a large target');
  await screenshot(page, 'offer-pl');

  await page.getByRole('link', { name: 'English' }).click();
  await page.waitForSelector('html[lang="en"]');
  t.equal(await page.textContent('h1'), 'Activate your mLegitymacja');
  t.equal(await page.getByRole('link', { name: 'Open in your wallet' }).getAttribute('href'), offer.offer, 'the same offer in English');
  t.ok(await page.getByRole('link', { name: 'Polski' }).isVisible(), 'and back');
  await screenshot(page, 'offer-en');
  t.same(errors, [], 'no console errors, no CSP violations');
  t.ok(requests.every((u) => u.startsWith(s.url)), 'nothing loaded from elsewhere');
  t.equal(requests.filter((u) => !u.includes('/offer?')).length, 0, 'no assets at all: one self-contained page');
});

t.test('a link that is not an offer of this school: 400 and a plain explanation', async (t) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'pl-PL' });
  t.teardown(() => context.close());
  const foreign = encodeURIComponent(JSON.stringify({ credential_issuer: 'https://elsewhere.example', credential_configuration_ids: ['mlegitymacja_szkolna'], grants: {} }));
  for (const query of ['', `?credential_offer=${foreign}`, '?credential_offer=%7Bnot-json']) {
    const res = await fetch(`${s.url}/offer${query}`);
    t.equal(res.status, 400, query || 'no offer');
    t.match(res.headers.get('content-security-policy'), /^default-src 'none'; style-src 'sha256-/);
  }
  const page = await context.newPage();
  await page.goto(`${s.url}/offer?credential_offer=${foreign}`);
  t.match(await page.textContent('.bad'), /nie jest ofertą tej szkoły/);
  await screenshot(page, 'offer-bad');
});
