/**
 * What the web wallet says when activation cannot go on, in Chromium against a running
 * issuing service: a code of the wrong form (no attempt spent), wrong codes counting down
 * to the lock, an expired offer, a used one, a replaced one, no network, a pasted link that
 * is not an offer — each in its own words, in Polish and after the switch in English, and
 * nothing kept. And a second phone: activating there turns the first phone's ID red.
 */
import t from 'tap';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshot } from '../helpers/browser.js';
import { json, makeOffer, registerStudent, startIssuer, type TestIssuer } from '../helpers/issuance.js';
import { bodyIs, newPhone, until, walletLink } from '../helpers/wallet-phone.js';

let issuer: TestIssuer;
let browser: Browser;
t.before(async () => {
  issuer = await startIssuer({ config: { activation: { offerTtlSeconds: 3600 } } });
  browser = await launchBrowser();
});
t.teardown(async () => {
  await browser.close();
  await issuer.close();
});

/** The wallet opened straight at an offer, as the letter's link leads there. */
async function openOffer(context: BrowserContext, offer: { offer: string }): Promise<Page> {
  const page = await context.newPage();
  await page.goto(walletLink(issuer.url, offer));
  await bodyIs(page, 'view', 'activate');
  return page;
}

async function submit(page: Page, code: string): Promise<string> {
  await page.evaluate(`document.body.dataset.message = 'pending'`);
  await page.locator('#code').fill(code);
  await page.locator('#activate-button').click();
  await until(page, `!['pending', ''].includes(document.body.dataset.message) || document.body.dataset.view !== 'activate'`);
  return (await page.textContent('#activate-message')) ?? '';
}

const wrong = (code: string) => code.replace(/^./, (d) => String((Number(d) + 1) % 10));

async function stored(page: Page): Promise<unknown> {
  return page.evaluate(`new Promise((resolve) => { const r = indexedDB.open('mleg-wallet'); r.onsuccess = () => { const q = r.result.transaction('wallet').objectStore('wallet').get('held'); q.onsuccess = () => resolve(q.result === undefined ? null : 'held'); }; })`);
}

t.test('wrong codes count down to the lock, in Polish and in English', async (t) => {
  const id = await registerStudent(issuer);
  const offer = await makeOffer(issuer, id);
  const context = await newPhone(browser);
  t.teardown(() => context.close());
  const page = await openOffer(context, offer);

  t.equal(await submit(page, '1234'), 'Kod aktywacyjny to 8 cyfr.', 'a code of the wrong form');
  t.equal((await json(await issuer.admin('GET', `/students/${id}`))).offer.wrong_attempts, 0, 'is refused before it costs an attempt');

  t.equal(await submit(page, wrong(offer.tx_code)), 'Błędny kod aktywacyjny. Pozostałe próby: 4.');
  t.equal(await submit(page, wrong(offer.tx_code)), 'Błędny kod aktywacyjny. Pozostałe próby: 3.');
  await page.getByRole('button', { name: 'English' }).click();
  await page.waitForSelector('html[lang="en"]');
  t.equal(await page.textContent('#activate-message'), 'Wrong activation code. Tries left: 3.', 'the message follows the switch');
  t.equal(await page.textContent('#activate-title'), 'Activate your mLegitymacja');
  t.equal(await page.textContent('#code-hint'), 'The code is in the letter from the school office.', 'our own hint in English (the school\'s is Polish)');
  t.match(await page.textContent('#offer-doc'), /^School ID \(mLegitymacja szkolna\) — Szkoła Testowa nr 1$/);
  t.equal(await submit(page, wrong(offer.tx_code)), 'Wrong activation code. Tries left: 2.');
  t.equal(await submit(page, wrong(offer.tx_code)), 'Wrong activation code. One try left — check the code in the letter.');
  await screenshot(page, 'wallet-last-try-en');
  t.equal(await submit(page, wrong(offer.tx_code)), 'Too many wrong codes: this offer is locked. Ask the school office for a new letter.');
  t.equal(await submit(page, offer.tx_code), 'Too many wrong codes: this offer is locked. Ask the school office for a new letter.', 'locked even with the right code');
  await page.getByRole('button', { name: 'Polski' }).click();
  t.equal(await page.textContent('#activate-message'), 'Za dużo błędnych kodów: ta oferta jest zablokowana. Poproś sekretariat szkoły o nowe pismo.');
  await screenshot(page, 'wallet-locked');
  t.equal(await stored(page), null, 'nothing kept');
  // The language stays chosen for the next visit.
  await page.getByRole('button', { name: 'English' }).click();
  await page.reload();
  await page.waitForSelector('html[lang="en"]');
  t.pass('English after a reload');
});

