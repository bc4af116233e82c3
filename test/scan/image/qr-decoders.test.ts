import t, { type Test } from 'tap';
import { loadQrDecoder } from '../../../src/scan/image/load-qr-decoder.js';
import { QR_DECODERS, type DecodedCode, type QrDecoder } from '../../../src/scan/image/qr-decoder.js';
import { codeSheet, greyOf } from '../../helpers/code-sheet.js';


const centre = (c: DecodedCode) => {
  const { topLeft, topRight, bottomRight, bottomLeft } = c.position;
  return { x: (topLeft.x + topRight.x + bottomRight.x + bottomLeft.x) / 4, y: (topLeft.y + topRight.y + bottomRight.y + bottomLeft.y) / 4 };
};

/** A text of `length` characters, tagged by `tag`. */
const tagged = (tag: string, length: number) => `MLEG1:${tag}:`.padEnd(length, tag);

/** Where a code drawn at (left, top) has its centre: `modules` plus the 4-module quiet zone each side, at `scale` pixels per module. */
const drawnCentre = (left: number, top: number, modules: number, scale: number) => ({ x: left + ((modules + 8) * scale) / 2, y: top + ((modules + 8) * scale) / 2 });

async function expectAll(t: Test, decoder: QrDecoder, width: number, height: number, sheet: { text: string; left: number; top: number; scale: number; modules: number }[]) {
  const codes = await decoder.decode(await greyOf(await codeSheet(width, height, sheet)));
  t.same(codes.map((c) => c.text).sort(), sheet.map((g) => g.text).sort(), 'every code');
  for (const c of codes) {
    const g = sheet.find((x) => x.text === c.text)!;
    const { x, y } = centre(c);
    const want = drawnCentre(g.left, g.top, g.modules, g.scale);
    t.ok(Math.abs(x - want.x) < 20 && Math.abs(y - want.y) < 20, `${c.text.slice(0, 20)}… is where it was drawn`);
  }
}

for (const name of QR_DECODERS) {
  t.test(name, async (t) => {
    const decoder = await loadQrDecoder(name);
    t.equal(decoder.name, name);

    t.test('one code: its text, its format, and where it is', async (t) => {
      const codes = await decoder.decode(await greyOf(await codeSheet(300, 240, [{ text: 'MLEG1:hello', left: 90, top: 60 }])));
      t.same(codes.map((c) => [c.text, c.format]), [['MLEG1:hello', 'QRCode']]);
      const { x, y } = centre(codes[0]!);
      t.ok(Math.abs(x - (90 + 58)) < 20 && Math.abs(y - (60 + 58)) < 20, `centre (${x}, ${y}) is the code's centre`);
    });

    t.test('no code: an empty list', async (t) => {
      t.same(await decoder.decode(await greyOf(await codeSheet(200, 200, []))), []);
    });

    t.test('light on dark: read by the decoder only when it says it reads inverted codes', async (t) => {
      const codes = await decoder.decode(await greyOf(await codeSheet(300, 240, [{ text: 'dark mode', left: 90, top: 60 }], true)));
      t.same(
        codes.map((c) => c.text),
        decoder.readsInverted ? ['dark mode'] : [],
      );
    });
  });
}

t.test('zxing-wasm: several codes, every one of them', async (t) => {
  const decoder = await loadQrDecoder('zxing-wasm');
  t.test('two phones side by side', async (t) => {
    // 1000 characters: version 25, 117 modules, as our presentations are.
    const sheet = [
      { text: tagged('left', 1000), left: 10, top: 30, scale: 3, modules: 117 },
      { text: tagged('right', 1000), left: 420, top: 10, scale: 3, modules: 117 },
    ];
    await expectAll(t, decoder, 820, 420, sheet);
  });
  t.test('four small codes close together', async (t) => {
    const sheet = ['top-left', 'top-right', 'bottom-left', 'bottom-right'].map((tag, i) => ({
      text: tagged(tag, 20),
      left: [20, 300, 30, 310][i]!,
      top: [20, 30, 300, 290][i]!,
      scale: 4,
      modules: 21,
    }));
    await expectAll(t, decoder, 480, 460, sheet);
  });
});

t.test('zxing-js: one code per image; with several in view it reads none (README: choosing a decoder)', async (t) => {
  const decoder = await loadQrDecoder('zxing-js');
  const one = { text: tagged('left', 1000), left: 10, top: 30, scale: 3 };
  t.equal((await decoder.decode(await greyOf(await codeSheet(820, 420, [one])))).length, 1);
  t.same(await decoder.decode(await greyOf(await codeSheet(820, 420, [one, { text: tagged('right', 1000), left: 420, top: 10, scale: 3 }]))), []);
});

t.test('an unknown decoder name is not loaded', async (t) => {
  await t.rejects(loadQrDecoder('jsqr' as never));
});
