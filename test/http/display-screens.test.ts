/**
 * The display as a new user met it on site (issue 22), in headless Chromium against a
 * real service: "valid until" is the day in Poland, whatever the screen's clock zone; the
 * gate layout fills a 1920×1080 (and a 1280×720) screen with no entry field while the desk
 * layout keeps its look; the small print is the page's own Polish and English, in Polish
 * time, made from the result's fields (a replay's first acceptance, a stale code's age, the
 * status list); a status list older than display.statusWarnAgeSeconds is warned about.
 * Screenshots under .tap/display-screenshots/.
 */
import t from 'tap';
import type { Page } from 'playwright-core';
import { endOfDayInPoland } from '../../src/issuer/valid-until.js';
import { launchBrowser, screenshot } from '../helpers/browser.js';
import { openScreen, paste, scan, state, text, WAIT, warsaw } from '../helpers/display-page.js';
import { startService, type TestService } from '../helpers/service.js';
import { IDX, STATUS_URI } from '../helpers/world.js';

const ALL = ['given_name', 'family_name', 'birthdate'];
const HD = { width: 1920, height: 1080 };

const browser = await launchBrowser();
t.teardown(() => browser.close());

/** What the small print says (the line under the details). */
const smallPrint = (page: Page) => page.locator('#meta').innerText();

/** Boxes of the page's parts, in CSS pixels. */
const boxes = (page: Page) =>
  page.evaluate(`(() => {
    const box = (sel) => { const e = document.querySelector(sel); if (!e || e.offsetParent === null) return null; const r = e.getBoundingClientRect(); return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height, width: r.width }; };
    return {
      words: box('#result .words'), h1: box('#verdict-pl'), icon: box('#result .verdict svg:not([style*="none"])'),
      details: box('#details'), meta: box('#meta'), entry: box('#entry-form'),
      fontPx: parseFloat(getComputedStyle(document.getElementById('verdict-pl')).fontSize),
      scrollWidth: document.documentElement.scrollWidth, scrollHeight: document.documentElement.scrollHeight,
      width: innerWidth, height: innerHeight,
    };
  })()`) as Promise<{
    words: Box;
    h1: Box;
    details: Box | null;
    meta: Box;
    entry: Box | null;
    fontPx: number;
    scrollWidth: number;
    scrollHeight: number;
    width: number;
    height: number;
  }>;
interface Box {
  top: number;
  bottom: number;
  left: number;
  right: number;
  height: number;
  width: number;
}

/**
 * The page's text without the times of the scan itself (its "Czas okazania" detail and the
 * "Sprawdzono o" line), which are the time of day now: run at 21:59 Warsaw time, they held
 * "21:59" and failed the check for a time in "valid until". Fails if either is missing.
 */
async function textBesidesScanTimes(page: Page): Promise<string> {
  const { own, shown } = (await page.evaluate(`(() => {
    const own = [document.getElementById('meta'), ...[...document.querySelectorAll('#details .detail')].filter((d) => d.textContent.includes('Czas okazania'))];
    for (const e of own) e.style.display = 'none';
    const shown = document.body.innerText;
    for (const e of own) e.style.display = '';
    return { own: own.length, shown };
  })()`)) as { own: number; shown: string };
  if (own !== 2) throw new Error(`expected the presented-at detail and the checked-at line, found ${own}`);
  return shown;
}

