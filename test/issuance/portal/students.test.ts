/**
 * The students' pages in headless Chromium: adding a student with a bad birthdate (the
 * API's own check, its error beside the field and named by it) then a good one; the
 * student's page; a document number registered already; the list searched by name
 * (diacritics ignored) and by document number, filtered by state, a page at a time; a
 * hostile name shown as text; every field labelled, AA contrast, no CSP violation.
 */
import t, { type Test } from 'tap';
import type { Page } from 'playwright-core';
import { screenshot } from '../../helpers/browser.js';
import { contrastOf } from '../../helpers/contrast.js';
import { PORTAL_STUDENTS } from '../../helpers/holders.js';
import { loginInBrowser, OPERATOR, startPortalInBrowser } from '../../helpers/portal.js';

const { s, browser } = await startPortalInBrowser(t);

async function loggedIn(t: Test): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'pl-PL', timezoneId: 'Europe/Warsaw' });
  t.teardown(() => context.close());
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 40[09]/.test(m.text())) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => {
    errors.push(`a dialog: ${d.message()}`);
    void d.dismiss();
  });
  await loginInBrowser(page, s.url);
  return { page, errors };
}

/** Fields without a label (none allowed). */
const unlabelled = (page: Page) =>
  page.evaluate(`[...document.querySelectorAll('input:not([type=hidden]), select, textarea')].filter((e) => e.labels.length === 0).map((e) => e.name || e.id)`);

t.test('adding a student: a bad birthdate shown beside its field, then the good one', async (t) => {
  const { page, errors } = await loggedIn(t);
  await page.getByRole('link', { name: 'Dodaj ucznia' }).click();
  await page.waitForSelector('h1:text("Dodaj ucznia")');
  t.same(await unlabelled(page), [], 'every field has a label');
  const student = PORTAL_STUDENTS[0];
  await page.getByLabel(/^Imię/).fill(student.given_name);
  await page.getByLabel(/^Nazwisko/).fill(student.family_name);
  await page.getByLabel(/^Data urodzenia/).fill('2035-01-01');
  await page.getByLabel(/^Rodzaj legitymacji/).selectOption('school');
  await page.getByLabel(/^Numer legitymacji/).fill(student.doc_no);
  await page.getByLabel(/^Ważna do/).fill(student.valid_until);
  const [bad] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Dodaj ucznia' }).click()]);
  t.equal(bad.status(), 400);
  await page.waitForSelector('#birthdate-error');
  t.equal(await page.textContent('#birthdate-error'), 'Data urodzenia musi być w przeszłości (po 1900 roku).');
  t.equal(await page.getAttribute('#birthdate', 'aria-invalid'), 'true');
  t.equal(await page.getAttribute('#birthdate', 'aria-describedby'), 'birthdate-error', 'the field names its error');
  t.equal(await page.locator('[aria-invalid="true"]').count(), 1, 'only that field is marked');
  t.equal(await page.inputValue('#given_name'), student.given_name, 'what was typed stays');
  t.equal(await page.inputValue('#doc_no'), student.doc_no);
  const field = (await page.locator('#birthdate').boundingBox())!;
  const error = (await page.locator('#birthdate-error').boundingBox())!;
  t.ok(error.y >= field.y + field.height && error.y - (field.y + field.height) < 40 && Math.abs(error.x - field.x) < 5, 'the error is right below its field');
  t.ok((await contrastOf(page, '#birthdate-error')) >= 4.5, 'the error: AA contrast');
  await screenshot(page, 'portal-add-error');

  await page.getByLabel(/^Data urodzenia/).fill(student.birthdate);
  await Promise.all([page.waitForURL(/\/portal\/students\/[A-Za-z0-9_-]{22}\?done=registered$/), page.getByRole('button', { name: 'Dodaj ucznia' }).click()]);
  t.equal(await page.textContent('h1'), `${student.given_name} ${student.family_name}`);
  t.equal(await page.textContent('.notice.good'), 'Uczeń został dodany.');
  t.match(await page.textContent('main'), /29\.02\.2012/, 'the birthdate in Polish form');
  t.match(await page.textContent('main'), /Szkoła Testowa nr 1 \(PL-TEST-SZKOLA\)/, "no school given: the issuer's");
  t.equal(await page.textContent('.state'), 'zarejestrowany');
  const id = /students\/([A-Za-z0-9_-]{22})/.exec(page.url())![1]!;
  const audit = (await (await s.admin('GET', `/students/${id}/audit`)).json()) as { entries: { actor: string; action: string }[] };
  t.match(audit.entries, [{ actor: OPERATOR.name, action: 'student.register' }], "the audit names the operator");
  t.match(await page.textContent('table:last-of-type'), new RegExp(`zarejestrowano\\s*${OPERATOR.name}`), 'and the page shows it');
  for (const selector of ['.state', 'dl.data dd', 'button.danger']) t.ok((await contrastOf(page, selector)) >= 4.5, `${selector}: AA contrast`);
  t.same(await unlabelled(page), [], "every field of the student's page has a label");
  await screenshot(page, 'portal-student');

  // The same document number again: refused beside that field (409), nothing written.
  await page.goto(`${s.url}/portal/students/new`);
  await page.getByLabel(/^Imię/).fill('Ktoś');
  await page.getByLabel(/^Nazwisko/).fill('Inny');
  await page.getByLabel(/^Data urodzenia/).fill('2012-01-01');
  await page.getByLabel(/^Numer legitymacji/).fill(student.doc_no);
  await page.getByLabel(/^Ważna do/).fill(student.valid_until);
  const [conflict] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Dodaj ucznia' }).click()]);
  t.equal(conflict.status(), 409);
  await page.waitForSelector('#doc_no-error');
  t.equal(await page.textContent('#doc_no-error'), 'Uczeń z tym numerem legitymacji jest już zarejestrowany.');
  t.same(errors, [], 'no console errors, no CSP violations');
});

