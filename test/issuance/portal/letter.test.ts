/**
 * The activation letter, printed from headless Chromium: a screenshot of the letter
 * page, its QR code read back with the project's own image decoder (src/scan/image), the
 * activation code read off the page's text, and the two redeemed by the wallet's
 * OpenID4VCI client: the student is active, bound to that phone. The letter answers the
 * POST that made the offer (no-store) and no GET shows it again; it prints as one A4 page.
 * A class's letters: ticked on the list, confirmed, one A4 page each, each its own code.
 */
import t from 'tap';
import type { BrowserContext, Page } from 'playwright-core';
import { generateKeyPairJwk, signingKeyFromJwk } from '../../../src/issuer/keys.js';
import { ImageDecoder } from '../../../src/scan/image/decode-image.js';
import { activate } from '../../../src/wallet/oid4vci-client.js';
import { screenshot } from '../../helpers/browser.js';
import { PORTAL_STUDENTS } from '../../helpers/holders.js';
import { claimsOf, json, signerOf } from '../../helpers/issuance.js';
import { loginInBrowser, startPortalInBrowser } from '../../helpers/portal.js';

const { s, browser } = await startPortalInBrowser(t);
const images = new ImageDecoder({ decoder: 'zxing-wasm', maxPixels: 25_000_000, timeoutMs: 30_000 });
t.teardown(() => images.close());

async function register(student: Record<string, unknown>): Promise<string> {
  const res = await s.admin('POST', '/students', student);
  return ((await res.json()) as { id: string }).id;
}

/** A logged-in browser; deviceScaleFactor 2, as a good screen (and a printer) draws the QR code finely enough to read back. */
async function loggedIn(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, deviceScaleFactor: 2, locale: 'pl-PL', timezoneId: 'Europe/Warsaw' });
  const page = await context.newPage();
  await loginInBrowser(page, s.url);
  return { context, page };
}

/** The number of pages of a PDF (its page objects). */
const pdfPages = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;

