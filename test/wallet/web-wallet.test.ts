/**
 * The student's web wallet (/wallet/ of the issuing service) in headless Chromium on a
 * phone-sized screen, against a running issuing service and a running verifier (`mleg
 * serve`'s Service, configured only from the issuer's published trust list, fetching its
 * status list): activated from the letter's https:// link with its code (a wrong code
 * first), a non-extractable key, the QR view photographed and read by the project's own
 * image decoder and VALID at the verifier, a new code 10 s later (VALID; the old one
 * REPLAYED), offline after a reload (the ID and fresh codes still there), revoked by the
 * school (red after a refresh, REVOKED at the verifier), and a second phone revoking the
 * first. Screenshots of each state under .tap/display-screenshots/wallet-*.png.
 */
import t from 'tap';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ImageDecoder } from '../../src/scan/image/decode-image.js';
import { launchBrowser, screenshot, type WatchedPage } from '../helpers/browser.js';
import { claimsOf, json, makeOffer, registerStudent, startIssuer, verifierOf, type TestIssuer } from '../helpers/issuance.js';
import type { TestService } from '../helpers/service.js';
import { activateInWallet, bodyIs, heldKey, imageDecoder, newPhone, photographCodes, until } from '../helpers/wallet-phone.js';
import { decodeBase45 } from '../../src/cose/base45.js';
import { CborReader } from '../../src/cose/cbor.js';
import { readCoseSign1 } from '../../src/cose/cose-sign1.js';
import { readCompactCredential } from '../../src/issuer/compact-credential.js';

const VERIFIER_ADMIN = 'verifier-admin-token-0123456789';
let issuer: TestIssuer;
let verifier: TestService;
let browser: Browser;
let images: ImageDecoder;

t.before(async () => {
  issuer = await startIssuer();
  verifier = await verifierOf(issuer, { admin: { token: VERIFIER_ADMIN } });
  browser = await launchBrowser();
  images = imageDecoder();
});
t.teardown(async () => {
  await images.close();
  await browser.close();
  await verifier.close();
  await issuer.close();
});

/** The credential an MLEG2 code carries: its id and device key. */
function compactCredentialOf(payload: string) {
  const reader = new CborReader(decodeBase45(payload.slice('MLEG2:'.length))!);
  reader.head();
  return readCompactCredential(readCoseSign1(reader).bytes);
}

async function verify(payload: string): Promise<{ verdict: string; holder: { family_name: string } | null }> {
  return json(await fetch(`${verifier.url}/v1/verify`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: payload }));
}

/** The verifier fetches the status lists now instead of after their ttl. */
async function refreshVerifier(): Promise<void> {
  const res = await fetch(`${verifier.url}/v1/admin/refresh`, { method: 'POST', headers: { authorization: `Bearer ${VERIFIER_ADMIN}` } });
  if (res.status !== 200) throw new Error(`refresh: ${res.status}`);
}

/** A page that records console errors (CSP violations among them) and every URL it asks for. */
async function openWatched(context: BrowserContext, url: string): Promise<WatchedPage & { requests: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  context.on('request', (r) => requests.push(r.url()));
  await page.goto(url);
  return { page, errors, requests };
}

/** The letter's https:// link opened on the phone, its "activate on this phone" pressed: the wallet's activation screen. */
async function openLetter(context: BrowserContext, offerUrl: string): Promise<WatchedPage & { requests: string[] }> {
  const watched = await openWatched(context, offerUrl);
  await watched.page.getByRole('link', { name: 'Aktywuj w tym telefonie' }).click();
  await bodyIs(watched.page, 'view', 'activate');
  return watched;
}

async function typeCode(page: Page, code: string): Promise<void> {
  await page.getByLabel('Kod aktywacyjny (8 cyfr)').fill(code);
  await page.getByRole('button', { name: 'Aktywuj' }).click();
}

const wrong = (code: string) => code.replace(/^./, (d) => String((Number(d) + 1) % 10));

