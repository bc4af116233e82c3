/**
 * The README's walk-through for a new user, on the built commands: `mleg issuer serve`
 * serves the wallet npm run build wrote (dist/wallet/web, byte for byte), a phone-sized
 * Chromium opens the printed letter's link, types its code, shows the QR code, and passes
 * a gate — `mleg serve` with a serial scanner on a pty (the code read off the screen typed
 * into the line as the scanner would) and `/v1/verify/image` with the screen's picture.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { launchBrowser, screenshot } from '../helpers/browser.js';
import { mleg, mlegIssuerServe, mlegServe } from '../helpers/cli.js';
import { ISSUANCE_STUDENT } from '../helpers/holders.js';
import { freePort } from '../helpers/issuance.js';
import { PtyPair } from '../helpers/pty.js';
import { SseClient } from '../helpers/sse.js';
import { bodyIs, newPhone } from '../helpers/wallet-phone.js';

const dir = mkdtempSync(join(tmpdir(), 'mleg-wallet-gate-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const at = (f: string) => join(dir, f);
const ADMIN = 'wallet-gate-admin-token-0123';
const BUILT = new URL('../../dist/wallet/web/', import.meta.url);

async function until(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

t.test('a printed letter, the wallet on a phone, a gate with a scanner and a camera picture', async (t) => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  t.equal((await mleg(['issuer', 'keygen', '--dir', at('school'), '--iss', 'PL-SZKOLA-7', '--kid', 'sz7-2026', '--name', 'Szkoła Podstawowa nr 7', '--status-uri', `${url}/status/1`])).code, 0);
  writeFileSync(at('issuer.json'), JSON.stringify({ http: { port }, issuer: { url, dir: 'school' }, admin: { token: ADMIN } }));
  const issuer = await mlegIssuerServe(at('issuer.json'));
  t.teardown(() => issuer.child.kill('SIGKILL'));

  for (const name of ['wallet.js', 'sw.js', 'index.html', 'icon-512.png']) {
    const served = Buffer.from(await (await fetch(`${url}/wallet/${name === 'index.html' ? '' : name}`)).arrayBuffer());
    t.ok(served.equals(readFileSync(new URL(name, BUILT))), `${name} is the one npm run build wrote`);
  }

  // The school: a student and the letter (its link and code).
  const admin = (path: string, body?: unknown) =>
    fetch(`${url}/admin/v1${path}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const { id } = (await (await admin('/students', { ...ISSUANCE_STUDENT, doc_no: `${ISSUANCE_STUDENT.doc_no}-gate` })).json()) as { id: string };
  const letter = (await (await admin(`/students/${id}/offer`)).json()) as { offer_url: string; tx_code: string };

  // The gate: a verifier from the published trust list, a serial scanner on a pty.
  const pty = await PtyPair.open(dir, 'gate');
  t.teardown(() => pty.kill());
  writeFileSync(at('trust.json'), await (await fetch(`${url}/trust-list.json`)).text());
  writeFileSync(at('gate.json'), JSON.stringify({ http: { port: 0 }, trust: { file: 'trust.json' }, status: { allowHttp: true }, scanners: [{ id: 'gate-1', type: 'serial', path: pty.path }] }));
  const gate = await mlegServe(['--config', at('gate.json'), '--workers', '1']);
  t.teardown(() => gate.child.kill('SIGKILL'));
  const gateUrl = `http://127.0.0.1:${gate.port}`;
  const events = await SseClient.open(`${gateUrl}/v1/events`);
  t.teardown(() => events.close());
  await until(async () => ((await (await fetch(`${gateUrl}/v1/state`)).json()) as { scanners: { state: string }[] }).scanners[0]?.state === 'connected', 10_000, 'the scanner');
  const scanner = await pty.device();
  t.teardown(() => scanner.close());

  // The student: the letter's link on the phone, the code, the ID, the QR code.
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const phone = await newPhone(browser);
  const page = await phone.newPage();
  await page.goto(letter.offer_url);
  await page.getByRole('link', { name: 'Aktywuj w tym telefonie' }).click();
  await bodyIs(page, 'view', 'activate');
  await page.getByLabel('Kod aktywacyjny (8 cyfr)').fill(letter.tx_code);
  await page.getByRole('button', { name: 'Aktywuj' }).click();
  await bodyIs(page, 'view', 'card');
  await bodyIs(page, 'standing', 'valid');
  await page.getByRole('button', { name: 'Pokaż kod QR' }).click();
  await bodyIs(page, 'qr-shown', '1');

  // A camera at the gate: the screen's picture to /v1/verify/image.
  const picture = readFileSync(await screenshot(page, 'wallet-gate-camera'));
  const seen = (await (await fetch(`${gateUrl}/v1/verify/image`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: picture })).json()) as { results: { verdict: string; credential: { org: { name: string } } }[] };
  t.equal(seen.results.length, 1, 'one code in the picture');
  t.equal(seen.results[0]!.verdict, 'VALID', 'VALID from the camera picture');
  t.equal(seen.results[0]!.credential.org.name, 'Szkoła Podstawowa nr 7');

  // The scanner: the next code, read off the screen, sent down the serial line.
  await bodyIs(page, 'qr-shown', '2', 15_000);
  const next = readFileSync(await screenshot(page, 'wallet-gate-scanner'));
  const { codes } = (await (await fetch(`${gateUrl}/v1/decode`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: next })).json()) as { codes: { text: string }[] };
  t.equal(codes.length, 1);
  await scanner.write(`${codes[0]!.text}\r\n`);
  await events.until((c) => c.events.some((e) => e.event === 'scan'), 10_000, 'the scan');
  const scan = JSON.parse(events.events.find((e) => e.event === 'scan')!.data) as { scanner: string; result: { verdict: string } };
  t.match(scan, { scanner: 'gate-1', result: { verdict: 'VALID' } }, 'VALID at the gate\'s scanner');
});
