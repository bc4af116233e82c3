/**
 * `mleg issuer operator` on the built command: add (password from a file, from standard
 * input, or typed on a terminal without echo, twice), list, passwd, remove, and each
 * refusal with its exit code. Then the README's walk-through of the portal as a new user
 * follows it: `mleg issuer serve`, an operator added while it runs, logging in in
 * Chromium, importing a class from a CSV file, printing its letters, and a phone
 * (`mleg wallet activate --qr`) scanning a picture of a letter and typing its code.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { launchBrowser, screenshot } from '../helpers/browser.js';
import { CLI, exited, mleg, mlegIssuerServe } from '../helpers/cli.js';
import { freePort } from '../helpers/issuance.js';
import { PORTAL_STUDENTS } from '../helpers/holders.js';

const dir = mkdtempSync(join(tmpdir(), 'mleg-operator-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const at = (f: string) => join(dir, f);
const PASSWORD = 'Zielona-Łąka-2026!';

async function school(name: string, port: number): Promise<string> {
  const keygen = await mleg(['issuer', 'keygen', '--dir', at(`${name}-school`), '--iss', 'PL-SZKOLA-7', '--kid', 'sz7-2026', '--name', 'Szkoła Podstawowa nr 7', '--status-uri', `http://127.0.0.1:${port}/status/1`]);
  if (keygen.code !== 0) throw new Error(keygen.stderr);
  const config = at(`${name}.json`);
  writeFileSync(config, JSON.stringify({ http: { port }, issuer: { url: `http://127.0.0.1:${port}`, dir: `${name}-school` } }));
  return config;
}

t.test('add, list, passwd, remove; every refusal with its exit code; no password in any output', async (t) => {
  const config = await school('ops', 8090);
  writeFileSync(at('pw'), `${PASSWORD}\nignored second line\n`);
  const add = await mleg(['issuer', 'operator', 'add', 'Anna.Kowalska', '--config', config, '--password-file', at('pw')]);
  t.equal(add.code, 0, add.stderr);
  t.match(add.stderr, 'operator anna.kowalska added; they log in at http://127.0.0.1:8090/portal/');
  const piped = await mleg(['issuer', 'operator', 'add', 'jan', '--config', config, '--password-file', '-'], { input: `${PASSWORD}x\n` });
  t.equal(piped.code, 0, piped.stderr);
  const list = await mleg(['issuer', 'operator', 'list', '--config', config]);
  t.equal(list.code, 0);
  t.match(list.stdout, /^anna\.kowalska\tadded \d\d\/\d\d\/\d{4}, \d\d:\d\d\tlast login never\t0 sessions\njan\t/);
  const cases: [string[], number, RegExp, string?][] = [
    [['add', 'anna.kowalska', '--password-file', at('pw')], 1, /an operator "anna.kowalska" exists already; give a new password with "mleg issuer operator passwd"/],
    [['add', 'ola', '--password-file', '-'], 2, /at least 12 characters \(it has 5\)/, 'short\n'],
    [['add', 'admin', '--password-file', at('pw')], 2, /"admin" is reserved/],
    [['add', 'Anna Kowalska', '--password-file', at('pw')], 2, /letters a-z, digits/],
    [['add', 'ola'], 2, /no terminal to ask the password on: give --password-file FILE/],
    [['add', '--password-file', at('pw')], 2, /give one operator NAME/],
    [['add', 'ola', '--password-file', at('missing')], 2, /--password-file .*missing: cannot be read \(ENOENT\)/],
    [['remove', 'nobody'], 1, /no operator "nobody"/],
    [['passwd', 'nobody', '--password-file', at('pw')], 1, /no operator "nobody"/],
    [['list', 'jan'], 2, /operator list takes no NAME/],
    [['rename', 'jan'], 2, /unknown operator command "rename"; use add, passwd, remove or list/],
  ];
  for (const [args, code, message, input] of cases) {
    const run = await mleg(['issuer', 'operator', ...args, ...(args[0] === 'rename' ? [] : ['--config', config])], input === undefined ? {} : { input });
    t.equal(run.code, code, args.join(' '));
    t.match(run.stderr, message);
  }
  writeFileSync(at('pw2'), 'a-new-password-for-jan\n');
  t.equal((await mleg(['issuer', 'operator', 'passwd', 'jan', '--config', config, '--password-file', at('pw2')])).code, 0);
  const removed = await mleg(['issuer', 'operator', 'remove', 'jan', '--config', config]);
  t.equal(removed.code, 0);
  t.match(removed.stderr, 'operator jan removed; their sessions are ended (the audit table keeps their name)');
  t.notMatch((await mleg(['issuer', 'operator', 'list', '--config', config])).stdout, /^jan/m);
});

/** Runs `mleg issuer operator add NAME` on a pseudo-terminal (script(1)), typing `first` and `second` when asked. */
async function onTerminal(config: string, name: string, first: string, second: string): Promise<{ code: number | null; screen: string }> {
  const child = spawn('script', ['-qec', `${process.execPath} ${CLI} issuer operator add ${name} --config ${config}`, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (screen += c));
  const asked = async (prompt: string, answer: string) => {
    const deadline = Date.now() + 15000;
    while (!screen.includes(prompt)) {
      if (Date.now() > deadline) throw new Error(`no prompt ${prompt}: ${screen}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 100));
    child.stdin.write(`${answer}\r`);
  };
  await asked(`new password for ${name}: `, first);
  await asked('the same again: ', second);
  const code = await exited(child);
  child.stdin.end();
  return { code, screen };
}

t.test('on a terminal: the password asked twice, never shown', async (t) => {
  const config = await school('tty', 8091);
  const typed = await onTerminal(config, 'ewa', PASSWORD, PASSWORD);
  t.equal(typed.code, 0, typed.screen);
  t.notOk(typed.screen.includes(PASSWORD), 'no echo');
  t.notOk(typed.screen.includes('Zielona'), 'not even part of it');
  t.match((await mleg(['issuer', 'operator', 'list', '--config', config])).stdout, /^ewa\t/);
  const differ = await onTerminal(config, 'ola', PASSWORD, `${PASSWORD}?`);
  t.equal(differ.code, 2, 'two different entries: exit 2');
  t.match(differ.screen, 'the two passwords differ');
  t.notMatch((await mleg(['issuer', 'operator', 'list', '--config', config])).stdout, /^ola/m, 'nothing written');
});

t.test('the README walk-through: serve, add an operator, log in, import a class, print its letters, activate one from a picture of it', async (t) => {
  const port = await freePort();
  const config = await school('readme', port);
  const url = `http://127.0.0.1:${port}`;
  const service = await mlegIssuerServe(config);
  t.teardown(async () => {
    service.child.kill('SIGTERM');
    await service.exited;
  });
  writeFileSync(at('pw-anna'), `${PASSWORD}\n`);
  t.equal((await mleg(['issuer', 'operator', 'add', 'anna', '--config', config, '--password-file', at('pw-anna')])).code, 0, 'added while the service runs');
  const klasa = ['given_name,family_name,birthdate,doc,doc_no,valid_until', ...PORTAL_STUDENTS.slice(0, 3).map((p) => `${p.given_name},${p.family_name},${p.birthdate},${p.doc},${p.doc_no},${p.valid_until}`)].join('\n');
  writeFileSync(at('klasa.csv'), `${klasa}\n`);

  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, deviceScaleFactor: 2, locale: 'pl-PL', timezoneId: 'Europe/Warsaw' });
  const page = await context.newPage();
  await page.goto(`${url}/portal/`);
  await page.getByLabel('Nazwa operatora').fill('anna');
  await page.getByLabel(/^Hasło/).fill(PASSWORD);
  await page.getByRole('button', { name: 'Zaloguj' }).click();
  await page.getByRole('link', { name: 'Import z pliku CSV' }).click();
  await page.getByLabel('Plik CSV').setInputFiles(at('klasa.csv'));
  await page.getByRole('button', { name: 'Sprawdź plik' }).click();
  await page.waitForSelector('h1:text("Podgląd importu")');
  await screenshot(page, 'portal-readme-preview');
  await page.getByRole('button', { name: 'Zapisz 3 uczniów' }).click();
  await page.getByRole('button', { name: 'Drukuj listy aktywacyjne dla tych 3 uczniów' }).click();
  await page.getByRole('button', { name: 'Tak, utwórz i wydrukuj listy' }).click();
  await page.waitForSelector('.letter');
  t.equal(await page.locator('.letter').count(), 3, 'three letters');
  await page.locator('.letter').first().screenshot({ path: at('letter.png') });
  const code = (await page.locator('.letter [data-activation-code]').first().textContent())!.replace(' ', '');
  await screenshot(page, 'portal-readme-letters');

  t.equal((await mleg(['wallet', 'keygen', '--out', at('device.json')])).code, 0);
  const activated = await mleg(['wallet', 'activate', '--qr', at('letter.png'), '--code', code, '--key', at('device.json'), '--out', at('credential.jwt')]);
  t.equal(activated.code, 0, activated.stderr);
  t.match(JSON.parse(activated.stdout), { configuration_id: 'mlegitymacja_szkolna', issuer: url });
  const claims = JSON.parse(Buffer.from(readFileSync(at('credential.jwt'), 'utf8').split('.')[1]!, 'base64url').toString('utf8'));
  t.equal(claims.doc_no, PORTAL_STUDENTS[0].doc_no, "the first letter's student");
  await page.goto(`${url}/portal/students?state=active`);
  t.equal(await page.locator('tbody tr').count(), 1, 'the portal shows one active student');
  await page.goto(`${url}/portal/`);
  t.match(await page.locator('.cards').textContent(), /0\s*zarejestrowany\s*2\s*czeka na aktywację\s*1\s*aktywna/);
  await screenshot(page, 'portal-readme-dashboard');

  const blank = await mleg(['wallet', 'activate', '--qr', at('klasa.csv'), '--code', code, '--key', at('device.json'), '--out', at('x.jwt')]);
  t.equal(blank.code, 1, 'a file that is no picture');
  const both = await mleg(['wallet', 'activate', '--qr', at('letter.png'), '--offer', 'x', '--code', code, '--key', at('device.json'), '--out', at('x.jwt')]);
  t.equal(both.code, 2, '--qr and --offer: one of them');
  await context.close();
  service.child.kill('SIGTERM');
  t.equal(await service.exited, 0);
});
