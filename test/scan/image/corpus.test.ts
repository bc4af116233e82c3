/**
 * The ZXing blackbox QR images (182, at 0°) through the whole image path: bytes, sharp,
 * the decoding thread, the retries. A regression guard on how many are read, not a timing.
 */
import t from 'tap';
import { parseConfig } from '../../../src/config/config.js';
import { ImageDecoder } from '../../../src/scan/image/decode-image.js';
import { QR_DECODERS } from '../../../src/scan/image/qr-decoder.js';
import { readCorpus, wasRead } from '../../helpers/zxing-corpus.js';

/** Images read when this test was written; raise a floor when a change reads more. */
const FLOORS = { 'zxing-wasm': 170, 'zxing-js': 163 };
/** qrcode-5/19.png holds 1273 characters (with CRLFs): our payloads are about that long. */
const LONG_CODE = 'qrcode-5/19.png';

const corpus = readCorpus();
const defaults = parseConfig({ trust: { file: 'trust.json' } }, 'test', '/').image;

t.test('the corpus is complete', async (t) => {
  t.equal(corpus.length, 182);
  t.ok(corpus.find((c) => c.name === LONG_CODE)!.expected.length > 1200);
});

for (const decoder of QR_DECODERS) {
  t.test(`${decoder} reads at least ${FLOORS[decoder]} of 182`, async (t) => {
    const images = new ImageDecoder({ ...defaults, decoder, timeoutMs: 60_000 });
    t.teardown(() => images.close());
    const missed: string[] = [];
    for (const image of corpus) {
      const { codes } = await images.decode(image.bytes);
      if (!wasRead(codes.map((c) => c.text), image.expected)) missed.push(image.name);
    }
    const read = corpus.length - missed.length;
    t.ok(read >= FLOORS[decoder], `read ${read}; missed ${missed.join(' ')}`);
    t.notOk(missed.includes(LONG_CODE), 'the 1273-character code is read');
  });
}