t.test('print a letter, decode its QR code, redeem it with the printed code', async (t) => {
  const id = await register(PORTAL_STUDENTS[2]);
  const { context, page } = await loggedIn();
  t.teardown(() => context.close());
  await page.goto(`${s.url}/portal/students/${id}`);
  await page.getByLabel('Język listu').selectOption('pl');
  const [answer] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/letter')), page.getByRole('button', { name: 'Wydrukuj list aktywacyjny' }).click()]);
  t.equal(answer.request().method(), 'POST', 'the letter is the answer to the POST that made the offer');
  t.equal(answer.status(), 200);
  t.equal(answer.headers()['cache-control'], 'no-store', 'never cached');
  await page.waitForSelector('.letter');
  const letter = page.locator('.letter');
  t.equal(await letter.locator('.title').textContent(), 'List aktywacyjny mLegitymacji');
  t.match(await letter.textContent(), `Dla: ${PORTAL_STUDENTS[2].given_name} ${PORTAL_STUDENTS[2].family_name}`);
  t.match(await letter.textContent(), /mLegitymacja szkolna, ważna do 31\.08\.2031/);
  for (const step of ['Zainstaluj na swoim telefonie aplikację portfela', 'zeskanuj kod QR z tego listu', 'Wpisz kod aktywacyjny', 'tylko na tym jednym telefonie', 'od razu powiedz o tym w sekretariacie szkoły']) {
    t.match(await letter.locator('ol').textContent(), step, `the steps in Polish: ${step}`);
  }
  const printed = (await letter.locator('[data-activation-code]').textContent())!;
  t.match(printed, /^\d{4} \d{4}$/, 'the code in two groups of four digits');
  const codeSize = Number.parseFloat(await page.evaluate("getComputedStyle(document.querySelector('[data-activation-code]')).fontSize"));
  t.ok(codeSize >= 40, `the code in large digits (${codeSize} px)`);
  t.match(await letter.textContent(), /Kod jest ważny do \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}\./, 'its expiry, in Polish form');

  const png = await screenshot(page, 'portal-letter', { fullPage: true });
  const { readFile } = await import('node:fs/promises');
  const decoded = await images.decode(await readFile(png));
  t.equal(decoded.codes.length, 1, 'one QR code on the letter');
  const link = decoded.codes[0]!.text;
  t.ok(link.startsWith(`${s.url}/offer?credential_offer=`), "the QR code is the offer's https:// link (a phone's camera opens it)");

  await page.emulateMedia({ media: 'print' });
  t.equal(pdfPages(await page.pdf({ preferCSSPageSize: true, printBackground: true })), 1, 'the letter prints on one A4 page');
  await screenshot(page, 'portal-letter-print', { fullPage: true });
  await page.emulateMedia({ media: 'screen' });

  const phone = signingKeyFromJwk(generateKeyPairJwk('ES256').privateJwk);
  const got = await activate({ offer: link, txCode: printed.replace(' ', ''), signer: signerOf(phone) });
  t.match(claimsOf(got.credential), { given_name: PORTAL_STUDENTS[2].given_name, doc_no: PORTAL_STUDENTS[2].doc_no, cnf: { jwk: { x: phone.publicJwk.x } } }, 'the credential, bound to the phone');
  t.equal((await json(await s.admin('GET', `/students/${id}`))).state, 'active');

  // Shown once: nothing serves the letter again.
  const again = await fetch(answer.url(), { headers: { accept: 'text/html', cookie: (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ') } });
  t.equal(again.status, 404, 'no GET shows a letter');
  t.notOk((await again.text()).includes(printed), 'nor its code');
  const student = await page.goto(`${s.url}/portal/students/${id}`);
  t.notOk((await student!.text()).includes(printed.replace(' ', '')), "the student's page never shows the code");
  await t.rejects(page.goBack(), /ERR_CACHE_MISS/, 'going back finds no copy of the letter: the browser kept none');
});

t.test("a class's letters: the ticked students, confirmed, one A4 page each", async (t) => {
  const ids = [];
  for (let i = 0; i < 3; i++) ids.push(await register({ ...PORTAL_STUDENTS[1], doc_no: `PRT/K${i}` }));
  const revoked = await register({ ...PORTAL_STUDENTS[1], doc_no: 'PRT/K-revoked' });
  await s.admin('POST', `/students/${revoked}/revoke`, { reason: 'transferred' });
  const { context, page } = await loggedIn();
  t.teardown(() => context.close());
  await page.goto(`${s.url}/portal/students?q=PRT/K`);
  t.equal(await page.locator('tbody tr').count(), 4);
  for (const id of [...ids, revoked]) await page.locator(`#pick-${id}`).check();
  await page.getByRole('button', { name: 'Drukuj listy aktywacyjne dla zaznaczonych' }).click();
  await page.waitForSelector('h1:text("Potwierdź")');
  t.match(await page.textContent('main'), 'Wydrukować listy aktywacyjne dla 3 uczniów?');
  t.match(await page.textContent('main'), /Ci uczniowie nie dostaną listu:\s*Źdźbło-Importowa Świętosława: legitymacja unieważniona/);
  t.equal((await json(await s.admin('GET', `/students/${ids[0]}`))).offer, null, 'nothing made before the confirmation');
  await screenshot(page, 'portal-letters-confirm');
  await page.getByRole('button', { name: 'Tak, utwórz i wydrukuj listy' }).click();
  await page.waitForSelector('.letter');
  t.equal(await page.locator('.letter').count(), 3);
  const codes = await page.locator('[data-activation-code]').allTextContents();
  t.equal(new Set(codes).size, 3, 'each letter its own code');
  for (const id of ids) t.equal((await json(await s.admin('GET', `/students/${id}`))).state, 'offered');
  const first = await page.locator('.letter').first().screenshot();
  const read = await images.decode(first);
  t.equal(read.codes.length, 1, "the first letter's QR code reads");
  await screenshot(page, 'portal-letters');
  await page.emulateMedia({ media: 'print' });
  t.equal(pdfPages(await page.pdf({ preferCSSPageSize: true })), 3, 'three letters, three A4 pages');
  await screenshot(page, 'portal-letters-print');
});