t.test('"valid until" is the day in Poland, on a screen in any clock zone', async (t) => {
  const s = await startService({ config: { display: { holdSeconds: 60 } } });
  t.teardown(() => s.close());
  // valid_until 2027-09-30, issued as the end of that day in Poland: 2027-09-30T21:59:59Z (CEST).
  const september = s.credential({ exp: endOfDayInPoland('2027-09-30') });
  const endOfSeptember = () => s.present(september);
  // And one of winter time: 2028-01-31T22:59:59Z (CET).
  const january = s.credential({ exp: endOfDayInPoland('2028-01-31'), jti: 'winter-credential' });
  const endOfJanuary = () => s.present(january);
  for (const timezoneId of ['Europe/Warsaw', 'UTC', 'America/New_York', 'Asia/Tokyo']) {
    const screen = await openScreen(browser, `${s.url}/?lane=gate-1`, { timezoneId });
    await scan(s, 'gate-1', endOfSeptember());
    await state(screen.page, 'valid');
    const until = await screen.page.locator('.detail', { hasText: 'Ważna do' }).locator('dd').innerText();
    t.equal(until, '30.09.2027', `${timezoneId}: the date alone`);
    await scan(s, 'gate-1', endOfJanuary());
    await screen.page.locator('#details', { hasText: '31.01.2028' }).waitFor(WAIT);
    t.notOk(/01\.10\.2027|01:59|21:59|22:59|23:59/.test(await textBesidesScanTimes(screen.page)), `${timezoneId}: never the next day or a time`);
    if (timezoneId === 'UTC') {
      await scan(s, 'gate-1', endOfSeptember());
      await screen.page.locator('#details', { hasText: '30.09.2027' }).waitFor(WAIT);
      await screenshot(screen.page, 'valid-until-utc-screen');
    }
    // The clock, too, is Polish time.
    const clock = await screen.page.locator('#clock').innerText();
    const now = warsaw(new Date().toISOString()).slice(11);
    t.ok(Math.abs(seconds(clock) - seconds(now)) <= 2 || Math.abs(seconds(clock) - seconds(now)) >= 86398, `${timezoneId}: the clock ${clock} is Warsaw's ${now}`);
    await screen.close();
  }
});

t.test('display.timeZone: the zone the page shows times in', async (t) => {
  const s = await startService({ config: { display: { holdSeconds: 60, timeZone: 'UTC' } } });
  t.teardown(() => s.close());
  const screen = await openScreen(browser, `${s.url}/?lane=gate-1`);
  t.teardown(() => screen.close());
  await scan(s, 'gate-1', s.present(s.credential({ exp: endOfDayInPoland('2027-09-30') })));
  await state(screen.page, 'valid');
  t.equal(await screen.page.locator('.detail', { hasText: 'Ważna do' }).locator('dd').innerText(), '30.09.2027 21:59', 'in UTC that is 21:59 (a time, not the end of a day)');
});

function seconds(hms: string): number {
  const [h, m, sec] = hms.split(':').map(Number) as [number, number, number];
  return h * 3600 + m * 60 + sec;
}

/** A service whose lane gate-1 has the gate layout, the rest the desk one. */
async function gateSite(show: string[] = []): Promise<TestService> {
  return startService({ config: { display: { holdSeconds: 60, show: { default: show }, layout: { lanes: { 'gate-1': 'gate' } } } } });
}

