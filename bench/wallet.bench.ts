/**
 * `npm run bench wallet`: what the web wallet costs on the phone, in headless Chromium
 * (390×844 at 3 device pixels per CSS pixel), as ratios to baselines measured in the same
 * page in the same run.
 *
 * - A presentation, MLEG1 (fresh proof claims signed with the non-extractable key,
 *   base64url, the credential's digest kept) and MLEG2 (the proof's CBOR and Sig_structure,
 *   signed, the COSE array, base45), against a bare WebCrypto ES256 signature of the MLEG1
 *   proof's own signing input: what the wallet adds to the one thing it cannot avoid.
 * - Drawing the QR code (encoding, one SVG path, the browser's layout of it) of each format
 *   against the presentation itself, and one animation frame for scale: the 10-second
 *   refresh is cheap.
 * - Opening the wallet: to the ID on screen, from the network and from the service worker
 *   offline, against a blank page of the same server.
 * - The bytes a phone fetches the first time (the shell the service worker keeps), raw and
 *   gzip-compressed.
 * The functions timed in the page are the wallet's own modules, bundled by esbuild as the
 * app is, and evaluated through the DevTools protocol (the wallet's CSP allows no inline script).
 */
import { gzipSync } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { launchBrowser } from '../test/helpers/browser.js';
import { makeOffer, registerStudent, startIssuer } from '../test/helpers/issuance.js';
import { activateInWallet, bodyIs, newPhone } from '../test/helpers/wallet-phone.js';
import { writeReport, type Figure } from './report.js';

const ROUNDS = 300;
const OPENS = 15;

/** The page-side timing code: the wallet's presentation and QR modules, and a bare signature. */
async function pageBench(): Promise<string> {
  const entry = `
    import { presentMleg1, credentialDigest } from './src/wallet/presentation.ts';
    import { credentialAad, presentMleg2 } from './src/wallet/compact-presentation.ts';
    import { fromBase64url } from './src/jws/base64url.ts';
    import { deviceSigner } from './src/wallet/webcrypto-key.ts';
    import { drawQr } from './src/wallet/web/qr-view.ts';
    globalThis.__bench = async (rounds) => {
      const db = await new Promise((resolve, reject) => { const r = indexedDB.open('mleg-wallet'); r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
      const held = await new Promise((resolve) => { const r = db.transaction('wallet').objectStore('wallet').get('held'); r.onsuccess = () => resolve(r.result); });
      const signer = deviceSigner(held.device);
      const cred = await credentialDigest(held.credential);
      const time = async (run) => { const t0 = performance.now(); for (let i = 0; i < rounds; i++) await run(i); return (performance.now() - t0) / rounds; };
      const payloads = [];
      const present = await time(async () => payloads.push(await presentMleg1(held.credential, signer, { cred })));
      // The proof's own signing input, signed bare: the part no wallet can skip.
      const proof = payloads[0].slice(payloads[0].indexOf('~') + 1);
      const input = proof.slice(0, proof.lastIndexOf('.'));
      const sign = await time(() => signer.sign(input));
      const svg = document.getElementById('qr-code');
      const draw = await time(async (i) => { drawQr(svg, payloads[i]); svg.getBoundingClientRect(); });
      const version = drawQr(svg, payloads[0]);
      const compact = fromBase64url(held.compact);
      const aad = await credentialAad(compact);
      const compacts = [];
      const present2 = await time(async () => compacts.push(await presentMleg2(compact, signer, { aad })));
      const draw2 = await time(async (i) => { drawQr(svg, compacts[i]); svg.getBoundingClientRect(); });
      const version2 = drawQr(svg, compacts[0]);
      const frame = await time(() => new Promise((r) => requestAnimationFrame(() => r())));
      return { sign, present, draw, frame, length: payloads[0].length, input: input.length, version, present2, draw2, length2: compacts[0].length, version2 };
    };`;
  const out = await build({ stdin: { contents: entry, resolveDir: new URL('..', import.meta.url).pathname, loader: 'ts' }, bundle: true, format: 'iife', platform: 'browser', write: false, logLevel: 'silent' });
  return out.outputFiles[0]!.text;
}

