/**
 * Scanning the letter's QR code with the phone's camera: Chromium's fake camera plays a
 * video of the printed letter (its openid-credential-offer:// QR code, drawn as the school's
 * letter draws it), the wallet reads it with zxing-wasm in the browser (its .wasm from
 * /wallet/, no CDN), and activation goes on from there. A camera that is refused says so.
 */
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import t from 'tap';
import { qrPng } from '../../src/issuer/qr.js';
import { launchBrowser, screenshot } from '../helpers/browser.js';
import { makeOffer, registerStudent, startIssuer, type TestIssuer } from '../helpers/issuance.js';
import { bodyIs, newPhone } from '../helpers/wallet-phone.js';

const dir = mkdtempSync(join(tmpdir(), 'mleg-camera-'));
let issuer: TestIssuer;
t.before(async () => {
  issuer = await startIssuer();
});
t.teardown(async () => {
  await issuer.close();
  rmSync(dir, { recursive: true, force: true });
});

const W = 640;
const H = 480;

/** A Y4M video (what Chromium's fake camera plays) of the letter: its QR code on white paper, a little off-centre. */
async function letterVideo(link: string): Promise<string> {
  const code = await qrPng(link, 4);
  const grey = await sharp({ create: { width: W, height: H, channels: 3, background: '#f2f2ee' } })
    .composite([{ input: code, left: 150, top: 40 }])
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const y = grey.data.subarray(0, W * H);
  const chroma = Buffer.alloc((W / 2) * (H / 2), 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma, chroma]);
  const file = join(dir, 'letter.y4m');
  writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`), frame, frame, frame]));
  return file;
}

t.test('the letter\'s QR code through the camera leads to activation', async (t) => {
  const offer = await makeOffer(issuer, await registerStudent(issuer));
  const video = await letterVideo(offer.offer);
  const browser = await launchBrowser(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`]);
  t.teardown(() => browser.close());
  const context = await newPhone(browser);
  await context.grantPermissions(['camera'], { origin: issuer.url });
  const requests: string[] = [];
  context.on('request', (r) => requests.push(r.url()));
  const page = await context.newPage();
  await page.goto(`${issuer.url}/wallet/`);
  await bodyIs(page, 'view', 'activate');
  await page.getByRole('button', { name: 'Zeskanuj kod QR z pisma' }).click();
  await page.waitForSelector('#offer-known:not([hidden])', { timeout: 20_000 });
  await screenshot(page, 'wallet-scanned');
  t.ok(await page.locator('#camera').isHidden(), 'the camera is closed once the code is read');
  t.equal(await page.evaluate(`document.getElementById('camera-video').srcObject`), null, 'and its stream let go');
  t.ok(requests.some((u) => u === `${issuer.url}/wallet/zxing_reader.wasm`), 'the decoder came from /wallet/');
  t.same(requests.filter((u) => !u.startsWith(issuer.url)), [], 'and nothing from anywhere else');
  await page.locator('#code').fill(offer.tx_code);
  await page.locator('#activate-button').click();
  await bodyIs(page, 'view', 'card');
  await bodyIs(page, 'standing', 'valid');
});

t.test('a camera refused: said so, and the link can still be pasted', async (t) => {
  const browser = await launchBrowser(['--use-fake-device-for-media-stream']);
  t.teardown(() => browser.close());
  const context = await newPhone(browser);
  const page = await context.newPage();
  await page.goto(`${issuer.url}/wallet/`);
  await bodyIs(page, 'view', 'activate');
  // Without a grant (and without the fake UI accepting) headless Chromium refuses the camera.
  await page.getByRole('button', { name: 'Zeskanuj kod QR z pisma' }).click();
  await bodyIs(page, 'message', 'camera');
  t.equal(await page.textContent('#activate-message'), 'Nie można użyć aparatu. Otwórz link z pisma albo wklej go poniżej.');
  t.ok(await page.getByLabel('albo wklej link z pisma').isVisible(), 'the paste field is there');
});
