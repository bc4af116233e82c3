/**
 * Logging in to the portal in headless Chromium: the login page (Polish, an English switch,
 * labelled fields in keyboard order, AA contrast), a wrong password then the right one,
 * the session cookie's flags as the browser holds them, the audit trail with the operator's
 * name, a form whose CSRF token was taken out (403), and logging out (the old cookie is dead).
 */
import t from 'tap';
import { openPage, screenshot } from '../../helpers/browser.js';
import { contrastOf } from '../../helpers/contrast.js';
import { OPERATOR, PortalClient, startPortalInBrowser } from '../../helpers/portal.js';

const { s, browser } = await startPortalInBrowser(t);

const count = (table: string) => (s.service.store.database.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
const operatorAudit = () =>
  s.service.store.database.prepare("SELECT actor, action FROM audit WHERE action LIKE 'operator.%' ORDER BY seq").all() as { actor: string; action: string }[];

t.test('a wrong password, then the right one; the cookie as the browser holds it; logging out', async (t) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'pl-PL', timezoneId: 'Europe/Warsaw' });
  t.teardown(() => context.close());
  const requests: string[] = [];
  context.on('request', (r) => requests.push(r.url()));
  const { page, errors } = await openPage(context, `${s.url}/portal/`);
  t.match(page.url(), /\/portal\/login\?next=%2Fportal%2F$/, 'a page without a session sends the browser to the login page');
  t.equal(await page.getAttribute('html', 'lang'), 'pl');
  t.equal(await page.textContent('h1'), 'Logowanie do sekretariatu');

  // Keyboard: the skip link, the bar's links, then the fields and the button in order.
  const focused: string[] = [];
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('Tab');
    focused.push(await page.evaluate('document.activeElement.id || document.activeElement.textContent'));
  }
  t.same(focused, ['Przejdź do treści', 'mLegitymacja — sekretariat', 'English', 'name', 'password', 'Zaloguj'], 'Tab: the skip link first, then the bar, the name, the password and the button');
  t.ok((await contrastOf(page, 'button[type="submit"]')) >= 4.5, 'the button: AA contrast');
  t.ok((await contrastOf(page, 'label[for="name"]')) >= 4.5, 'labels: AA contrast');
  await screenshot(page, 'portal-login');

  await page.getByLabel('Nazwa operatora').fill(OPERATOR.name);
  await page.getByLabel(/^Hasło/).fill('not the password at all');
  const [wrong] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Zaloguj' }).click()]);
  t.equal(wrong.status(), 401);
  await page.waitForSelector('.notice.bad');
  t.equal(await page.textContent('.notice.bad'), 'Nieprawidłowa nazwa operatora lub hasło.');
  t.equal(await page.inputValue('#name'), OPERATOR.name, 'the name stays typed');
  t.equal(await page.inputValue('#password'), '', 'the password does not');
  await screenshot(page, 'portal-login-failed');

  await page.getByLabel(/^Hasło/).fill(OPERATOR.password);
  await Promise.all([page.waitForURL(`${s.url}/portal/`), page.getByRole('button', { name: 'Zaloguj' }).click()]);
  t.equal(await page.textContent('h1'), 'Pulpit');
  t.match(await page.textContent('header'), `Zalogowano jako ${OPERATOR.name}`);
  const session = (await context.cookies()).find((c) => c.name === 'mleg_portal')!;
  t.match(session, { httpOnly: true, sameSite: 'Strict', path: '/portal', secure: false, expires: -1 }, 'HttpOnly, SameSite=Strict, Path=/portal, a session cookie (not Secure over http)');
  t.match(session.value, /^[A-Za-z0-9_-]{43}$/, '256 random bits');
  t.notOk((await context.cookies()).some((c) => c.name === 'mleg_portal_login'), "the login form's nonce is gone");
  const stored = s.service.store.database.prepare('SELECT id_hash FROM portal_sessions').all() as { id_hash: Buffer }[];
  t.equal(stored.length, 1);
  t.notOk(stored[0]!.id_hash.toString('base64url').includes(session.value), 'the session id is stored hashed');
  t.same(operatorAudit(), [
    { actor: 'cli', action: 'operator.add' },
    { actor: OPERATOR.name, action: 'operator.login_failed' },
    { actor: OPERATOR.name, action: 'operator.login' },
  ]);
  await screenshot(page, 'portal-dashboard');

  await Promise.all([page.waitForURL(/\/portal\/login\?out=1$/), page.getByRole('button', { name: 'Wyloguj' }).click()]);
  t.equal(await page.textContent('.notice'), 'Wylogowano.');
  const old = new PortalClient(s.url);
  old.cookies.set('mleg_portal', session.value);
  const after = await old.get('/portal/');
  t.equal(after.res.status, 303, 'the old session cookie opens nothing');
  t.match(after.res.headers.get('location'), /^\/portal\/login\?next=%2Fportal%2F&expired=1$/);
  t.equal(count('portal_sessions'), 0, 'logging out deleted the session');
  t.same(errors, ['Failed to load resource: the server responded with a status of 401 (Unauthorized)'], 'no console errors but the wrong password\'s 401, no CSP violations');
  t.ok(requests.every((u) => u.startsWith(`${s.url}/portal/`)), 'nothing loaded from elsewhere');
});

t.test('the English switch, kept for the next pages', async (t) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'pl-PL' });
  t.teardown(() => context.close());
  const { page } = await openPage(context, `${s.url}/portal/login`);
  await page.getByRole('link', { name: 'English' }).click();
  await page.waitForSelector('html[lang="en"]');
  t.equal(await page.textContent('h1'), 'School office login');
  await page.getByLabel('Operator name').fill(OPERATOR.name);
  await page.getByLabel(/^Password/).fill(OPERATOR.password);
  await Promise.all([page.waitForURL(`${s.url}/portal/`), page.getByRole('button', { name: 'Log in' }).click()]);
  t.equal(await page.textContent('h1'), 'Dashboard', 'still English after logging in');
  await screenshot(page, 'portal-dashboard-en');
  await page.getByRole('link', { name: 'Polski' }).click();
  await page.waitForSelector('html[lang="pl"]');
  t.equal(await page.textContent('h1'), 'Pulpit');
});

t.test('a form sent without its CSRF token: 403, and nothing is written', async (t) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'pl-PL' });
  t.teardown(() => context.close());
  const { page } = await openPage(context, `${s.url}/portal/login`);
  await page.getByLabel('Nazwa operatora').fill(OPERATOR.name);
  await page.getByLabel(/^Hasło/).fill(OPERATOR.password);
  await Promise.all([page.waitForURL(`${s.url}/portal/`), page.getByRole('button', { name: 'Zaloguj' }).click()]);
  await page.goto(`${s.url}/portal/students/new`);
  await page.getByLabel(/^Imię/).fill('Bez');
  await page.getByLabel(/^Nazwisko/).fill('Tokenu');
  await page.evaluate("document.querySelector('main form input[name=_csrf]').remove()");
  const before = count('students');
  const [answer] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Dodaj ucznia' }).click()]);
  t.equal(answer.status(), 403);
  await page.waitForSelector('.notice.bad');
  t.match(await page.textContent('main'), /brak tokenu CSRF/);
  t.match(await page.textContent('main'), /FORBIDDEN/);
  t.equal(count('students'), before, 'no student written');
  await screenshot(page, 'portal-csrf-403');
});