t.test('expired, used and replaced offers, each said as what it is', async (t) => {
  const context = await newPhone(browser);
  t.teardown(() => context.close());

  const expired = await makeOffer(issuer, await registerStudent(issuer));
  issuer.clock.advance(3601_000);
  try {
    t.equal(await submit(await openOffer(context, expired), expired.tx_code), 'Ta oferta wygasła. Poproś sekretariat szkoły o nowe pismo.');
  } finally {
    issuer.clock.advance(-3601_000);
  }

  const id = await registerStudent(issuer);
  const replaced = await makeOffer(issuer, id);
  await makeOffer(issuer, id);
  t.equal(await submit(await openOffer(context, replaced), replaced.tx_code), 'Szkoła zastąpiła tę ofertę nową albo ją wycofała. Użyj najnowszego pisma.');

  const used = await makeOffer(issuer, await registerStudent(issuer));
  const first = await openOffer(context, used);
  await submit(first, used.tx_code);
  await bodyIs(first, 'view', 'card');
  const other = await newPhone(browser);
  t.teardown(() => other.close());
  const again = await openOffer(other, used);
  t.equal(await submit(again, used.tx_code), 'Tę ofertę już wykorzystano. Jeśli to nie Ty, zgłoś to w sekretariacie szkoły.', 'the same letter on another phone');
  await screenshot(again, 'wallet-used');
  t.equal(await stored(again), null, 'nothing kept there');
});

t.test('no network: said so, the code not spent, and it works once back online', async (t) => {
  const offer = await makeOffer(issuer, await registerStudent(issuer));
  const context = await newPhone(browser);
  t.teardown(() => context.close());
  const page = await openOffer(context, offer);
  await context.setOffline(true);
  t.equal(await submit(page, offer.tx_code), 'Brak połączenia z internetem. Połącz się i spróbuj ponownie.');
  await screenshot(page, 'wallet-no-network');
  await context.setOffline(false);
  await submit(page, offer.tx_code);
  await bodyIs(page, 'view', 'card');
  t.pass('activated with the same code');
});

t.test('a pasted link that is not an offer; a pasted offer that is', async (t) => {
  const context = await newPhone(browser);
  t.teardown(() => context.close());
  const page = await context.newPage();
  await page.goto(`${issuer.url}/wallet/`);
  await bodyIs(page, 'view', 'activate');
  t.ok(await page.locator('#offer-unknown').isVisible(), 'without an offer it asks for one');
  t.ok(await page.getByRole('button', { name: 'Zeskanuj kod QR z pisma' }).isVisible());
  t.notOk(await page.getByRole('button', { name: 'Anuluj' }).isVisible(), 'nothing to go back to: no cancel');
  await screenshot(page, 'wallet-start');
  await page.getByLabel('albo wklej link z pisma').fill('https://example.com/something');
  await page.getByRole('button', { name: 'Dalej' }).click();
  await bodyIs(page, 'message', 'invalidOffer');
  t.equal(await page.textContent('#activate-message'), 'To nie jest link aktywacyjny mLegitymacji albo jest niepełny.');
  const offer = await makeOffer(issuer, await registerStudent(issuer));
  await page.getByLabel('albo wklej link z pisma').fill(offer.offer);
  await page.getByRole('button', { name: 'Dalej' }).click();
  await page.waitForSelector('#offer-known:not([hidden])');
  await submit(page, offer.tx_code);
  await bodyIs(page, 'view', 'card');
  t.pass('the pasted openid-credential-offer:// link activates');
});

t.test('a second phone: activating there turns the first phone\'s ID red', async (t) => {
  const id = await registerStudent(issuer);
  const phones = [await newPhone(browser), await newPhone(browser)];
  t.teardown(() => Promise.all(phones.map((p) => p.close())));
  const pages: Page[] = [];
  for (const phone of phones) {
    const offer = await makeOffer(issuer, id);
    const page = await openOffer(phone, offer);
    await submit(page, offer.tx_code);
    await bodyIs(page, 'view', 'card');
    pages.push(page);
  }
  const [oldPhone, newPhoneNow] = pages as [Page, Page];
  await oldPhone.reload();
  await bodyIs(oldPhone, 'standing', 'revoked');
  t.match(await oldPhone.locator('#validity').innerText(), /NIEWAŻNA[\s\S]*Nieważna na tym telefonie/);
  await screenshot(oldPhone, 'wallet-replaced-phone');
  await bodyIs(newPhoneNow, 'standing', 'valid');
  const student = await json(await issuer.admin('GET', `/students/${id}`));
  t.match(student.credentials.map((c: { status: string; reason: string | null }) => `${c.status}:${c.reason ?? ''}`).sort(), ['revoked:device_replaced', 'valid:'], 'the service revoked the first (device_replaced)');
});
