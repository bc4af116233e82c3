/**
 * The fleet page (/fleet) in headless Chromium against two real services sharing a real
 * redis-server, scans from serial scanners on socat ptys: a tile per node and lane with
 * the last verdict, the scanners, the status list and replay sharing; a scanner unplugged;
 * a node that stops heartbeating (an `mleg serve` frozen with SIGSTOP) and comes back;
 * Redis away; Polish first, English on a switch worked from the keyboard; WCAG AA
 * contrast of every text; nothing loaded from elsewhere (CSP). Screenshots under
 * .tap/display-screenshots/.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { Page } from 'playwright-core';
import { launchBrowser, newScreen, openPage, screenshot } from '../helpers/browser.js';
import { mlegServe } from '../helpers/cli.js';
import { nodeConfigFile, startFleet, startStation, type Gate } from '../helpers/fleet.js';
import { STATUS_URI, STUDENT } from '../helpers/world.js';

const WAIT = { timeout: 10_000 };

const browser = await launchBrowser();
t.teardown(() => browser.close());

const tile = (page: Page, node: string, lane: string) => page.locator(`section.lane-tile[data-node="${node}"][data-lane="${lane}"]`);
const nodeBox = (page: Page, node: string) => page.locator(`section.node[data-node="${node}"]`);

/** Every text on the page against the background it is drawn on: the lowest WCAG contrast ratio found, and where. */
const LOWEST_CONTRAST = `(() => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const blend = (top, bottom) => { const a = top[3] ?? 1; return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)); };
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.length && (c[3] ?? 1) > 0) layers.push(c); if ((c[3] ?? 1) === 1 && c.length) break; }
    return layers.reverse().reduce((under, layer) => blend(layer, under), [255, 255, 255]);
  };
  let lowest = { ratio: 99, text: '' };
  for (const el of document.querySelectorAll('body *')) {
    if (!el.offsetParent && el.tagName !== 'BODY') continue;
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== '');
    if (!own) continue;
    const fg = blend(rgb(getComputedStyle(el).color), background(el));
    const [a, b] = [lum(fg), lum(background(el))].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    if (ratio < lowest.ratio) lowest = { ratio, text: el.textContent.trim().slice(0, 60) };
  }
  return lowest;
})()`;

