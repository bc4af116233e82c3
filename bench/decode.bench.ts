/**
 * `npm run bench decode`: both QR decoders in the same run. The ZXing blackbox corpus at
 * 0°: reads with one pass and with the retries, and ms per image for one pass on the same
 * grey pixels (each image decoded once beforehand) and for the whole path a request takes
 * (bytes, sharp, the decoding thread, the retries). Then our own codes, clean as the
 * wallet draws them and in our phone-screen set. Ratios are
 * against the first row, @zxing/library.
 */
import { performance } from 'node:perf_hooks';
import { qrPng } from '../src/issuer/qr.js';
import { ImageDecoder } from '../src/scan/image/decode-image.js';
import { findCodes } from '../src/scan/image/find-codes.js';
import type { GreyImage } from '../src/scan/image/grey-image.js';
import { loadQrDecoder } from '../src/scan/image/load-qr-decoder.js';
import type { QrDecoder, QrDecoderName } from '../src/scan/image/qr-decoder.js';
import { greyOf } from '../test/helpers/code-sheet.js';
import { CAMERA_SHOTS, photograph } from '../test/helpers/phone-screen.js';
import { World } from '../test/helpers/world.js';
import { readCorpus, wasRead } from '../test/helpers/zxing-corpus.js';
import { printRatios } from './measure.js';
import { writeReport, type Figure } from './report.js';

const DECODERS: QrDecoderName[] = ['zxing-js', 'zxing-wasm'];
const LONG_CODE = 'qrcode-5/19.png';
const ROUNDS = 3;


/** The best of ROUNDS runs of `run` over the corpus, in ms per image. */
async function bestMsPerImage(run: () => Promise<void>): Promise<number> {
  let best = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    await run();
    best = Math.min(best, (performance.now() - start) / corpus.length);
  }
  return best;
}

const texts = async (decoder: QrDecoder, image: GreyImage) => (await decoder.decode(image)).map((c) => c.text);

const corpus = await Promise.all(readCorpus().map(async (c) => ({ ...c, image: await greyOf(c.bytes) })));
const world = new World();
const WALLET_CODES = 40;
const walletCodes = await Promise.all(
  Array.from({ length: WALLET_CODES }, async () => {
    const payload = world.present();
    return { payload, image: await greyOf(await qrPng(payload)) };
  }),
);
const shots = await Promise.all(
  CAMERA_SHOTS.map(async (shot) => {
    const payload = world.present();
    return { name: shot.name, payload, image: await greyOf(await photograph([payload], shot)) };
  }),
);
world.close();

