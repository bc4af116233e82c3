/**
 * Suspending, reinstating and revoking from the student's page in headless Chromium, each
 * confirmed first, with a running verifier (as `mleg serve` runs it) fed only by this
 * service's published trust list and status list: VALID → SUSPENDED → VALID → REVOKED,
 * the published list's entry changing with each step (1 for revoked, read from the signed
 * list itself). The reason is one of SPEC 10's, in Polish; the history names the operator.
 */
import t, { type Test } from 'tap';
import type { Page } from 'playwright-core';
import { generateKeyPairJwk, signingKeyFromJwk } from '../../../src/issuer/keys.js';
import { makePresentation } from '../../../src/issuer/presentation.js';
import { ImageDecoder } from '../../../src/scan/image/decode-image.js';
import { statusAt } from '../../../src/status/status-bits.js';
import { verifyStatusListToken } from '../../../src/status/status-list-token.js';
import { parseTrustList } from '../../../src/trust/trust-list.js';
import { activate } from '../../../src/wallet/oid4vci-client.js';
import { screenshot } from '../../helpers/browser.js';
import { PORTAL_STUDENTS } from '../../helpers/holders.js';
import { json, signerOf } from '../../helpers/issuance.js';
import { loginInBrowser, OPERATOR, PortalClient, startPortalInBrowser } from '../../helpers/portal.js';
import { startService } from '../../helpers/service.js';

const VERIFIER_ADMIN = 'verifier-admin-token-0123456789';
const { s, browser } = await startPortalInBrowser(t);
const verifier = await startService({
  files: { 'issuer-trust.json': await (await fetch(`${s.url}/trust-list.json`)).text() },
  config: { trust: { file: 'issuer-trust.json' }, status: { allowHttp: true }, admin: { token: VERIFIER_ADMIN }, workers: 1 },
});
t.teardown(() => verifier.close());

const phone = signingKeyFromJwk(generateKeyPairJwk('ES256').privateJwk);

async function verdict(t: Test, credential: string): Promise<string> {
  const refreshed = await json(await fetch(`${verifier.url}/v1/admin/refresh`, { method: 'POST', headers: { authorization: `Bearer ${VERIFIER_ADMIN}` } }));
  t.ok(refreshed.status_lists.every((l: { ok: boolean }) => l.ok), 'the verifier fetched the published status list');
  const res = await fetch(`${verifier.url}/v1/verify`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: makePresentation(credential, phone) });
  return (await json(res)).verdict;
}

/** The entry at `idx` of the status list as published, its signature checked against the published trust list. */
async function published(idx: number): Promise<number | undefined> {
  const trust = parseTrustList(await json(await fetch(`${s.url}/trust-list.json`)), 'published');
  const list = verifyStatusListToken(await (await fetch(`${s.url}/status/1`)).text(), trust, `${s.url}/status/1`);
  if (!list.ok) throw new Error(list.reason);
  return statusAt(list.value.bytes, 2, idx);
}

/** Presses the student page's button for `action`, confirms, and waits for the student's page again. */
async function change(page: Page, button: string, confirm: string, shot?: string): Promise<void> {
  await page.getByRole('button', { name: button }).click();
  await page.waitForSelector('h1:text("Potwierdź")');
  if (shot !== undefined) await screenshot(page, shot);
  await Promise.all([page.waitForURL(/\?done=/), page.getByRole('button', { name: confirm }).click()]);
}