t.test('the gate layout fills a 1920×1080 screen, no entry field; the desk layout keeps its look', async (t) => {
  const s = await gateSite();
  t.teardown(() => s.close());
  const gate = await openScreen(browser, `${s.url}/?lane=gate-1`, HD);
  const desk = await openScreen(browser, `${s.url}/?lane=till`, HD);
  t.teardown(() => Promise.all([gate.close(), desk.close()]));

  t.equal(await gate.page.locator('html').getAttribute('data-layout'), 'gate');
  t.notOk(await gate.page.locator('#entry-form').isVisible(), 'gate: no manual-entry bar');
  t.ok(await desk.page.locator('#entry-form').isVisible(), 'desk: the manual-entry bar');
  t.ok(await gate.page.locator('#lane-note-gate').isVisible(), 'gate: a lane no scanner is in says so…');
  t.notOk(await gate.page.locator('#lane-note').isVisible(), '…without offering the manual entry it does not have');
  await screenshot(gate.page, 'gate-idle-1920');

  // Credentials as a school issues them: valid to the end of a day in Poland.
  const issued = (o: Parameters<TestService['credential']>[0] = {}) => s.present(s.credential({ exp: endOfDayInPoland('2027-09-30'), ...o }));
  await scan(s, 'gate-1', issued());
  await scan(s, 'till', issued());
  await Promise.all([state(gate.page, 'valid'), state(desk.page, 'valid')]);
  const g = await boxes(gate.page);
  const d = await boxes(desk.page);
  t.equal(g.entry, null, 'still no entry bar with a result');
  t.ok(g.scrollWidth <= g.width && g.scrollHeight <= g.height, 'nothing spills off the screen');
  t.ok(g.fontPx >= 1.5 * d.fontPx, `the verdict's type ${g.fontPx} px against the desk's ${d.fontPx} px`);
  t.ok(g.words.height / g.height >= 0.35, `the verdict's words take ${Math.round((100 * g.words.height) / g.height)} % of the height`);
  // From the top of the verdict to the bottom of the details (the small print sits at the foot in both layouts).
  const spans = (b: typeof g) => (b.details!.bottom - b.words.top) / b.height;
  t.ok(spans(g) >= 0.75, `the verdict and details span ${Math.round(100 * spans(g))} % of the screen's height (desk: ${Math.round(100 * spans(d))} %)`);
  const centre = (g.details!.left + g.details!.right) / 2;
  t.ok(Math.abs(centre - g.width / 2) < g.width * 0.05, 'the details centred under the verdict');
  await screenshot(gate.page, 'gate-valid-1920');
  await screenshot(desk.page, 'desk-valid-1920');

  // The longest word (NIEWAŻNA) fits beside the icon too.
  await scan(s, 'gate-1', issued({ status: { uri: STATUS_URI, idx: IDX.revoked } }));
  await state(gate.page, 'invalid');
  const r = await boxes(gate.page);
  t.ok(r.h1.right <= r.width && r.scrollWidth <= r.width, `NIEWAŻNA fits (${Math.round(r.h1.right)} of ${r.width} px)`);
  await screenshot(gate.page, 'gate-revoked-1920');

  // A keyboard wedge typing on a gate's screen goes nowhere (its scanner is mleg's, not the browser's).
  await gate.page.keyboard.type('MLEG1:abc');
  await gate.page.keyboard.press('Enter');
  await new Promise((r) => setTimeout(r, 300));
  t.equal(await gate.page.locator('body').getAttribute('data-verdict'), 'REVOKED', 'no manual entry was posted');
});

t.test('the gate layout at 1280×720, with every holder field shown, still fits', async (t) => {
  const s = await gateSite(ALL);
  t.teardown(() => s.close());
  const gate = await openScreen(browser, `${s.url}/?lane=gate-1`);
  t.teardown(() => gate.close());
  for (const [payload, name] of [
    [s.present(), 'gate-valid-1280'],
    [s.present(s.credential({ status: { uri: STATUS_URI, idx: IDX.suspended } })), 'gate-suspended-1280'],
  ] as const) {
    const result = await scan(s, 'gate-1', payload);
    await gate.page.waitForSelector(`body[data-verdict="${result.verdict}"]`, WAIT);
    const b = await boxes(gate.page);
    t.ok(b.scrollWidth <= b.width && b.scrollHeight <= b.height && b.meta.bottom <= b.height, `${result.verdict}: nothing spills off a 1280×720 screen`);
    t.ok(b.words.height / b.height >= 0.3, `${result.verdict}: the verdict ${Math.round((100 * b.words.height) / b.height)} % of the height`);
    t.ok((await text(gate.page)).includes('Zofia Testowa-Kowalska'));
    await screenshot(gate.page, name);
  }
});