t.test('the fleet page: a tile per node and lane, live verdicts, a scanner unplugged, a node gone quiet, both languages', async (t) => {
  const { fleet, gates } = await startStation(t, [
    { id: 'bramka-1', scanner: 'skaner-1', lane: 'wejście-północ' },
    { id: 'bramka-2', scanner: 'skaner-2', lane: 'wejście-południe' },
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'mleg-fleet-page-'));
  let frozen: { child: ChildProcess } | undefined;
  t.teardown(() => {
    frozen?.child.kill('SIGCONT');
    frozen?.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const [gate1, gate2] = gates as [Gate, Gate];
  const [scanner1, scanner2] = [gate1.device, gate2.device];

  const context = await newScreen(browser);
  t.teardown(() => context.close());
  const { page, errors } = await openPage(context, `${gate1.node.url}/fleet`);
  await page.waitForSelector('body[data-connection="open"]', WAIT);
  await nodeBox(page, 'bramka-2').waitFor(WAIT);
  t.equal(await page.locator('html').getAttribute('lang'), 'pl', 'Polish first');
  t.match(await page.locator('#summary').innerText(), /2 weryfikatory · 2 stanowiska/, 'two verifiers, two lanes (Polish plurals)');
  t.match(await tile(page, 'bramka-1', 'wejście-północ').innerText(), /Brak skanów[\s\S]*Skaner skaner-1: połączony/);
  t.match(await nodeBox(page, 'bramka-1').innerText(), /Wspólna pamięć użytych kodów[\s\S]*Lista unieważnień: \d+ s/, 'replay shared, the status list and its age');
  await screenshot(page, 'fleet-idle');

  // A VALID scan at gate 1, the same code at gate 2: REPLAYED there.
  const payload = fleet.site.present();
  await scanner1.write(`${payload}\r\n`);
  await page.waitForSelector('section.lane-tile[data-node="bramka-1"][data-state="valid"]', WAIT);
  await scanner2.write(`${payload}\r\n`);
  await page.waitForSelector('section.lane-tile[data-node="bramka-2"][data-verdict="REPLAYED"]', WAIT);
  t.match(await tile(page, 'bramka-1', 'wejście-północ').innerText(), /WAŻNA[\s\S]*Legitymacja ważna[\s\S]*\d\d:\d\d:\d\d · skaner skaner-1/);
  t.match(await tile(page, 'bramka-2', 'wejście-południe').innerText(), /NIEWAŻNA[\s\S]*Ten kod został już użyty/);
  t.equal(await page.evaluate('getComputedStyle(document.querySelector(\'section.lane-tile[data-state="valid"]\')).backgroundColor'), 'rgb(11, 107, 46)', 'green');
  t.equal(await page.evaluate('getComputedStyle(document.querySelector(\'section.lane-tile[data-state="invalid"]\')).backgroundColor'), 'rgb(168, 20, 27)', 'red');
  t.match(await page.locator('#announce').innerText(), /bramka-2, wejście-południe: NIEWAŻNA/, 'a screen reader hears the scan');
  const text = await page.locator('body').innerText();
  for (const secret of [STUDENT.given_name, STUDENT.family_name, STUDENT.doc_no]) t.notOk(text.includes(secret), `nothing personal on the page: no ${secret}`);
  await scanner1.write(`${fleet.site.present(fleet.site.credential({ status: { uri: STATUS_URI, idx: 1 } }))}\r\n`);
  await page.waitForSelector('section.lane-tile[data-node="bramka-1"][data-verdict="REVOKED"]', WAIT);
  await scanner1.write(`${fleet.site.present()}\r\n`);
  await page.waitForSelector('section.lane-tile[data-node="bramka-1"][data-verdict="VALID"]', WAIT);
  await screenshot(page, 'fleet-scans');
  const contrast = (await page.evaluate(LOWEST_CONTRAST)) as { ratio: number; text: string };
  t.ok(contrast.ratio >= 4.5, `every text at least 4.5:1 (WCAG AA): lowest ${contrast.ratio.toFixed(2)} ("${contrast.text}")`);

  // The English switch, from the keyboard.
  await page.focus('#lang');
  await page.keyboard.press('Enter');
  await page.waitForSelector('html[lang="en"]', WAIT);
  t.equal(await page.locator('#lang').getAttribute('aria-pressed'), 'true');
  t.match(await tile(page, 'bramka-2', 'wejście-południe').innerText(), /NOT VALID[\s\S]*This code was already used[\s\S]*Scanner skaner-2: connected/);
  t.match(await page.locator('#summary').innerText(), /2 verifiers · 2 lanes/);
  t.match(page.url(), /lang=en/, 'the choice stays in the address (a reload keeps it)');
  await screenshot(page, 'fleet-english');
  await page.keyboard.press('Space');
  await page.waitForSelector('html[lang="pl"]', WAIT);

  // A scanner unplugged shows at once.
  await gate2.pty.kill();
  await page.waitForSelector('section.lane-tile[data-node="bramka-2"] .down', WAIT);
  t.match(await tile(page, 'bramka-2', 'wejście-południe').innerText(), /Skaner skaner-2: odłączony/);

  // A node that stops heartbeating: a third gate, `mleg serve` frozen with SIGSTOP.
  const file = nodeConfigFile(fleet.site, dir, fleet.redis.url, 'bramka-3', { fleet: { nodeId: 'bramka-3', heartbeatSeconds: 1 } });
  frozen = await mlegServe(['--config', file]);
  await nodeBox(page, 'bramka-3').waitFor(WAIT);
  t.match(await nodeBox(page, 'bramka-3').innerText(), /Bez skanerów \(tylko API\)/, 'a verifier without scanners: one tile');
  frozen.child.kill('SIGSTOP');
  await page.waitForSelector('section.node[data-node="bramka-3"][data-heartbeat="lost"]', WAIT);
  t.match(await nodeBox(page, 'bramka-3').innerText(), /Brak sygnału od \d\d:\d\d:\d\d/, 'a warning on the node that went quiet');
  t.equal(await nodeBox(page, 'bramka-1').getAttribute('data-heartbeat'), 'ok', 'and on that node only');
  await screenshot(page, 'fleet-node-quiet');
  frozen.child.kill('SIGCONT');
  await page.waitForSelector('section.node[data-node="bramka-3"][data-heartbeat="ok"]', WAIT);
  t.pass('the warning goes when it heartbeats again');

  // Redis away: the page says so, and recovers.
  await fleet.redis.kill();
  await page.waitForSelector('#banner:not([hidden])', WAIT);
  t.match(await page.locator('#banner').innerText(), /Wspólny Redis nie odpowiada/);
  await screenshot(page, 'fleet-redis-away');
  await fleet.redis.restart();
  await page.waitForSelector('#banner', { state: 'hidden', timeout: 15_000 });
  t.pass('the banner goes when Redis answers again');

  // Chromium logs each 503 the page got while Redis was away; nothing else may be there.
  t.same(errors.filter((e) => !/status of 503/.test(e)), [], 'no console errors: nothing blocked by the page\'s policy');
});

t.test('the page is served with the display\'s policy, and only its own files', async (t) => {
  const fleet = await startFleet({ nodes: ['gate-1'] });
  t.teardown(() => fleet.close());
  const [gate] = fleet.nodes;
  const page = await fetch(`${gate!.url}/fleet`);
  t.equal(page.status, 200);
  t.match(page.headers.get('content-type'), /^text\/html/);
  t.match(page.headers.get('content-security-policy'), /default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'/);
  for (const file of ['fleet.js', 'fleet.css', 'display.css']) t.equal((await fetch(`${gate!.url}/fleet/${file}`)).status, 200, file);
  for (const file of ['index.html', 'display.js', '..%2Fpackage.json']) t.equal((await fetch(`${gate!.url}/fleet/${file}`)).status, 404, `not ${file}`);
  const html = await page.text();
  t.notMatch(html, /https?:\/\//, 'nothing from elsewhere');
});
