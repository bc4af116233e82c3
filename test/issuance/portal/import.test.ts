/**
 * Importing a class from CSV. In headless Chromium: a file with one bad row — the preview
 * shows it and writes nothing, the confirmation writes only the good rows, and the same
 * confirmation posted again writes nothing. Over HTTP: what an e-register exports
 * (semicolons, Windows-1250, dd.mm.yyyy dates, columns we do not keep), rows repeated in
 * the file or registered already, the header missing a column, two confirmations racing,
 * another session's preview, a file over the limit.
 */
import { readFileSync } from 'node:fs';
import t from 'tap';
import { screenshot } from '../../helpers/browser.js';
import { PORTAL_STUDENTS } from '../../helpers/holders.js';
import { csrfOf, loginInBrowser, OPERATOR, PortalClient, startPortalInBrowser } from '../../helpers/portal.js';

const { s, browser } = await startPortalInBrowser(t);

const db = () => s.service.store.database;
const students = () => db().prepare('SELECT doc_no, given_name FROM students ORDER BY seq').all() as { doc_no: string; given_name: string }[];
const HEADER = 'given_name,family_name,birthdate,doc,doc_no,valid_until';
const row = (p: (typeof PORTAL_STUDENTS)[number], over: Partial<Record<string, string>> = {}) => {
  const r = { ...p, ...over } as Record<string, string>;
  return ['given_name', 'family_name', 'birthdate', 'doc', 'doc_no', 'valid_until'].map((k) => (/[",]/.test(r[k]!) ? `"${r[k]!.replaceAll('"', '""')}"` : r[k])).join(',');
};

t.test('a CSV with one bad row: the preview shows it, nothing is written until confirmed, then only the good rows, once', async (t) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'pl-PL', timezoneId: 'Europe/Warsaw' });
  t.teardown(() => context.close());
  const page = await context.newPage();
  await loginInBrowser(page, s.url);
  await page.getByRole('link', { name: 'Import z pliku CSV' }).click();
  await page.waitForSelector('h1:text("Import uczniów z pliku CSV")');
  await screenshot(page, 'portal-import');
  const csv = [HEADER, row(PORTAL_STUDENTS[0], { doc_no: 'IMP/1' }), row(PORTAL_STUDENTS[1], { doc_no: 'IMP/2', birthdate: '2011-02-30' }), row(PORTAL_STUDENTS[2], { doc_no: 'IMP/3' })].join('\r\n');
  await page.getByLabel('Plik CSV').setInputFiles({ name: 'klasa-3b.csv', mimeType: 'text/csv', buffer: Buffer.from(`${csv}\r\n`) });
  await page.getByRole('button', { name: 'Sprawdź plik' }).click();
  await page.waitForSelector('h1:text("Podgląd importu")');
  t.equal(await page.locator('tbody tr').count(), 3);
  t.equal(await page.locator('tbody tr.bad-row').count(), 1, 'one row marked');
  t.match(await page.textContent('tbody tr.bad-row'), /^3.*IMP\/2.*Data urodzenia: Podaj datę \(RRRR-MM-DD\)\.$/s, 'line 3: the birthdate, said as the form says it');
  t.match(await page.textContent('.notice'), '2 do zapisania, 1 z błędami (nie zostaną zapisane).');
  t.same(students(), [], 'nothing is written by the preview');
  await screenshot(page, 'portal-import-preview', { fullPage: true });

  const form = page.locator('form[action^="/portal/import/"]');
  const action = (await form.getAttribute('action'))!;
  const csrf = csrfOf(await form.innerHTML());
  await page.getByRole('button', { name: 'Zapisz 2 uczniów' }).click();
  await page.waitForSelector('h1:text("Import zapisany")');
  t.match(await page.textContent('.notice'), 'Zapisano 2 uczniów.');
  t.same(students().map((r) => r.doc_no), ['IMP/1', 'IMP/3'], 'the good rows only');
  const actors = db().prepare("SELECT DISTINCT actor FROM audit WHERE action = 'student.register'").all() as { actor: string }[];
  t.same(actors, [{ actor: OPERATOR.name }], "each registration under the operator's name");
  t.ok(await page.getByRole('button', { name: 'Drukuj listy aktywacyjne dla tych 2 uczniów' }).isVisible(), "the class's letters are one click away");
  await screenshot(page, 'portal-import-done');

  const again = await page.request.post(`${s.url}${action}`, { form: { _csrf: csrf }, headers: { accept: 'text/html' } });
  t.equal(again.status(), 409, 'the same confirmation again');
  t.match(await again.text(), 'Ten import został już zapisany albo jego podgląd wygasł. Nic nie zapisano ponownie.');
  t.equal(students().length, 2, 'writes nothing');
});

/** Posts a CSV file (bytes as given) to the import form; returns the preview page. */
async function upload(c: PortalClient, bytes: Buffer | string, name = 'klasa.csv') {
  const form = new FormData();
  form.append('_csrf', await c.csrf('/portal/import'));
  form.append('csv', new Blob([bytes]), name);
  return c.request('POST', '/portal/import', { body: form });
}

const confirmAction = (html: string) => /action="(\/portal\/import\/[A-Za-z0-9_-]+)"/.exec(html)?.[1];

