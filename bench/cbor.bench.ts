/**
 * `npm run bench cbor`: our strict CBOR reader (src/cose/cbor.ts) against cborg with its
 * strict options (`strict`, `rejectDuplicateMapKeys`, `allowIndefinite: false`,
 * `allowUndefined: false`, `useMaps`, tag 18 only), on what an MLEG2 presentation needs
 * decoded, from its bytes (base45 left out, the same for both): the array of two
 * COSE_Sign1 and the proof's protected header and claims (what a returning holder's
 * presentation costs), and the credential's header and claims as well (a first sight).
 * cborg cannot say where an item's bytes lie, which the proof's external_aad and the
 * credential cache need; here it is spared that (its figures are a floor).
 */
import { performance } from 'node:perf_hooks';
import { decode as cborgDecode, type TagDecoder } from 'cborg';
import { CborReader, decodeCborMap } from '../src/cose/cbor.js';
import { readCoseSign1 } from '../src/cose/cose-sign1.js';
import { decodeBase45 } from '../src/cose/base45.js';
import { World } from '../test/helpers/world.js';
import { exposedGc } from './measure.js';
import { writeReport, type Figure } from './report.js';

const gc = exposedGc(import.meta.url);
const COUNT = 2000;
const LOOPS = 25;
const ROUNDS = 5;

const world = new World({ format: 'MLEG2' });
const credential = world.credential();
const texts = Array.from({ length: COUNT }, () => Buffer.from(world.present(credential).slice(6), 'latin1').toString('latin1'));
const presentations = texts.map((text) => decodeBase45(text)!);
world.close();

const tag18: TagDecoder = (decode) => decode();
const STRICT = { strict: true, rejectDuplicateMapKeys: true, allowIndefinite: false, allowUndefined: false, allowInfinity: false, allowNaN: false, allowBigInt: false, useMaps: true, tags: { 18: tag18 } as Record<number, TagDecoder> };
const INNER = { ...STRICT, tags: {} };

const ours = {
  returning: (bytes: Buffer) => {
    const reader = new CborReader(bytes);
    reader.head();
    const credential = readCoseSign1(reader);
    const proof = readCoseSign1(reader);
    const header = decodeCborMap(proof.protected, 'h');
    const claims = decodeCborMap(proof.payload, 'c');
    return header.ok && claims.ok && credential.bytes.length > 0;
  },
  first: (bytes: Buffer) => {
    const reader = new CborReader(bytes);
    reader.head();
    const credential = readCoseSign1(reader);
    const proof = readCoseSign1(reader);
    return [decodeCborMap(credential.protected, 'h'), decodeCborMap(credential.payload, 'c'), decodeCborMap(proof.protected, 'h'), decodeCborMap(proof.payload, 'c')].every((r) => r.ok);
  },
};

const cborg = {
  returning: (bytes: Buffer) => {
    const [, proof] = cborgDecode(bytes, STRICT) as [unknown[], [Uint8Array, Map<unknown, unknown>, Uint8Array, Uint8Array]];
    return cborgDecode(proof[0], INNER) instanceof Map && cborgDecode(proof[2], INNER) instanceof Map;
  },
  first: (bytes: Buffer) => {
    const [credential, proof] = cborgDecode(bytes, STRICT) as [Uint8Array[], Uint8Array[]];
    return [credential[0]!, credential[2]!, proof[0]!, proof[2]!].every((b) => cborgDecode(b, INNER) instanceof Map);
  },
};

/** Presentations per second, the best of ROUNDS. */
function rate<T>(decode: (input: T) => unknown, inputs: T[] = presentations as T[]): number {
  let best = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    for (let loop = 0; loop < LOOPS; loop++) for (const p of inputs) if (!decode(p)) throw new Error('not decoded');
    gc({ type: 'minor' });
    best = Math.max(best, (COUNT * LOOPS * 1000) / (performance.now() - start));
  }
  return best;
}

// Both must refuse what strict decoding refuses, or the race is not a fair one.
const refusals: Record<string, Buffer> = {
  'duplicate key': Buffer.from('a201020103', 'hex'),
  'indefinite array': Buffer.from('9f01ff', 'hex'),
  'non-minimal integer': Buffer.from('1817', 'hex'),
  undefined: Buffer.from('f7', 'hex'),
  'trailing byte': Buffer.from('0000', 'hex'),
};
for (const [name, bytes] of Object.entries(refusals)) {
  let refused = false;
  try {
    cborgDecode(bytes, INNER);
  } catch {
    refused = true;
  }
  if (!refused) throw new Error(`cborg accepted ${name}`);
}

const figures: Figure[] = [];
for (const what of ['returning', 'first'] as const) {
  const label = what === 'returning' ? 'a returning holder (the array, the proof\'s header and claims)' : 'a first sight (the credential\'s header and claims too)';
  const theirs = rate(cborg[what]);
  const mine = rate(ours[what]);
  figures.push(
    { name: `cborg 6, strict: ${label}`, value: theirs, unit: '/s' },
    { name: `ours (src/cose/cbor.ts): ${label}`, value: mine, unit: '/s', ratio: mine / theirs, baseline: `cborg 6, strict: ${label}` },
  );
}
figures.push({ name: `base45 of the text (${texts[0]!.length} characters) to the bytes, for reference`, value: rate(decodeBase45, texts), unit: '/s' });
writeReport('cbor', 'MLEG2: strict CBOR decoding, ours against cborg', figures, [
  `${COUNT} fresh MLEG2 presentations (${presentations[0]!.length} bytes each) decoded ${LOOPS} times a round, the best of ${ROUNDS} rounds; base45 is decoded beforehand`,
  'cborg refuses the same inputs here (duplicate keys, indefinite lengths, non-minimal integers, undefined, trailing bytes), but gives no item offsets: the exact bytes a proof binds would have to be re-encoded',
]);