t.test('suspend, reinstate, revoke with a reason: the published list changes and a running verifier answers REVOKED', async (t) => {
  const id = ((await (await s.admin('POST', '/students', PORTAL_STUDENTS[0])).json()) as { id: string }).id;
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, deviceScaleFactor: 2, locale: 'pl-PL', timezoneId: 'Europe/Warsaw' });
  t.teardown(() => context.close());
  const page = await context.newPage();
  await loginInBrowser(page, s.url);
  await page.goto(`${s.url}/portal/students/${id}`);
  await page.getByRole('button', { name: 'Wydrukuj list aktywacyjny' }).click();
  await page.waitForSelector('.letter');
  const code = (await page.textContent('[data-activation-code]'))!.replace(' ', '');
  const images = new ImageDecoder({ decoder: 'zxing-wasm', maxPixels: 25_000_000, timeoutMs: 30_000 });
  const link = (await images.decode(await page.locator('.letter .qr').screenshot())).codes[0]!.text;
  await images.close();
  const { credential } = await activate({ offer: link, txCode: code, signer: signerOf(phone) });
  const idx = (await json(await s.admin('GET', `/students/${id}`))).credentials[0].status_list.idx;
  t.equal(await verdict(t, credential), 'VALID');
  t.equal(await published(idx), 0);

  await page.goto(`${s.url}/portal/students/${id}`);
  t.match(await page.textContent('.state'), 'aktywna');
  await change(page, 'Zawieś legitymację', 'Tak, zawieś');
  t.match(await page.textContent('.notice.good'), 'Legitymacja została zawieszona.');
  t.equal(await published(idx), 2, 'suspended: 2 in the published list');
  t.equal(await verdict(t, credential), 'SUSPENDED');
  await change(page, 'Przywróć legitymację', 'Tak, przywróć');
  t.equal(await published(idx), 0);
  t.equal(await verdict(t, credential), 'VALID');

  // Cancelling the confirmation changes nothing.
  await page.getByLabel('Powód unieważnienia').selectOption('device_lost');
  await page.getByRole('button', { name: 'Unieważnij legitymację' }).click();
  await page.waitForSelector('h1:text("Potwierdź")');
  t.match(await page.textContent('main'), `Czy na pewno unieważnić mLegitymację: ${PORTAL_STUDENTS[0].given_name} ${PORTAL_STUDENTS[0].family_name}?`);
  t.match(await page.textContent('main'), 'Powód: utrata telefonu (zgubiony lub skradziony)');
  t.match(await page.textContent('main'), 'Unieważnienia nie można cofnąć.');
  await screenshot(page, 'portal-revoke-confirm');
  await page.getByRole('link', { name: 'Anuluj' }).click();
  await page.waitForURL(`${s.url}/portal/students/${id}`);
  t.equal((await json(await s.admin('GET', `/students/${id}`))).state, 'active', 'cancelled: still active');

  await page.getByLabel('Powód unieważnienia').selectOption('device_lost');
  await change(page, 'Unieważnij legitymację', 'Tak, unieważnij');
  t.match(await page.textContent('.notice.good'), 'Legitymacja została unieważniona.');
  t.equal(await page.textContent('.state'), 'unieważniona');
  t.equal(await published(idx), 1, 'revoked: 1 in the published list');
  t.equal(await verdict(t, credential), 'REVOKED', 'the running verifier answers REVOKED');
  const history = (await page.locator('table').last().textContent())!;
  t.match(history, new RegExp(`unieważniono: utrata telefonu \\(zgubiony lub skradziony\\)\\s*${OPERATOR.name}`), 'the history: what, why and who');
  t.match(await page.locator('table').first().textContent(), 'utrata telefonu', "the credential's reason");
  const audit = await json(await s.admin('GET', `/students/${id}/audit`));
  t.match(audit.entries.map((e: { action: string; actor: string }) => `${e.action} ${e.actor}`), [
    `student.register admin`,
    `offer.create ${OPERATOR.name}`,
    'offer.redeem wallet',
    'credential.issue wallet',
    `student.suspend ${OPERATOR.name}`,
    `student.reinstate ${OPERATOR.name}`,
    `student.revoke ${OPERATOR.name}`,
  ]);
  await screenshot(page, 'portal-student-revoked', { fullPage: true });
});

t.test('a revocation without a reason, or with one not on the list: refused beside the field, nothing changes', async (t) => {
  const id = ((await (await s.admin('POST', '/students', { ...PORTAL_STUDENTS[1], doc_no: 'REV/2' })).json()) as { id: string }).id;
  const c = new PortalClient(s.url);
  await c.login();
  const csrf = await c.csrf(`/portal/students/${id}`);
  for (const reason of [undefined, '', 'device_replaced', 'because']) {
    const answer = await c.post(`/portal/students/${id}/status`, { _csrf: csrf, action: 'revoke', confirm: 'yes', ...(reason === undefined ? {} : { reason }) });
    t.equal(answer.res.status, 400, `reason ${JSON.stringify(reason)}`);
    t.match(answer.text, /<select id="reason" name="reason" required aria-describedby="reason-error" aria-invalid="true">/);
    t.match(answer.text, '<p class="error" id="reason-error">Wybierz powód unieważnienia.</p>');
  }
  t.equal((await json(await s.admin('GET', `/students/${id}`))).state, 'registered');
  const suspendRegistered = await c.post(`/portal/students/${id}/status`, { _csrf: csrf, action: 'suspend', confirm: 'yes' });
  t.equal(suspendRegistered.res.status, 409, 'a registered student cannot be suspended');
  t.match(suspendRegistered.text, 'Tego nie można teraz zrobić.');
  t.equal((await c.post(`/portal/students/${id}/status`, { _csrf: csrf, action: 'erase', confirm: 'yes' })).res.status, 400, 'an unknown action');
  t.equal((await c.post('/portal/students/AAAAAAAAAAAAAAAAAAAAAA/status', { _csrf: csrf, action: 'revoke', reason: 'other', confirm: 'yes' })).res.status, 404);
});
