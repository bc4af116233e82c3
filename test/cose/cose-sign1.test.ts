/**
 * COSE_Sign1 and COSE_Key against the COSE working group's examples (github.com/cose-wg/
 * Examples, sign1-tests/sign-pass-02.json: ES256 with key "11" and an external_aad, made
 * by another implementation): our Sig_structure is byte for byte theirs, and their
 * signature verifies with the key as we import it, compressed or not.
 */
import t from 'tap';
import { encodeCbor, CborReader } from '../../src/cose/cbor.js';
import { coseKeyFromJwk, importCoseKey, jwkFromCoseKey } from '../../src/cose/cose-key.js';
import { readCoseSign1, sigStructure, signCoseSign1 } from '../../src/cose/cose-sign1.js';
import { verifySignature } from '../../src/jws/signature.js';
import { makeDevice } from '../helpers/world.js';

const KEY_11 = { kty: 'EC', crv: 'P-256', x: 'usWxHK2PmfnHKwXPS54m0kTcGJ90UiglWiGahtagnv8', y: 'IBOL-C3BttVivg-lSreASjpkttcsz-1rb7btKLv8EX4' };
const SIGN_PASS_02 = {
  cbor: 'D28443A10126A10442313154546869732069732074686520636F6E74656E742E5840EAE868ECC176883766C5DC5BA5B8DCA25DAB3C2E56A551CE5705B793914348E155388B10C4F1B59A6733EAB416870A945111A4B2FBDBEF33A77234B1DEFF2F9B',
  external: '11aa22bb33cc44dd55006699',
  toBeSigned: '846A5369676E61747572653143A101264C11AA22BB33CC44DD5500669954546869732069732074686520636F6E74656E742E',
};
const hex = (h: string) => Buffer.from(h, 'hex');

t.test('sign-pass-02: read, Sig_structure, signature', async (t) => {
  const bytes = hex(SIGN_PASS_02.cbor);
  const reader = new CborReader(bytes);
  const sign1 = readCoseSign1(reader);
  t.ok(reader.atEnd);
  t.ok(sign1.bytes.equals(bytes), 'the item\'s bytes are all of it, tag 18 included');
  t.equal(sign1.protected.toString('hex'), 'a10126');
  t.same([...sign1.unprotected], [[4, Buffer.from('11')]]);
  t.equal(sign1.payload.toString(), 'This is the content.');
  const toBeSigned = sigStructure(sign1.protected, hex(SIGN_PASS_02.external), sign1.payload);
  t.equal(toBeSigned.toString('hex'), SIGN_PASS_02.toBeSigned.toLowerCase(), 'the Sig_structure, byte for byte');
  for (const compressed of [true, false]) {
    const key = importCoseKey(coseKeyFromJwk(KEY_11, compressed));
    t.ok(key.ok, `key 11 ${compressed ? 'compressed' : 'uncompressed'}`);
    if (key.ok) t.ok(verifySignature(key.value.alg, key.value.key, toBeSigned, sign1.signature), 'their signature verifies');
    if (key.ok) t.notOk(verifySignature(key.value.alg, key.value.key, sigStructure(sign1.protected, Buffer.alloc(0), sign1.payload), sign1.signature), 'not without the external_aad');
  }
  t.same(jwkFromCoseKey(coseKeyFromJwk(KEY_11)), { ok: true, value: KEY_11 }, 'the compressed point decompresses to their y');
});

t.test('keys of both signs of y, and Ed25519, round-trip; what we sign verifies', async (t) => {
  const signs = new Set<boolean>();
  for (let i = 0; i < 12; i++) {
    const device = makeDevice(i % 3 === 0 ? 'EdDSA' : 'ES256');
    const cose = coseKeyFromJwk(device.publicJwk);
    if (cose.has(-3)) signs.add(cose.get(-3) as boolean);
    t.same(jwkFromCoseKey(cose), { ok: true, value: device.publicJwk }, `key ${i} (${device.alg})`);
    const signed = signCoseSign1({ alg: device.alg, key: device.key, protectedHeader: new Map([[1, device.alg === 'ES256' ? -7 : -8]]), payload: encodeCbor({ n: i }), externalAad: Buffer.from('aad') });
    const sign1 = readCoseSign1(new CborReader(signed));
    const key = importCoseKey(cose);
    t.ok(key.ok && verifySignature(key.value.alg, key.value.key, sigStructure(sign1.protected, Buffer.from('aad'), sign1.payload), sign1.signature));
  }
  t.same([...signs].sort(), [false, true], 'both signs of y met');
});

t.test('the Sig_structure is the CBOR array ["Signature1", protected, aad, payload] at every length of head', async (t) => {
  const { randomBytes } = await import('node:crypto');
  for (const n of [0, 5, 23, 24, 255, 256, 1000, 65535, 65536]) {
    const [p, a, y] = [randomBytes(n % 30), randomBytes(n % 40), randomBytes(n)];
    t.ok(sigStructure(p, a, y).equals(encodeCbor(['Signature1', p, a, y])), `payload of ${n} bytes`);
  }
});