const onePassRates: [string, number][] = [];
const wholePathRates: [string, number][] = [];
const figures: Figure[] = [];
const notes: string[] = [];
/** Times per image as figures, each against the first decoder's (the baseline row of the ratios). */
/** How many of `total` were read, as a share (report values print with decimals). */
const readShare = (name: string, read: number, total: number): Figure => ({ name: `${name} (${read} of ${total})`, value: (100 * read) / total, unit: '%' });
const msPerImage = (name: string, what: string, ms: number): Figure => {
  const baseline = figures.find((f) => f.name === `${DECODERS[0]}: ms per image, ${what}`);
  return { name: `${name}: ms per image, ${what}`, value: ms, unit: 'ms', ...(baseline !== undefined ? { ratio: ms / baseline.value, baseline: baseline.name } : {}) };
};
process.stdout.write(`corpus: test/fixtures/zxing-qrcode, ${corpus.length} images at 0°\n`);
const long = `${LONG_CODE} (${corpus.find((c) => c.name === LONG_CODE)!.expected.length} chars)`;
process.stdout.write(`  ${'decoder'.padEnd(12)} ${'one pass'.padStart(9)} ${'retries'.padStart(9)} ${'ms, pass'.padStart(9)} ${'ms, path'.padStart(9)}   ${long}\n`);
for (const name of DECODERS) {
  const decoder = await loadQrDecoder(name);
  let onePass = 0;
  let withRetries = 0;
  let longRead = false;
  for (const c of corpus) {
    const read = wasRead(await texts(decoder, c.image), c.expected);
    if (read) onePass += 1;
    if (c.name === LONG_CODE) longRead = read;
    if (read || wasRead((await findCodes(c.image, decoder)).codes.map((x) => x.text), c.expected)) withRetries += 1;
  }
  const pass = await bestMsPerImage(async () => {
    for (const c of corpus) await decoder.decode(c.image);
  });
  const images = new ImageDecoder({ decoder: name, maxPixels: 25_000_000, timeoutMs: 60_000 });
  const path = await bestMsPerImage(async () => {
    for (const c of corpus) await images.decode(c.bytes);
  });
  await images.close();
  onePassRates.push([`${name}: images per second, one pass on grey pixels`, 1000 / pass]);
  wholePathRates.push([`${name}: images per second, bytes to codes`, 1000 / path]);
  const reads = (n: number) => `${n}/${corpus.length}`.padStart(9);
  process.stdout.write(`  ${name.padEnd(12)} ${reads(onePass)} ${reads(withRetries)} ${pass.toFixed(2).padStart(9)} ${path.toFixed(2).padStart(9)}   ${longRead ? 'read' : 'missed'}\n`);
  figures.push(
    readShare(`${name}: corpus read, one pass`, onePass, corpus.length),
    readShare(`${name}: corpus read, with retries`, withRetries, corpus.length),
    msPerImage(name, 'one pass on grey pixels', pass),
    msPerImage(name, 'bytes to codes', path),
  );
  notes.push(`${name}: ${long} ${longRead ? 'read' : 'missed'}`);
}
printRatios(`corpus speed (best of ${ROUNDS} rounds)`, [...onePassRates, ...wholePathRates]);

process.stdout.write(`\nour codes as \`mleg wallet present --qr\` draws them (${WALLET_CODES} presentations, ~${walletCodes[0]!.payload.length} characters), one pass\n`);
for (const name of DECODERS) {
  const decoder = await loadQrDecoder(name);
  let read = 0;
  for (const c of walletCodes) if ((await texts(decoder, c.image)).includes(c.payload)) read += 1;
  process.stdout.write(`  ${name.padEnd(12)} ${`${read}/${WALLET_CODES}`.padStart(9)}\n`);
  figures.push(readShare(`${name}: our codes as the wallet draws them, read`, read, WALLET_CODES));
}

process.stdout.write(`\nphone-screen set: ${shots.length} camera pictures of ~${shots[0]!.payload.length}-character presentations (test/helpers/phone-screen.ts)\n`);
for (const name of DECODERS) {
  const decoder = await loadQrDecoder(name);
  const outcomes: string[] = [];
  let read = 0;
  for (const shot of shots) {
    const found = await findCodes(shot.image, decoder);
    const ok = found.codes.some((c) => c.text === shot.payload);
    if (ok) read += 1;
    if (!ok) outcomes.push(`${shot.name}: missed`);
    else if (found.pass !== 'as is') outcomes.push(`${shot.name}: ${found.pass}`);
  }
  process.stdout.write(`  ${name.padEnd(12)} ${`${read}/${shots.length}`.padStart(9)}   ${outcomes.length === 0 ? 'all at the first pass' : outcomes.join('; ')}\n`);
  figures.push(readShare(`${name}: phone-screen set, read`, read, shots.length));
}

notes.push(
  `corpus: test/fixtures/zxing-qrcode, ${corpus.length} images at 0°; times are the best of ${ROUNDS} rounds; ` +
    `"bytes to codes" is what a request costs (sharp, the decoding thread, the retries); our codes are fresh presentations in each run`,
);
writeReport('decode', 'Images: QR decoding on the corpus and on our own codes', figures, notes);
