/**
 * The result display end to end, in headless Chromium against a real listening service:
 * scans published on the event bus (results from really verifying presentations), manual
 * entry through /v1/verify, the lane selector, display.show, the connection banner, back
 * to idle, a live serial scanner on a pty, and the built page served by `mleg serve`.
 * Each state's screenshot is kept under .tap/display-screenshots/.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { VERDICT_TEXTS } from '../../src/http/display-view.js';
import { makeResult } from '../../src/verify/result.js';
import { VERDICTS, type Verdict } from '../../src/verify/verdicts.js';
import { DEMO_STUDENT } from '../../src/commands/demo.js';
import { launchBrowser, newScreen, openPage, screenshot } from '../helpers/browser.js';
import { background, openScreen, paste, scan, state, statesSeen, text, WAIT, warsaw, wedgeType } from '../helpers/display-page.js';
import { exited, mleg, mlegServe } from '../helpers/cli.js';
import { startScannerService } from '../helpers/pty.js';
import { until } from '../helpers/until.js';
import { startService, type TestService } from '../helpers/service.js';
import { silencingProxy } from '../helpers/silencing-proxy.js';
import { SseClient } from '../helpers/sse.js';
import { IDX, STATUS_URI, STUDENT } from '../helpers/world.js';

const ALL = ['given_name', 'family_name', 'birthdate'];

const browser = await launchBrowser();
t.teardown(() => browser.close());

const screen = (url: string, o: { record?: boolean } = {}) => openScreen(browser, url, o);
const revokedPayload = (s: TestService) => s.present(s.credential({ status: { uri: STATUS_URI, idx: IDX.revoked } }));

t.test('idle, then a VALID scan turns the page green with the words and the details, then a REVOKED one red', async (t) => {
  const s = await startService({ config: { display: { holdSeconds: 60, show: { default: ALL } } } });
  t.teardown(() => s.close());
  const { page, errors, close } = await screen(`${s.url}/?lane=gate-1`);
  t.teardown(close);

  await state(page, 'idle');
  const idle = await text(page);
  t.match(idle, /gate-1/, 'the lane name');
  t.match(idle, /\b\d{2}:\d{2}:\d{2}\b/, 'the time');
  t.match(idle, /Pokaż kod QR z mLegitymacji/);
  t.notOk(await page.locator('#banner').isVisible(), 'no banner while connected');

  const valid = await scan(s, 'gate-1');
  t.equal(valid.verdict, 'VALID');
  await state(page, 'valid');
  const shown = await text(page);
  for (const expected of ['WAŻNA', 'VALID', 'Legitymacja ważna', 'The ID is valid', STUDENT.org.name, 'szkolna', 'Zofia Testowa-Kowalska', '28.02.2009', warsaw(valid.presented_at!)]) {
    t.ok(shown.includes(expected), `shows ${expected}`);
  }
  t.ok(shown.includes(warsaw(valid.credential!.valid_until).slice(0, 10)), 'shows the valid-until date');
  t.notOk(shown.includes('NIEWAŻNA'));
  t.notOk(shown.includes(STUDENT.doc_no), 'never the document number');
  t.notOk(await page.locator('#warning').isVisible(), 'revocation was checked: no warning');
  t.equal(await background(page), 'rgb(11, 107, 46)', 'green');
  t.ok(await page.locator('.icon-valid').isVisible(), 'the tick icon');
  t.notOk(await page.locator('.icon-invalid').isVisible());
  await screenshot(page, 'valid');

  const revoked = await scan(s, 'gate-1', revokedPayload(s));
  t.equal(revoked.verdict, 'REVOKED');
  await state(page, 'invalid');
  const refused = await text(page);
  for (const expected of ['NIEWAŻNA', 'NOT VALID', 'Unieważniona przez wystawcę', 'Revoked by the issuer', STUDENT.org.name, warsaw(revoked.presented_at!)]) {
    t.ok(refused.includes(expected), `shows ${expected}`);
  }
  t.equal(await background(page), 'rgb(168, 20, 27)', 'red');
  t.ok(await page.locator('.icon-invalid').isVisible(), 'the cross icon');
  t.notOk(await page.locator('.icon-valid').isVisible());
  await screenshot(page, 'revoked');
  t.same(errors, [], 'no console errors (a CSP violation would be one)');
});

t.test('every verdict has its Polish and English reason; nothing unverified is shown', async (t) => {
  const s = await startService({ config: { display: { holdSeconds: 60, show: { default: ALL } } } });
  t.teardown(() => s.close());
  const { page, errors, close } = await screen(`${s.url}/`);
  t.teardown(close);
  for (const verdict of VERDICTS) {
    s.bus.publish({ type: 'scan', data: { scanner: 'gate-1', lane: 'gate-1', result: makeResult(verdict as Verdict, 'test reason', Date.now()) } });
    await page.waitForSelector(`body[data-verdict="${verdict}"]`, WAIT);
    const shown = await text(page);
    t.ok(shown.includes(VERDICT_TEXTS[verdict].pl) && shown.includes(VERDICT_TEXTS[verdict].en), `${verdict}: both reasons`);
    t.notOk(shown.includes('test reason'), `${verdict}: not the result's own English reason`);
    t.ok(shown.includes(verdict) && /Sprawdzono o \d{2}:\d{2}:\d{2} \/ Checked at \d{2}:\d{2}:\d{2}/.test(shown), `${verdict}: the small print, in Polish and English`);
    t.equal(await page.locator('body').getAttribute('data-state'), verdict === 'VALID' ? 'valid' : 'invalid');
    t.notOk(/Szkoła|Czas okazania|Ważna do/.test(shown), `${verdict}: no details when the result has none`);
    if (verdict === 'VALID') t.ok(shown.includes('Revocation not checked'), 'a VALID without a revocation check says so');
  }
  t.same(errors, []);
});

t.test('manual entry: a keyboard wedge typing, a paste, garbage, and a refused request', async (t) => {
  const s = await startService({ config: { display: { holdSeconds: 60, show: { default: ALL } } } });
  t.teardown(() => s.close());
  const { page, close } = await screen(`${s.url}/`);
  t.teardown(close);
  t.equal(await page.evaluate('document.activeElement.id'), 'entry', 'the field has the focus');

  // A keyboard-wedge scanner types the payload and Enter, even when the focus was elsewhere.
  await page.evaluate('document.activeElement.blur()');
  // (The wait starts at Enter: typing takes a while on a busy machine.)
  await wedgeType(page, s.present());
  const answered = page.waitForResponse((r) => r.url() === `${s.url}/v1/verify` && r.request().method() === 'POST', WAIT);
  await page.keyboard.press('Enter');
  t.equal((await answered).status(), 200, 'posted to /v1/verify');
  await state(page, 'valid');
  const shown = await text(page);
  t.ok(shown.includes('Zofia Testowa-Kowalska') && shown.includes(STUDENT.org.name), 'the result, shown as a scan is');
  t.ok(shown.includes('manual entry'));
  t.equal(await page.inputValue('#entry'), '', 'the field is cleared');
  t.ok(s.logs.some((l) => l.route === '/v1/verify' && l.verdict === 'VALID'), 'the service verified it');
  await screenshot(page, 'manual-entry');

  // A pasted payload goes at once.
  await paste(page, revokedPayload(s));
  await page.waitForSelector('body[data-verdict="REVOKED"]', WAIT);
  t.ok((await text(page)).includes('Revoked by the issuer'));

  await page.fill('#entry', 'hello');
  await page.press('#entry', 'Enter');
  await page.waitForSelector('body[data-verdict="MALFORMED"]', WAIT);
  t.notOk((await text(page)).includes(STUDENT.org.name), 'MALFORMED shows no credential');

  // A refused request (413) is an error, not a verdict.
  await page.fill('#entry', 'A'.repeat(17000));
  await page.press('#entry', 'Enter');
  await state(page, 'error');
  const error = await text(page);
  t.ok(error.includes('Nie sprawdzono') && error.includes('413'), 'says it was not checked, and why');
  t.notOk(/WAŻNA|VALID/.test(error), 'no verdict words');
  await screenshot(page, 'manual-error');
});

t.test('manual entry of MLEG2: typed and pasted with its spaces and symbols; a space typed after it is kept', async (t) => {
  const s = await startService({ config: { display: { holdSeconds: 60, show: { default: ALL } } } });
  t.teardown(() => s.close());
  const { page, errors, close } = await screen(`${s.url}/`);
  t.teardown(close);
  const verdictOf = async (send: () => Promise<unknown>) => {
    // The wait covers the typing too: it takes a while on a busy machine.
    const answered = page.waitForResponse((r) => r.url() === `${s.url}/v1/verify` && r.request().method() === 'POST', { timeout: 30_000 });
    await send();
    const body = (await (await answered).json()) as { verdict: string };
    await page.waitForSelector(`body[data-verdict="${body.verdict}"]`, WAIT);
    return body.verdict;
  };
  // A keyboard wedge types it (the focus elsewhere first: the page gives the field the focus on the first key).
  await page.evaluate('document.activeElement.blur()');
  const typed = s.presentCompact();
  t.match(typed, / .*[$%*+\-./:]|[$%*+\-./:].* /, 'spaces and symbols to type');
  t.equal(await verdictOf(async () => {
    await wedgeType(page, typed);
    await page.keyboard.press('Enter');
  }), 'VALID', 'typed, ended with Enter');
  t.ok((await text(page)).includes('Zofia Testowa-Kowalska'));
  await screenshot(page, 'manual-entry-mleg2');
  t.equal(await verdictOf(() => paste(page, `${s.presentCompact()}\r\n`)), 'VALID', 'pasted with a line end');
  t.equal(await verdictOf(async () => {
    await wedgeType(page, `${s.presentCompact()} `);
    await page.keyboard.press('Enter');
  }), 'MALFORMED', 'a space typed after the payload is sent as typed (trimmed it would be VALID)');
  t.equal(await verdictOf(() => paste(page, ` ${s.presentCompact()}`)), 'MALFORMED', 'so is one pasted before it');
  t.same(errors, []);
});

t.test('the banner appears when the server stops and goes when it is back', async (t) => {
  const first = await startService({ config: { display: { holdSeconds: 60, show: { default: ALL } } } });
  const port = Number(new URL(first.url).port);
  const { page, close } = await screen(`${first.url}/`);
  t.teardown(close);
  t.notOk(await page.locator('#banner').isVisible());

  await first.close();
  await page.waitForSelector('#banner', { state: 'visible', ...WAIT });
  t.match(await page.locator('#banner').innerText(), /Brak połączenia z weryfikatorem[\s\S]*No connection to the verifier/);
  t.equal(await page.locator('body').getAttribute('data-connection'), 'lost');
  await screenshot(page, 'banner');

  // Back on the same port, with the default display.show (no holder fields) this time.
  const second = await startService({ config: { http: { host: '127.0.0.1', port }, display: { holdSeconds: 60 } } });
  t.teardown(() => second.close());
  await page.waitForSelector('#banner', { state: 'hidden', timeout: 15000 });
  await page.waitForSelector('body[data-connection="open"]', WAIT);
  await scan(second, 'gate-1');
  await state(page, 'valid');
  t.pass('scans arrive again after reconnecting');
  t.notOk((await text(page)).includes(STUDENT.family_name), 'with the new service\'s display.show');

  // The page re-read its settings on reconnecting: manual entry follows the new display.show too.
  await page.fill('#entry', second.present());
  await page.press('#entry', 'Enter');
  await page.waitForSelector('body[data-state="valid"] #source:text("manual entry")', WAIT);
  t.notOk((await page.content()).includes(STUDENT.family_name), 'manual entry after the restart hides the name');
});

t.test('a stream that goes silent (socket open, no heartbeat) is noticed: banner, then a new stream that scans arrive on', async (t) => {
  const s = await startService({ config: { events: { heartbeatSeconds: 1 }, display: { holdSeconds: 60, show: { default: ALL } } } });
  t.teardown(() => s.close());
  const proxy = await silencingProxy(s.url);
  t.teardown(() => proxy.close());
  const context = await newScreen(browser);
  t.teardown(() => context.close());
  await context.addInitScript({
    content: `
      window.__connection = [];
      document.addEventListener('DOMContentLoaded', () => new MutationObserver(() => window.__connection.push(document.body.dataset.connection))
        .observe(document.body, { attributes: true, attributeFilter: ['data-connection'] }));`,
  });
  const { page } = await openPage(context, `${proxy.url}/`);
  await page.waitForSelector('body[data-connection="open"]', WAIT);
  t.equal(proxy.streamsOpened, 1);

  const before = (await page.evaluate('window.__connection.length')) as number;
  const silencedAt = Date.now();
  proxy.silence();
  await until(() => proxy.streamsOpened === 2, 20_000, 'the page opening a second stream');
  const after = Date.now() - silencedAt;
  // Heartbeats every second; the page gives up after two missed and 5 s more (7 s), checking each second.
  t.ok(after > 5000 && after < 12_000, `a new stream after ${after} ms of silence, not at once and not never`);
  await page.waitForSelector('body[data-connection="open"]', WAIT);
  const seen = (await page.evaluate('window.__connection')) as string[];
  t.same(seen.slice(before), ['lost', 'open'], 'the banner shown while the stream was dead, gone once a new one opened');

  await scan(s, 'gate-1');
  await state(page, 'valid');
  t.pass('a scan arrives on the new stream');
});

t.test('display.show: a lane that may not show the holder gets neither the name nor the birthdate', async (t) => {
  const s = await startService({
    config: { display: { holdSeconds: 60, show: { default: ALL, lanes: { 'gate-2': [], 'gate-3': ['given_name'] } } } },
  });
  t.teardown(() => s.close());
  const streams = await Promise.all(['gate-1', 'gate-2', 'gate-3'].map((lane) => SseClient.open(`${s.url}/v1/display/events?lane=${lane}`)));
  t.teardown(() => streams.forEach((c) => c.close()));
  const { page, close } = await screen(`${s.url}/?lane=gate-2`);
  t.teardown(close);

  const result = await scan(s, 'gate-2');
  await state(page, 'valid');
  await scan(s, 'gate-1');
  await scan(s, 'gate-3');
  await Promise.all(streams.map((c) => c.until((x) => x.events.length === 1, 5000, 'one scan per lane')));
  const [gate1, gate2, gate3] = streams.map((c) => c.events.map((e) => e.data).join('\n'));

  const html = await page.content();
  const shown = await text(page);
  t.ok(shown.includes(STUDENT.org.name) && shown.includes(warsaw(result.presented_at!)), 'the rest is shown');
  for (const secret of [STUDENT.given_name, STUDENT.family_name, STUDENT.birthdate, '28.02.2009', STUDENT.doc_no]) {
    t.notOk(html.includes(secret), `not in the page: ${secret}`);
    t.notOk(gate2!.includes(secret), `not in the gate-2 stream: ${secret}`);
  }
  t.ok(gate1!.includes(STUDENT.family_name) && gate1!.includes(STUDENT.birthdate), 'the default lane gets them');
  t.notOk(gate1!.includes(STUDENT.doc_no), 'no stream carries the document number');
  t.ok(gate3!.includes(STUDENT.given_name), 'gate-3 gets the given name');
  t.notOk(gate3!.includes(STUDENT.family_name) || gate3!.includes(STUDENT.birthdate), 'and only that');
  await screenshot(page, 'name-hidden');

  // Manual entry on that screen: /v1/verify answers in full (the till holds the payload,
  // which carries the name anyway), the screen shows what the lane may show.
  await page.fill('#entry', s.present());
  await page.press('#entry', 'Enter');
  await page.waitForSelector('body[data-state="valid"] #source:text("manual entry")', WAIT);
  const manual = await page.content();
  t.notOk(manual.includes(STUDENT.family_name) || manual.includes('28.02.2009'), 'manual entry on gate-2 hides them too');
});

t.test('the lane selector: a screen shows only its lane', async (t) => {
  const s = await startService({ config: { display: { holdSeconds: 60 } } });
  t.teardown(() => s.close());
  const gate2 = await screen(`${s.url}/?lane=gate-2`, { record: true });
  const all = await screen(`${s.url}/`, { record: true });
  t.teardown(() => Promise.all([gate2.close(), all.close()]));
  t.ok((await text(gate2.page)).includes('gate-2'));
  t.ok(await gate2.page.locator('#lane-note').isVisible(), 'a lane no scanner is in: the screen says manual entry only');

  await scan(s, 'gate-1', revokedPayload(s));
  await all.page.waitForSelector('body[data-verdict="REVOKED"]', WAIT);
  await scan(s, 'gate-2');
  await state(gate2.page, 'valid');
  await all.page.waitForSelector('body[data-verdict="VALID"]', WAIT);
  t.same((await statesSeen(gate2.page)).map((x) => x.state), ['idle', 'valid'], 'gate-2 never showed the gate-1 scan');
  t.same((await statesSeen(all.page)).filter((x) => x.state !== 'idle').map((x) => x.verdict), ['REVOKED', 'VALID'], 'the page without ?lane= shows both');
});

t.test('back to idle after display.holdSeconds', async (t) => {
  const s = await startService({ config: { display: { holdSeconds: 1 } } });
  t.teardown(() => s.close());
  const { page, close } = await screen(`${s.url}/?lane=gate-1`, { record: true });
  t.teardown(close);
  const config = (await (await fetch(`${s.url}/v1/display/config?lane=gate-1`)).json()) as { holdSeconds: number };
  t.equal(config.holdSeconds, 1);
  await scan(s, 'gate-1');
  await state(page, 'valid');
  await state(page, 'idle');
  const seen = await statesSeen(page);
  const shownAt = seen.find((x) => x.state === 'valid')!.at;
  const idleAt = seen.filter((x) => x.state === 'idle').at(-1)!.at;
  t.ok(idleAt - shownAt >= 900 && idleAt - shownAt < 4000, `held for about a second (${idleAt - shownAt} ms)`);
});

t.test('a live scan from a serial scanner on a pty shows on its lane screen', async (t) => {
  const { s, device } = await startScannerService(t, (path) => ({
    scanners: [{ id: 'scanner-a', type: 'serial', path }],
    lanes: [{ id: 'gate-1', scanners: ['scanner-a'] }],
    display: { holdSeconds: 60, show: { default: ALL } },
  }));
  const { page, close } = await screen(`${s.url}/?lane=gate-1`);
  t.teardown(close);
  t.notOk(await page.locator('#lane-note').isVisible(), 'a configured lane: no manual-only note');
  await screenshot(page, 'idle');
  await device.write(`${s.present()}\r\n`);
  await state(page, 'valid');
  const shown = await text(page);
  t.ok(shown.includes('gate-1 · scanner-a'), 'the lane and the scanner');
  t.ok(shown.includes('Zofia Testowa-Kowalska'));
});

t.test('the built page, served by `mleg serve` with the demo configuration, checks a pasted `mleg demo` payload', async (t) => {
  // The embedded demo (config/default.json) on a free port: its relative paths made absolute.
  const demoFile = fileURLToPath(new URL('../../config/default.json', import.meta.url));
  const demo = JSON.parse(readFileSync(demoFile, 'utf8'));
  const base = dirname(demoFile);
  const dir = mkdtempSync(join(tmpdir(), 'mleg-display-demo-'));
  const configFile = join(dir, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      ...demo,
      http: { host: '127.0.0.1', port: 0 },
      trust: { file: resolve(base, demo.trust.file) },
      status: { ...demo.status, files: Object.fromEntries(Object.entries(demo.status.files as Record<string, string>).map(([uri, f]) => [uri, resolve(base, f)])) },
    }),
  );
  const served = await mlegServe(['--config', configFile]);
  t.teardown(async () => {
    served.child.kill('SIGTERM');
    await exited(served.child);
    rmSync(dir, { recursive: true, force: true });
  });
  const url = `http://127.0.0.1:${served.port}`;
  const built = fileURLToPath(new URL('../../dist/http/display/display.js', import.meta.url));
  t.equal(await (await fetch(`${url}/display/display.js`)).text(), readFileSync(built, 'utf8'), 'serves the copy in dist/');

  const run = await mleg(['demo', '--json']);
  t.equal(run.code, 0);
  const payloads = JSON.parse(run.stdout) as { valid: string; revoked: string };
  const { page, errors, close } = await screen(`${url}/`);
  t.teardown(close);
  await paste(page, payloads.valid);
  await state(page, 'valid');
  const shown = await text(page);
  t.ok(shown.includes(`${DEMO_STUDENT.given_name} ${DEMO_STUDENT.family_name}`), 'the demo shows the holder');
  t.ok(shown.includes(DEMO_STUDENT.org.name));
  await screenshot(page, 'demo-valid');
  await paste(page, payloads.revoked);
  await page.waitForSelector('body[data-verdict="REVOKED"]', WAIT);
  await screenshot(page, 'demo-revoked');
  t.same(errors, []);
});
