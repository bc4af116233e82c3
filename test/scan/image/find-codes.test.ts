/** The retries: only when the first look finds nothing, and only the cheap ones. */
import t from 'tap';
import { findCodes, MAX_DOUBLED_PIXELS, plannedPasses } from '../../../src/scan/image/find-codes.js';
import type { GreyImage } from '../../../src/scan/image/grey-image.js';
import { loadQrDecoder } from '../../../src/scan/image/load-qr-decoder.js';
import { codeSheet, greyOf } from '../../helpers/code-sheet.js';
import { photograph, placed } from '../../helpers/phone-screen.js';


const PAYLOAD = `MLEG1:${'presentation'.repeat(85)}`; // about 1000 characters, as ours are

t.test('the planned looks: inverted only for a decoder that does not look for it itself; doubled when small, halved when big', async (t) => {
  const [wasm, js] = [await loadQrDecoder('zxing-wasm'), await loadQrDecoder('zxing-js')];
  const frame = (width: number, height: number): GreyImage => ({ data: new Uint8Array(0), width, height });
  t.same(plannedPasses(frame(1280, 960), wasm), ['as is', 'doubled']);
  t.same(plannedPasses(frame(1280, 960), js), ['as is', 'inverted', 'doubled']);
  t.same(plannedPasses(frame(1920, 1080), wasm), ['as is', 'doubled'], 'Full HD is still doubled');
  t.equal(1920 * 1080 * 4, MAX_DOUBLED_PIXELS);
  t.same(plannedPasses(frame(1920, 1081), wasm), ['as is', 'halved']);
  t.same(plannedPasses(frame(4000, 3000), js), ['as is', 'inverted', 'halved']);
});

t.test('found at the first look: no retry', async (t) => {
  const found = await findCodes(await greyOf(await codeSheet(300, 240, [{ text: 'MLEG1:first', left: 90, top: 60 }])), await loadQrDecoder('zxing-wasm'));
  t.same(found.codes.map((c) => c.text), ['MLEG1:first']);
  t.same([found.pass, found.passes], ['as is', 1]);
});

t.test('dark mode with a decoder that reads only dark on light: found by the inverted retry', async (t) => {
  const found = await findCodes(await greyOf(await photograph([PAYLOAD], { name: 'dark', phones: [placed(640, 480, 0.7)], dark: true })), await loadQrDecoder('zxing-js'));
  t.same(found.codes.map((c) => c.text), [PAYLOAD]);
  t.same([found.pass, found.passes], ['inverted', 2]);
});

t.test('a code too small to read (about 1.2 px per module): found at twice the size, its position given in the original pixels', async (t) => {
  const image = await greyOf(await photograph([PAYLOAD], { name: 'far', phones: [placed(640, 480, 0.3, 20)] }));
  const found = await findCodes(image, await loadQrDecoder('zxing-wasm'));
  t.same(found.codes.map((c) => c.text), [PAYLOAD]);
  t.same([found.pass, found.passes], ['doubled', 2]);
  const { topLeft, bottomRight } = found.codes[0]!.position;
  // The phone is centred in the frame, the code in its upper half: well inside the 1280×960 frame, not in a 2560×1920 one.
  for (const p of [topLeft, bottomRight]) t.ok(p.x > 400 && p.x < 880 && p.y > 150 && p.y < 600, `corner (${p.x}, ${p.y}) in frame pixels`);
});

t.test('nothing to find: every planned look, then an empty list', async (t) => {
  const blank = await greyOf(await codeSheet(320, 240, []));
  for (const name of ['zxing-wasm', 'zxing-js'] as const) {
    const decoder = await loadQrDecoder(name);
    const found = await findCodes(blank, decoder);
    t.same(found, { codes: [], pass: null, passes: plannedPasses(blank, decoder).length }, name);
  }
});

t.test('several codes come back in reading order', async (t) => {
  const sheet = [
    { text: 'MLEG1:3', left: 20, top: 260 },
    { text: 'MLEG1:2', left: 280, top: 30 },
    { text: 'MLEG1:1', left: 20, top: 20 },
    { text: 'MLEG1:4', left: 290, top: 250 },
  ];
  const found = await findCodes(await greyOf(await codeSheet(440, 400, sheet)), await loadQrDecoder('zxing-wasm'));
  t.same(found.codes.map((c) => c.text), ['MLEG1:1', 'MLEG1:2', 'MLEG1:3', 'MLEG1:4']);
});