t.test("an e-register's export: semicolons, Windows-1250, dd.mm.yyyy, columns we do not keep", async (t) => {
  const c = new PortalClient(s.url);
  await c.login();
  const text = [
    'Lp;given_name;family_name;birthdate;doc;doc_no;valid_until;PESEL;klasa',
    `1;${PORTAL_STUDENTS[1].given_name};${PORTAL_STUDENTS[1].family_name};11.11.2011;school;E/1;31.08.2031;11311100000;3b`,
    `2;${PORTAL_STUDENTS[2].given_name};${PORTAL_STUDENTS[2].family_name};05.01.2010;school;E/2;2031-08-31;10210500000;3b`,
  ].join('\r\n');
  const cp1250 = Buffer.from(
    [...text].map((ch) => {
      const map: Record<string, number> = { ś: 0x9c, Ś: 0x8c, ę: 0xea, Ę: 0xca, ł: 0xb3, Ł: 0xa3, ź: 0x9f, Ź: 0x8f, ż: 0xbf, Ż: 0xaf, ó: 0xf3, ą: 0xb9, ć: 0xe6, ń: 0xf1 };
      return map[ch] ?? ch.charCodeAt(0);
    }),
  );
  t.throws(() => new TextDecoder('utf-8', { fatal: true }).decode(cp1250), 'the file is not UTF-8');
  const preview = await upload(c, cp1250);
  t.equal(preview.res.status, 200);
  t.match(preview.text, PORTAL_STUDENTS[1].family_name, 'Windows-1250 read as such');
  t.match(preview.text, '2 do zapisania, 0 z błędami');
  t.match(preview.text, 'Pominięte kolumny (nie są zapisywane): Lp, PESEL, klasa', 'what the record does not take is named and dropped');
  const done = await c.post(confirmAction(preview.text)!, { _csrf: csrfOf(preview.text) });
  t.equal(done.res.status, 200);
  const saved = db().prepare("SELECT given_name, family_name, birthdate, valid_until FROM students WHERE doc_no LIKE 'E/%' ORDER BY doc_no").all();
  t.same(saved, [
    { given_name: PORTAL_STUDENTS[1].given_name, family_name: PORTAL_STUDENTS[1].family_name, birthdate: '2011-11-11', valid_until: '2031-08-31' },
    { given_name: PORTAL_STUDENTS[2].given_name, family_name: PORTAL_STUDENTS[2].family_name, birthdate: '2010-01-05', valid_until: '2031-08-31' },
  ]);
  await s.service.stop().then(() => s.restart());
  const file = readFileSync(s.config.database.file);
  t.notOk(file.includes('11311100000') || file.includes('10210500000'), 'no PESEL anywhere in the database file');
});

t.test('rows repeated in the file or registered already are reported, not written; a bad header; another session; too large', async (t) => {
  const c = new PortalClient(s.url);
  await c.login();
  const csv = [HEADER, row(PORTAL_STUDENTS[0], { doc_no: 'D/1' }), row(PORTAL_STUDENTS[1], { doc_no: 'D/1' }), row(PORTAL_STUDENTS[2], { doc_no: 'IMP/1' }), row(PORTAL_STUDENTS[3], { doc_no: 'D/2' })].join('\n');
  const preview = await upload(c, csv);
  t.match(preview.text, 'ten sam numer legitymacji co w wierszu 2', 'line 3 repeats line 2');
  t.match(preview.text, 'uczeń z tym numerem legitymacji jest już zarejestrowany', 'IMP/1 is in the database');
  t.match(preview.text, '2 do zapisania, 2 z błędami');
  t.match(preview.text, '&lt;img src=x onerror=alert(1)&gt;', 'a hostile name is escaped in the preview');

  const other = new PortalClient(s.url);
  await other.login();
  const stolen = await other.post(confirmAction(preview.text)!, { _csrf: await other.csrf() });
  t.equal(stolen.res.status, 409, "another session cannot confirm this session's preview");

  const before = students().length;
  const [a, b] = await Promise.all([c.post(confirmAction(preview.text)!, { _csrf: csrfOf(preview.text) }), c.post(confirmAction(preview.text)!, { _csrf: csrfOf(preview.text) })]);
  t.same([a.res.status, b.res.status].sort(), [200, 409], 'two confirmations at once: one writes, one is told');
  t.equal(students().length, before + 2, 'D/1 once and D/2: no row written twice');

  const missing = await upload(c, 'given_name,family_name\nJan,Kowalski\n');
  t.equal(missing.res.status, 400);
  t.match(missing.text, 'W nagłówku brakuje kolumn: birthdate, doc, doc_no, valid_until.');
  t.equal((await upload(c, `${HEADER}\n`)).res.status, 400, 'a header only');
  const big = await upload(c, `${HEADER}\n${'x'.repeat(2 * 1024 * 1024)}`);
  t.equal(big.res.status, 413, 'over 2 MiB');
  t.match(big.text, 'Plik jest za duży.');
  const none = await c.request('POST', '/portal/import', { body: (() => { const f = new FormData(); f.append('_csrf', csrfOf(missing.text)); return f; })() });
  t.equal(none.res.status, 400);
  t.match(none.text, 'Wybierz plik CSV albo wklej jego zawartość.');
});

t.test("the file `mleg issuer issue` reads: its device, idx and jti columns are left out", async (t) => {
  const c = new PortalClient(s.url);
  await c.login();
  const csv = `${HEADER},org_name,org_id,device,idx,jti\n${row(PORTAL_STUDENTS[0], { doc_no: 'R/1' })},Liceum nr 2,RSPO-2,device.pub.json,7,abc\n`;
  const form = new FormData();
  form.append('_csrf', await c.csrf('/portal/import'));
  form.append('text', csv);
  const preview = await c.request('POST', '/portal/import', { body: form });
  t.match(preview.text, 'Pominięte kolumny (nie są zapisywane): device, idx, jti');
  await c.post(confirmAction(preview.text)!, { _csrf: csrfOf(preview.text) });
  t.same(db().prepare("SELECT org_name, org_id FROM students WHERE doc_no = 'R/1'").get(), { org_name: 'Liceum nr 2', org_id: 'RSPO-2' }, 'the pasted text, its school kept');
});
