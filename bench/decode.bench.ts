/**
 * `npm run bench decode`: both QR decoders in the same run. The ZXing blackbox corpus at
 * 0°: reads with one pass and with the retries, and ms per image for one pass on the same
 * grey pixels (each image decoded once beforehand) and for the whole path a request takes
 * (bytes, sharp, the decoding thread, the retries). Then our own codes, clean as the
 * wallet draws them and in our phone-screen set. Ratios are
 * against the first row, @zxing/library. Then the two formats: MLEG1 and MLEG2 renders of
 * the same presentations (the same credential and proof), each drawn as large as a
 * phone's screen allows, photographed far, very far, tilted and dim, read as the service
 * reads them (zxing-wasm with its retries); and each format's demo payload's QR size.
 */
import { performance } from 'node:perf_hooks';
import { qrPng } from '../src/issuer/qr.js';
import { ImageDecoder } from '../src/scan/image/decode-image.js';
import { findCodes } from '../src/scan/image/find-codes.js';
import type { GreyImage } from '../src/scan/image/grey-image.js';
import { loadQrDecoder } from '../src/scan/image/load-qr-decoder.js';
import type { QrDecoder, QrDecoderName } from '../src/scan/image/qr-decoder.js';
import { greyOf } from '../test/helpers/code-sheet.js';
import { demoPayloads } from '../src/commands/demo.js';
import { qrSize } from '../src/issuer/qr.js';
import { seededRandom } from '../test/helpers/random.js';
import { CAMERA_SHOTS, photograph, placed, type CameraShot } from '../test/helpers/phone-screen.js';
import { NOW_S, World } from '../test/helpers/world.js';
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

// ---- MLEG1 and MLEG2: the same presentations, on the same phones, at the same distances.
const SAMPLES = 8;
/** Conditions, each drawn SAMPLES times with the phone moved and turned a little (seeded). */
const CONDITIONS: { name: string; shot: (random: () => number) => Omit<CameraShot, 'name'> }[] = [
  { name: 'far (phone 0.36 of full size)', shot: (r) => ({ phones: [placed(560 + 160 * r(), 420 + 120 * r(), 0.36, -15 + 30 * r())] }) },
  { name: 'very far (0.26)', shot: (r) => ({ phones: [placed(560 + 160 * r(), 420 + 120 * r(), 0.26, -15 + 30 * r())] }) },
  { name: 'very far (0.21)', shot: (r) => ({ phones: [placed(560 + 160 * r(), 420 + 120 * r(), 0.21, -15 + 30 * r())] }) },
  { name: 'very far (0.17)', shot: (r) => ({ phones: [placed(560 + 160 * r(), 420 + 120 * r(), 0.17, -15 + 30 * r())] }) },
  { name: 'tilted back and sideways (0.45)', shot: (r) => ({ phones: [placed(640, 480, 0.45, -20 + 40 * r(), 0.3 + 0.1 * r(), 0.2 + 0.1 * r())] }) },
  { name: 'dim, noisy, soft (0.45)', shot: (r) => ({ phones: [placed(640, 480, 0.45, -10 + 20 * r())], dim: 0.22, noise: 5, blur: 0.9, jpeg: 75 }) },
  { name: 'dimmer, noisy, soft (0.45)', shot: (r) => ({ phones: [placed(640, 480, 0.45, -10 + 20 * r())], dim: 0.12, noise: 5, blur: 0.9, jpeg: 75 }) },
];
const one = new World({ format: 'MLEG1' });
const two = new World({ format: 'MLEG2' });
Object.assign(two, { issuer: one.issuer, device: one.device });
const pairs = Array.from({ length: SAMPLES }, (_, i) => {
  const jti = `same-proof-${String(i).padStart(13, '0')}`;
  return { MLEG1: one.present(one.credential(), { jti, iat: NOW_S }), MLEG2: two.present(two.credential(), { jti, iat: NOW_S }) };
});
one.close();
two.close();
const sizes = { MLEG1: qrSize(pairs[0]!.MLEG1), MLEG2: qrSize(pairs[0]!.MLEG2) };
process.stdout.write(
  `
MLEG1 and MLEG2 on phone screens: the same ${SAMPLES} presentations (${pairs[0]!.MLEG1.length} characters, version ${sizes.MLEG1.version}; ` +
    `${pairs[0]!.MLEG2.length} characters, version ${sizes.MLEG2.version}), each condition ${SAMPLES} pictures, zxing-wasm with retries
`,
);
const wasm = await loadQrDecoder('zxing-wasm');
const formatRows: string[] = [];
for (const condition of CONDITIONS) {
  const reads = { MLEG1: 0, MLEG2: 0 };
  const random = seededRandom(condition.name.length * 131);
  for (const pair of pairs) {
    const shot = { name: condition.name, fitWidth: true, ...condition.shot(random) };
    for (const format of ['MLEG1', 'MLEG2'] as const) {
      const found = await findCodes(await greyOf(await photograph([pair[format]], shot)), wasm);
      if (found.codes.some((c) => c.text === pair[format])) reads[format] += 1;
    }
  }
  formatRows.push(`  ${condition.name.padEnd(34)} MLEG1 ${`${reads.MLEG1}/${SAMPLES}`.padStart(5)}   MLEG2 ${`${reads.MLEG2}/${SAMPLES}`.padStart(5)}`);
  figures.push(readShare(`MLEG1 read, ${condition.name}`, reads.MLEG1, SAMPLES), readShare(`MLEG2 read, ${condition.name}`, reads.MLEG2, SAMPLES));
}
process.stdout.write(`${formatRows.join('\n')}\n`);
const demo = demoPayloads();
for (const [format, payload] of [
  ['MLEG1', demo.valid],
  ['MLEG2', demo.mleg2.valid],
] as const) {
  const { version, modules } = qrSize(payload);
  figures.push({ name: `${format} demo VALID payload: QR version at M (${payload.length} characters, ${modules} modules a side)`, value: version, unit: '' });
}
notes.push(
  `MLEG1 / MLEG2 on phones: each code as large as the 672-pixel-wide screen allows (MLEG1 ${Math.floor(672 / (sizes.MLEG1.modules + 8))} px a module, ` +
    `MLEG2 ${Math.floor(672 / (sizes.MLEG2.modules + 8))}), the phone scaled as named in a 1280×960 frame; ${SAMPLES} pictures per condition, seeded`,
);

notes.push(
  `corpus: test/fixtures/zxing-qrcode, ${corpus.length} images at 0°; times are the best of ${ROUNDS} rounds; ` +
    `"bytes to codes" is what a request costs (sharp, the decoding thread, the retries); our codes are fresh presentations in each run`,
);
writeReport('decode', 'Images: QR decoding on the corpus and on our own codes', figures, notes);