const figures: Figure[] = [];
const notes: string[] = [];
const issuer = await startIssuer({ config: { log: { level: 'silent' } } });
const browser = await launchBrowser();
try {
  const context = await newPhone(browser);
  const page = await activateInWallet(context, issuer.url, await makeOffer(issuer, await registerStudent(issuer)));
  await bodyIs(page, 'standing', 'valid');
  await page.evaluate(await pageBench());
  await page.getByRole('button', { name: 'Pokaż kod QR' }).click();
  await bodyIs(page, 'qr-shown', '1');
  const r = (await page.evaluate(`__bench(${ROUNDS})`)) as { sign: number; present: number; draw: number; frame: number; length: number; input: number; version: number; present2: number; draw2: number; length2: number; version2: number };
  const ms = (v: number) => Math.round(v * 1000) / 1000;
  figures.push(
    { name: `bare WebCrypto ES256 signature of the proof's ${r.input}-byte input (baseline)`, value: ms(r.sign), unit: 'ms' },
    { name: 'an MLEG1 presentation: fresh proof claims, signed, base64url, joined', value: ms(r.present), unit: 'ms', ratio: r.present / r.sign, baseline: 'bare signature' },
    { name: `its QR code (${r.length} characters, version ${r.version}): encoded, one SVG path, laid out`, value: ms(r.draw), unit: 'ms', ratio: r.draw / r.present, baseline: 'an MLEG1 presentation' },
    { name: 'an MLEG2 presentation: proof claims in CBOR, Sig_structure, signed, COSE array, base45', value: ms(r.present2), unit: 'ms', ratio: r.present2 / r.sign, baseline: 'bare signature' },
    { name: `its QR code (${r.length2} characters, version ${r.version2}): encoded, one SVG path, laid out`, value: ms(r.draw2), unit: 'ms', ratio: r.draw2 / r.draw, baseline: 'the MLEG1 QR code' },
    { name: 'one animation frame, for reference', value: ms(r.frame), unit: 'ms' },
  );

  // Opening the wallet: a blank page of the same server, the ID online, the ID offline (service worker).
  const open = async (url: string, ready: () => Promise<unknown>): Promise<number> => {
    const times: number[] = [];
    for (let i = 0; i < OPENS; i++) {
      const t0 = performance.now();
      await page.goto(url);
      await ready();
      times.push(performance.now() - t0);
    }
    return times.sort((a, b) => a - b)[Math.floor(OPENS / 2)]!;
  };
  const blank = await open(`${issuer.url}/healthz`, async () => undefined);
  const online = await open(`${issuer.url}/wallet/`, () => bodyIs(page, 'view', 'card'));
  await context.setOffline(true);
  const offline = await open(`${issuer.url}/wallet/`, () => bodyIs(page, 'view', 'card'));
  await context.setOffline(false);
  figures.push(
    { name: 'GET /healthz in the browser, median (baseline)', value: Math.round(blank * 10) / 10, unit: 'ms' },
    { name: 'the wallet to the ID on screen, online, median', value: Math.round(online * 10) / 10, unit: 'ms', ratio: online / blank, baseline: 'GET /healthz' },
    { name: 'the same offline, from the service worker, median', value: Math.round(offline * 10) / 10, unit: 'ms', ratio: offline / blank, baseline: 'GET /healthz' },
  );

  // What a phone fetches the first time.
  let raw = 0;
  let gz = 0;
  for (const name of ['', 'wallet.js', 'wallet.css', 'manifest.webmanifest', 'icon.svg', 'icon-192.png', 'icon-512.png', 'icon-180.png', 'pattern.svg', 'sw.js']) {
    const body = Buffer.from(await (await fetch(`${issuer.url}/wallet/${name}`)).arrayBuffer());
    raw += body.length;
    gz += gzipSync(body).length;
    if (name === 'wallet.js') figures.push({ name: 'wallet.js (the bundle)', value: Math.round(body.length / 102.4) / 10, unit: 'KiB' }, { name: 'wallet.js gzip-compressed', value: Math.round(gzipSync(body).length / 102.4) / 10, unit: 'KiB' });
  }
  figures.push({ name: 'the app shell the service worker keeps', value: Math.round(raw / 102.4) / 10, unit: 'KiB' }, { name: 'the same gzip-compressed', value: Math.round(gz / 102.4) / 10, unit: 'KiB' });
  const wasm = Buffer.from(await (await fetch(`${issuer.url}/wallet/zxing_reader.wasm`)).arrayBuffer());
  figures.push({ name: 'zxing_reader.wasm (fetched only to scan a letter)', value: Math.round(wasm.length / 1024), unit: 'KiB' });
  notes.push('The service does not compress: a reverse proxy in front usually does (gzip figures above). The decoder is fetched on the first scan only and kept by the service worker after that.');
  await context.close();
} finally {
  await browser.close();
  await issuer.close();
}
writeReport('wallet', 'Web wallet on a phone-sized Chromium: presentations, QR drawing, opening, bytes', figures, notes);