t.test('the small print: Polish and English, Polish time, from the result — not its English reason', async (t) => {
  const s = await startService({ config: { display: { holdSeconds: 60 } } });
  t.teardown(() => s.close());
  const screen = await openScreen(browser, `${s.url}/?lane=gate-1`, { timezoneId: 'UTC' });
  t.teardown(() => screen.close());
  const { page } = screen;

  const payload = s.present();
  const first = await scan(s, 'gate-1', payload);
  await state(page, 'valid');
  const listOf = warsaw(first.status.iat!).slice(0, 16);
  t.match(await smallPrint(page), `gate-1 · Sprawdzono o ${warsaw(first.checked_at).slice(11)} / Checked at ${warsaw(first.checked_at).slice(11)} · Lista unieważnień z ${listOf} (1 min) / Revocation list of ${listOf} (1 min old) · VALID`);

  const again = await scan(s, 'gate-1', payload);
  t.equal(again.verdict, 'REPLAYED');
  await page.waitForSelector('body[data-verdict="REPLAYED"]', WAIT);
  const acceptedAt = warsaw(again.first_accepted_at!).slice(11);
  const replayed = await smallPrint(page);
  t.match(replayed, `Już przyjęta o ${acceptedAt} / Already accepted at ${acceptedAt}`, 'when it was first accepted, in Warsaw time on a UTC screen');
  t.notMatch(await text(page), /already accepted at \d{4}-|T\d{2}:\d{2}:\d{2}(\.\d+)?Z/, 'not the English reason, no UTC times');
  await screenshot(page, 'small-print-replayed');

  const stale = await scan(s, 'gate-1', s.present(undefined, { iat: Math.floor(Date.now() / 1000) - 125 }));
  t.equal(stale.verdict, 'PROOF_STALE');
  await page.waitForSelector('body[data-verdict="PROOF_STALE"]', WAIT);
  t.match(await smallPrint(page), /Kod wygenerowany 12[5-9] s temu \/ Code made 12[5-9] s ago/);
  await scan(s, 'gate-1', s.present(undefined, { iat: Math.floor(Date.now() / 1000) + 100 }));
  await page.locator('#meta', { hasText: 'do przodu' }).waitFor(WAIT);
  t.match(await smallPrint(page), /Zegar telefonu (99|100) s do przodu \/ The phone's clock is (99|100) s ahead/);

  await scan(s, 'gate-1', s.present(s.credential({ status: { uri: STATUS_URI, idx: 64 } })));
  await page.waitForSelector('body[data-verdict="STATUS_UNAVAILABLE"]', WAIT);
  t.match(await smallPrint(page), /Numer spoza listy \/ Its number is past the end of the list/);

  // Manual entry shows the same small print from the full result /v1/verify answers.
  await paste(page, payload);
  await page.waitForSelector('body[data-verdict="REPLAYED"] #source:text("manual entry")', WAIT);
  t.match(await smallPrint(page), `Już przyjęta o ${acceptedAt} / Already accepted at ${acceptedAt}`);
});

t.test('a status list older than display.statusWarnAgeSeconds is warned about, in Polish and English', async (t) => {
  const thirtyHours = Math.floor(Date.now() / 1000) - 30 * 3600;
  const s = await startService({ statusIat: thirtyHours, config: { display: { holdSeconds: 60, layout: { lanes: { 'gate-1': 'gate' } } } } });
  t.teardown(() => s.close());
  const screen = await openScreen(browser, `${s.url}/?lane=gate-1`, HD);
  t.teardown(() => screen.close());
  const result = await scan(s, 'gate-1');
  t.equal(result.verdict, 'VALID', 'still usable (status.maxAgeSeconds is 48 h)');
  t.ok(result.status.age_seconds! >= 30 * 3600);
  await state(screen.page, 'valid');
  t.ok(await screen.page.locator('#warning').isVisible());
  t.equal(await screen.page.locator('#warning').innerText(), 'Lista unieważnień sprzed 30 godz. — połącz terminal z siecią / Revocation list 30 h old — connect to the network');
  t.match(await smallPrint(screen.page), /Lista unieważnień z .* \(30 godz\.\) \/ Revocation list of .* \(30 h old\)/);
  await screenshot(screen.page, 'gate-stale-list-1920');

  const calm = await startService({ statusIat: thirtyHours, config: { display: { holdSeconds: 60, statusWarnAgeSeconds: 2 * 86400 } } });
  t.teardown(() => calm.close());
  const other = await openScreen(browser, `${calm.url}/?lane=gate-1`);
  t.teardown(() => other.close());
  await scan(calm, 'gate-1');
  await state(other.page, 'valid');
  t.notOk(await other.page.locator('#warning').isVisible(), 'under the configured age: no warning');
});
