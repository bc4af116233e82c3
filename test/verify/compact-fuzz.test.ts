/**
 * Properties (fast-check): whatever follows `MLEG2:` — any string, any base45, any CBOR,
 * COSE-shaped arrays of anything, a genuine presentation with bytes flipped, cut or
 * inserted — verify() never throws and always answers with a verdict and a well-formed
 * result; what it cannot read is MALFORMED with nothing shown.
 */
import fc from 'fast-check';
import t from 'tap';
import { BASE45_ALPHABET, encodeBase45 } from '../../src/cose/base45.js';
import { CborFloat, CborTagged, decodeCbor, encodeCbor, type CborInput } from '../../src/cose/cbor.js';
import { VERDICTS } from '../../src/verify/verdicts.js';
import type { VerifyResult } from '../../src/verify/result.js';
import { World } from '../helpers/world.js';

const w = new World({ format: 'MLEG2' });
t.teardown(() => w.close());
const RUNS = 400;

/** The result of one payload; fails the property (by throwing) on anything but a well-formed answer. */
function answer(payload: string): VerifyResult {
  const r = w.verify(payload);
  if (!VERDICTS.includes(r.verdict)) throw new Error(`not a verdict: ${String(r.verdict)}`);
  if (r.valid !== (r.verdict === 'VALID') || typeof r.reason !== 'string' || r.reason.length === 0) throw new Error(`ill-formed result ${JSON.stringify(r)}`);
  if (['MALFORMED', 'UNKNOWN_ISSUER', 'BAD_SIGNATURE'].includes(r.verdict) && (r.credential !== null || r.holder !== null || r.presented_at !== null)) {
    throw new Error(`${r.verdict} shows data`);
  }
  return r;
}

const malformed = (payload: string) => answer(payload).verdict === 'MALFORMED';

const cbor: fc.Arbitrary<CborInput> = fc.letrec<{ value: CborInput }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
    fc.string({ maxLength: 12 }),
    fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)),
    fc.constantFrom<CborInput>(true, false, null),
    fc.double({ noNaN: true }).map((x) => new CborFloat(x)),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.array(fc.tuple(fc.oneof(fc.integer({ min: -70000, max: 70000 }), fc.string({ maxLength: 8 })), tie('value')), { maxLength: 5 }).map((entries) => new Map(entries)),
    fc.tuple(fc.constantFrom(18, 98, 17, 1, 24), tie('value')).map(([tag, v]) => new CborTagged(tag, v)),
  ),
})).value;

/** A COSE_Sign1 of anything: a serialised map of anything as its headers and payload, any signature. */
const anySign1: fc.Arbitrary<CborInput> = fc
  .tuple(cbor, fc.oneof(cbor, fc.constant(new Map())), cbor, fc.uint8Array({ minLength: 0, maxLength: 70 }), fc.boolean())
  .map(([header, unprotected, payload, signature, tag]) => {
    const array: CborInput = [encodeCbor(header), unprotected, encodeCbor(payload), Buffer.from(signature)];
    return tag ? new CborTagged(18, array) : array;
  });

t.test('any string after MLEG2:', async (t) => {
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => malformed(`MLEG2:${s}`)), { numRuns: RUNS });
  t.pass(`${RUNS} strings, all MALFORMED`);
});

t.test('any base45 text', async (t) => {
  fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...BASE45_ALPHABET), maxLength: 600 }), (s) => malformed(`MLEG2:${s}`)), { numRuns: RUNS });
  t.pass(`${RUNS} base45 strings, all MALFORMED`);
});

t.test('any bytes, and any CBOR value', async (t) => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 500 }), (b) => malformed(`MLEG2:${encodeBase45(b)}`)), { numRuns: RUNS });
  fc.assert(
    fc.property(cbor, (v) => {
      answer(`MLEG2:${encodeBase45(encodeCbor(v))}`);
      // The decoder alone: a value or a reason, never an exception.
      decodeCbor(encodeCbor(v));
      return true;
    }),
    { numRuns: RUNS },
  );
  t.pass('no exception, every answer a verdict');
});

t.test('arrays of COSE_Sign1 of anything', async (t) => {
  fc.assert(
    fc.property(fc.array(anySign1, { minLength: 1, maxLength: 2 }), (items) => {
      // Nothing here is signed by a trusted key: at best UNKNOWN_ISSUER or BAD_SIGNATURE, never a verdict with data.
      const r = answer(`MLEG2:${encodeBase45(encodeCbor(items))}`);
      return ['MALFORMED', 'UNKNOWN_ISSUER', 'BAD_SIGNATURE'].includes(r.verdict);
    }),
    { numRuns: RUNS },
  );
  t.pass('all refused');
});

t.test('a genuine presentation with bytes flipped, cut, or inserted', async (t) => {
  const credential = w.credential();
  const genuine = Buffer.concat([Buffer.from([0x82]), Buffer.from(credential, 'base64url'), Buffer.from(w.proof(credential), 'base64url')]);
  t.equal(answer(`MLEG2:${encodeBase45(genuine)}`).verdict, 'VALID', 'control: the genuine bytes');
  const seen = new Set<string>();
  fc.assert(
    fc.property(
      fc.nat({ max: genuine.length - 1 }),
      fc.integer({ min: 1, max: 255 }),
      fc.constantFrom('flip', 'cut', 'insert'),
      (at, byte, how) => {
        const bytes = how === 'flip' ? Buffer.from(genuine) : how === 'cut' ? genuine.subarray(0, at) : Buffer.concat([genuine.subarray(0, at), Buffer.from([byte]), genuine.subarray(at)]);
        if (how === 'flip') bytes[at]! ^= byte;
        const r = answer(`MLEG2:${encodeBase45(bytes)}`);
        seen.add(r.verdict);
        // A change anywhere is caught, by the decoder or a signature.
        return r.verdict !== 'VALID';
      },
    ),
    { numRuns: 2000 },
  );
  t.ok(seen.has('MALFORMED') && seen.has('BAD_SIGNATURE') && seen.has('PROOF_INVALID'), `verdicts met: ${[...seen].join(', ')}`);
});