t.test('activate from the letter, show fresh codes, go offline, be revoked', async (t) => {
  const id = await registerStudent(issuer);
  const offer = await makeOffer(issuer, id);
  const context = await newPhone(browser);
  t.teardown(() => context.close());
  const { page, errors, requests } = await openLetter(context, offer.offer_url);
  t.match(page.url(), /\/wallet\/#credential_offer=/, 'the letter\'s link leads into the wallet, the offer in the fragment');
  await until(page, `document.getElementById('offer-doc').textContent.includes('—')`);
  t.equal(await page.textContent('#offer-doc'), 'mLegitymacja szkolna — Szkoła Testowa nr 1', 'what the school offers, from its metadata');
  t.equal(await page.evaluate('document.activeElement.id'), 'code', 'the code field has the focus');
  await screenshot(page, 'wallet-activate');

  // A wrong code first: said so, with the tries left; nothing kept.
  await typeCode(page, wrong(offer.tx_code));
  await bodyIs(page, 'message', 'wrongCode');
  t.equal(await page.textContent('#activate-message'), 'Błędny kod aktywacyjny. Pozostałe próby: 4.');
  t.equal(await page.getAttribute('#code', 'aria-invalid'), 'true');
  await screenshot(page, 'wallet-wrong-code');

  await typeCode(page, offer.tx_code);
  await bodyIs(page, 'view', 'card');
  await bodyIs(page, 'standing', 'valid');
  t.equal(new URL(page.url()).hash, '', 'the used offer is out of the address bar');
  const card = await page.locator('#card').innerText();
  for (const text of ['Legitymacja szkolna', 'Kunegunda', 'Wydawnicza-Żmijewska', '17.04.2011', 'Szkoła Testowa nr 1', 'WAŻNA', '30.06.2031']) t.match(card, text, `the ID shows ${text}`);
  t.match(card, /WYD\/77\/2026-\w+/, 'and the document number');
  await until(page, 'document.body.dataset.statusChecks !== undefined');
  t.match(await page.textContent('#status-line'), /^Status sprawdzony w szkole: \d\d:\d\d$/);
  await screenshot(page, 'wallet-card');

  const key = await heldKey(page);
  t.equal(key.type, 'private');
  t.equal(key.extractable, false, 'the private key is not extractable');
  t.same(key.usages, ['sign']);
  t.equal(key.algorithm, 'ECDSA P-256');
  t.same(key.exportRefused, ['jwk: InvalidAccessError', 'pkcs8: InvalidAccessError'], 'exportKey refuses it in every format');
  const student = await json(await issuer.admin('GET', `/students/${id}`));
  t.equal(student.state, 'active');

  // The QR view, photographed and read as a camera would.
  await page.getByRole('button', { name: 'Pokaż kod QR' }).click();
  await bodyIs(page, 'qr-shown', '1');
  const shownFirst = Date.now();
  const [first] = await photographCodes(page, images, 'wallet-qr');
  t.ok(first?.startsWith('MLEG2:'), 'the decoder reads an MLEG2 presentation (the issuer gave the compact form)');
  t.equal(await page.getAttribute('body', 'data-qr-format'), 'mleg2');
  const version = Number(await page.getAttribute('body', 'data-qr-version'));
  t.ok(version <= 20, `QR version ${version}: within what cameras read quickly (SPEC 11)`);
  const shown = compactCredentialOf(first!);
  t.same({ x: shown.device.x, y: shown.device.y }, { x: key.publicJwk.x, y: key.publicJwk.y }, 'of the credential bound to this browser\'s key');
  const firstResult = await verify(first!);
  t.equal(firstResult.verdict, 'VALID');
  t.equal(firstResult.holder?.family_name, 'Wydawnicza-Żmijewska');
  t.match(await page.textContent('#countdown'), /^Nowy kod za (10|[1-9]) s$/);

  // The real 10 s period: 11 s later the code has changed.
  await bodyIs(page, 'qr-shown', '2', 15_000);
  const period = Date.now() - shownFirst;
  t.ok(period > 8_500 && period < 13_000, `the next code came after ${period} ms (10 s)`);
  await page.waitForTimeout(Math.max(0, shownFirst + 11_000 - Date.now()));
  const [second] = await photographCodes(page, images, 'wallet-qr-next');
  t.ok(second?.startsWith('MLEG2:'));
  t.not(second, first, 'a new presentation');
  t.equal((await verify(second!)).verdict, 'VALID', 'the new one is VALID');
  t.equal((await verify(first!)).verdict, 'REPLAYED', 'the old one REPLAYED');

  // Offline: the reload comes from the service worker, the ID and fresh codes from IndexedDB.
  await page.evaluate('navigator.serviceWorker.ready.then(() => undefined)');
  await context.setOffline(true);
  const reloaded = await page.reload();
  t.ok(reloaded?.fromServiceWorker(), 'the page came from the service worker');
  await bodyIs(page, 'view', 'card');
  await bodyIs(page, 'standing', 'valid');
  await until(page, 'document.body.dataset.statusChecks !== undefined');
  t.match(await page.textContent('#status-line'), /^Bez połączenia — status z \d\d:\d\d$/, 'it says the status is as last seen');
  await screenshot(page, 'wallet-offline');
  await page.getByRole('button', { name: 'Pokaż kod QR' }).click();
  await bodyIs(page, 'qr-shown', '1');
  const [offline] = await photographCodes(page, images, 'wallet-qr-offline');
  t.ok(offline?.startsWith('MLEG2:'));
  t.not(offline, second, 'a fresh code made offline');
  t.equal((await verify(offline!)).verdict, 'VALID', 'and VALID at the gate');
  await context.setOffline(false);

  // The school revokes; after a refresh the screen is red and the verifier says REVOKED.
  t.equal((await issuer.admin('POST', `/students/${id}/revoke`, { reason: 'paper_id_lost' })).status, 200);
  await refreshVerifier();
  await page.reload();
  await bodyIs(page, 'standing', 'revoked');
  const red = await page.locator('#validity').innerText();
  t.match(red, /NIEWAŻNA/);
  t.match(red, /Nieważna na tym telefonie/);
  t.equal(await page.evaluate(`getComputedStyle(document.getElementById('validity')).backgroundColor`), 'rgb(176, 0, 32)', 'red');
  await screenshot(page, 'wallet-revoked');
  await page.getByRole('button', { name: 'Pokaż kod QR' }).click();
  await bodyIs(page, 'qr-shown', '1');
  const [revoked] = await photographCodes(page, images, 'wallet-qr-revoked');
  t.equal((await verify(revoked!)).verdict, 'REVOKED', 'the verifier says REVOKED');

  // The browser logs each refused request (the wrong code's 400, the status list while offline): expected; nothing else.
  t.same(errors.filter((e) => !/^Failed to load resource: (the server responded with a status of 400|net::ERR_INTERNET_DISCONNECTED)/.test(e)), [], 'no other console errors, no CSP violations');
  const elsewhere = requests.filter((u) => !u.startsWith(issuer.url));
  t.same(elsewhere, [], 'nothing asked of any other origin');
});

t.test('an issuer without the compact form, or refusing it: MLEG1 codes, VALID and then REPLAYED', async (t) => {
  // An issuer of before SPEC 11 lists no <id>_compact: its metadata as the real one's, those entries taken out.
  const older = await newPhone(browser);
  t.teardown(() => older.close());
  const compactAsked: string[] = [];
  await older.route('**/.well-known/openid-credential-issuer', async (route) => {
    const response = await route.fetch();
    const metadata = (await response.json()) as { credential_configurations_supported: Record<string, unknown> };
    for (const id of Object.keys(metadata.credential_configurations_supported)) if (id.endsWith('_compact')) delete metadata.credential_configurations_supported[id];
    await route.fulfill({ response, json: metadata });
  });
  older.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/credential') && (r.postData() ?? '').includes('_compact')) compactAsked.push(r.url());
  });
  const page = await activateInWallet(older, issuer.url, await makeOffer(issuer, await registerStudent(issuer)));
  t.same(compactAsked, [], 'nothing asked for that the issuer does not list');
  const key = await heldKey(page);
  await page.getByRole('button', { name: 'Pokaż kod QR' }).click();
  await bodyIs(page, 'qr-shown', '1');
  t.equal(await page.getAttribute('body', 'data-qr-format'), 'mleg1');
  const version = Number(await page.getAttribute('body', 'data-qr-version'));
  t.ok(version > 20, `QR version ${version}, past what MLEG2 needs for the same student`);
  const [code] = await photographCodes(page, images, 'wallet-qr-mleg1');
  t.ok(code?.startsWith('MLEG1:'), 'an MLEG1 presentation');
  t.same(claimsOf(code!.slice(6).split('~')[0]!).cnf.jwk, key.publicJwk, 'of the credential bound to this browser\'s key');
  t.equal((await verify(code!)).verdict, 'VALID');
  t.equal((await verify(code!)).verdict, 'REPLAYED');

  // An issuer that lists it but whose answer to it is lost: the first form is issued already (the offer used), so the phone keeps it.
  const cut = await newPhone(browser);
  t.teardown(() => cut.close());
  await cut.route('**/credential', (route) => ((route.request().postData() ?? '').includes('_compact') ? route.abort('connectionreset') : route.continue()));
  const second = await activateInWallet(cut, issuer.url, await makeOffer(issuer, await registerStudent(issuer)));
  await second.getByRole('button', { name: 'Pokaż kod QR' }).click();
  await bodyIs(second, 'qr-shown', '1');
  t.equal(await second.getAttribute('body', 'data-qr-format'), 'mleg1', 'activated with the first form, shown as MLEG1');
  const [cutCode] = await photographCodes(second, images, 'wallet-qr-mleg1-cut');
  t.equal((await verify(cutCode!)).verdict, 'VALID');
});