t.test('the list: search by name without diacritics or by document number, filter by state, pages of 25; a hostile name stays text', async (t) => {
  for (let i = 0; i < 30; i++) {
    const res = await s.admin('POST', '/students', { ...PORTAL_STUDENTS[1], doc_no: `PRT/L${String(i).padStart(2, '0')}` });
    t.equal(res.status, 201);
  }
  const hostile = PORTAL_STUDENTS[3];
  const hostileId = ((await (await s.admin('POST', '/students', hostile)).json()) as { id: string }).id;
  await s.admin('POST', `/students/${hostileId}/offer`);
  const { page, errors } = await loggedIn(t);

  await page.getByRole('link', { name: 'Uczniowie' }).click();
  await page.waitForSelector('h1:text("Uczniowie")');
  t.equal(await page.locator('tbody tr').count(), 25, 'a page holds 25');
  await page.getByRole('link', { name: /Następna strona/ }).click();
  await page.waitForURL(/after=/);
  t.equal(await page.locator('tbody tr').count(), 32 - 25, 'the rest on the next page');
  t.ok(await page.getByRole('link', { name: 'Pierwsza strona' }).isVisible());
  t.match(await page.textContent('tbody'), hostile.family_name, 'a name with markup is shown as text');
  t.equal(await page.locator('main img').count(), 0, 'and never becomes markup');

  await page.getByLabel(/^Szukaj/).fill('sliwinski');
  await Promise.all([page.waitForURL(/q=sliwinski/), page.getByRole('button', { name: 'Szukaj' }).click()]);
  t.equal(await page.locator('tbody tr').count(), 1);
  t.match(await page.textContent('tbody'), 'Śliwiński-Portalowy Bożydar');
  await page.getByLabel(/^Szukaj/).fill('PRT/L1');
  await Promise.all([page.waitForURL(/q=PRT/), page.getByRole('button', { name: 'Szukaj' }).click()]);
  t.equal(await page.locator('tbody tr').count(), 10, 'by document number: L10 … L19');
  await page.getByLabel(/^Szukaj/).fill('');
  await page.getByLabel(/^Stan/).selectOption('offered');
  await Promise.all([page.waitForURL(/state=offered/), page.getByRole('button', { name: 'Szukaj' }).click()]);
  t.equal(await page.locator('tbody tr').count(), 1, 'filtered by state');
  t.equal(await page.textContent('tbody .state'), 'czeka na aktywację');
  t.same(await unlabelled(page), [], 'every field and checkbox has a label');
  await page.goto(`${s.url}/portal/students`);
  t.ok(await page.getByLabel('Zaznacz wszystkich na tej stronie').isVisible(), 'with its script, the page offers to tick everyone');
  await page.getByLabel('Zaznacz wszystkich na tej stronie').check();
  t.equal(await page.locator('tbody input[type=checkbox]:checked').count(), 25);
  await screenshot(page, 'portal-students');
  t.same(errors, [], 'no console errors, no dialog, no CSP violations');
});

t.test('the dashboard: students by state, the offers about to expire, when the status list was last published', async (t) => {
  await fetch(`${s.url}/status/1`);
  s.clock.advance(12 * 24 * 3600_000);
  const { page, errors } = await loggedIn(t);
  const cards = await page.locator('.cards li').allTextContents();
  t.same(cards.map((c) => c.replace(/\s+/g, ' ').trim()), ['31 zarejestrowany', '1 czeka na aktywację', '0 aktywna', '0 zawieszona', '0 unieważniona']);
  const expiring = page.locator('table').first();
  t.match(await expiring.textContent(), PORTAL_STUDENTS[3].family_name, 'the offer made 12 days ago expires within 3 days');
  t.match(await page.locator('table').last().textContent(), /\/status\/1\s*0 \/ 100\s000\s*\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}/, 'the list, and when it was last signed');
  await page.getByRole('link', { name: /^1\s*czeka na aktywację$/ }).click();
  await page.waitForURL(/state=offered/);
  t.equal(await page.locator('tbody tr').count(), 1, 'a count opens the list of those students');
  await page.goBack();
  await screenshot(page, 'portal-dashboard-busy');
  t.same(errors, []);
});
