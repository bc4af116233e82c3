/**
 * Attacks in CBOR/COSE form (SPEC 11), each beside a control built the same way without
 * the fault that must be VALID, so that every refusal below is the fault's doing: the
 * header and key confusions, the strict-decoding rules (duplicate keys, indefinite
 * lengths, trailing bytes, tags), proofs not bound to this credential, a malleated ECDSA
 * proof after a VALID one. The JWS counterparts are in attacks.test.ts.
 */
import { createHash, verify as cryptoVerify } from 'node:crypto';
import t from 'tap';
import { encodeBase45 } from '../../src/cose/base45.js';
import { CborFloat, CborRaw, CborReader, CborTagged, encodeCbor, encodeHead, type CborInput, type CborKey } from '../../src/cose/cbor.js';
import { coseKeyFromJwk } from '../../src/cose/cose-key.js';
import { encodeSign1, sigStructure } from '../../src/cose/cose-sign1.js';
import { CLAIM } from '../../src/cose/cwt.js';
import { issueCompactCredential } from '../../src/issuer/compact-credential.js';
import { createSignature, type JwsAlg } from '../../src/jws/signature.js';
import type { KeyObject } from 'node:crypto';
import { IDX, NOW_S, STATUS_URI, STUDENT, World, makeDevice, makeIssuer, readCose } from '../helpers/world.js';

const P256_ORDER = BigInt('0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551');
const b64 = (bytes: Buffer) => bytes.toString('base64url');
const bytesOf = (token: string) => Buffer.from(token, 'base64url');
const id = (label: string) => label.padEnd(24, '0');

/** A COSE_Sign1 over raw protected and payload bytes (anything at all, duplicate keys included), as base64url. */
function signRaw(alg: JwsAlg, key: KeyObject, protectedBytes: Buffer, payload: Buffer, aad: Buffer = Buffer.alloc(0), unprotected = new Map<CborKey, CborInput>()): string {
  const signature = createSignature(alg, key, sigStructure(protectedBytes, aad, payload));
  return b64(encodeSign1({ protected: protectedBytes, unprotected, payload, signature }));
}

/** A serialised map with one more entry of raw key and value bytes appended (its count raised by one). */
function withRawEntry(map: Buffer, key: Buffer, value: Buffer): Buffer {
  const reader = new CborReader(map);
  reader.head();
  if (reader.major !== 5) throw new Error('not a map');
  return Buffer.concat([encodeHead(5, reader.argument + 1), map.subarray(reader.pos), key, value]);
}

/** The same with an encoded key and value: a duplicate key when `key` is already there. */
function withEntry(map: Buffer, key: CborInput, value: CborInput): Buffer {
  return withRawEntry(map, encodeCbor(key), encodeCbor(value));
}

/** The payload text of an array of items already serialised, with `head` and `tail` bytes around them. */
function payloadOf(items: Buffer[], head: Buffer = encodeHead(4, items.length), tail: Buffer = Buffer.alloc(0)): string {
  return `MLEG2:${encodeBase45(Buffer.concat([head, ...items, tail]))}`;
}

const w = new World({ format: 'MLEG2' });
t.teardown(() => w.close());
const verdict = (payload: string) => w.verify(payload).verdict;
const credential = w.credential();
const parts = readCose(credential);

/** The credential re-signed by the world's issuer over these protected and payload bytes. */
const resigned = (protectedBytes: Buffer, payload: Buffer, unprotected?: Map<CborKey, CborInput>) => signRaw('ES256', w.issuer.key, protectedBytes, payload, undefined, unprotected);
/** A proof by the world's device over these protected and payload bytes, bound to `cred`. */
const proofRaw = (cred: string, protectedBytes: Buffer, payload: Buffer, unprotected?: Map<CborKey, CborInput>) =>
  signRaw(w.device.alg, w.device.key, protectedBytes, payload, createHash('sha256').update(bytesOf(cred)).digest(), unprotected);
const proofClaims = (jti = id('p')) => encodeCbor(new Map<CborKey, CborInput>([[CLAIM.iat, NOW_S - 2], [CLAIM.cti, bytesOf(jti)]]));
const ES256_ONLY = encodeCbor(new Map([[1, -7]]));

t.test('controls: the raw signers make VALID presentations', async (t) => {
  t.equal(verdict(w.present(resigned(parts.protected, parts.payload), { jti: id('control-1') })), 'VALID', 'a credential re-signed over its own bytes');
  t.equal(verdict(w.join(credential, proofRaw(credential, ES256_ONLY, proofClaims(id('control-2'))))), 'VALID', 'a proof signed over raw bytes');
  t.equal(verdict(payloadOf([bytesOf(credential), bytesOf(w.proof(credential, { jti: id('control-3') }))])), 'VALID', 'the array built by hand');
  t.equal(verdict(w.present(w.compactCredential({ tag: true, jti: 'tagged01' }), { jti: id('control-4') })), 'VALID', 'tag 18 on the credential');
  t.equal(verdict(w.join(credential, w.compactProof(credential, { tag: true, jti: id('control-5') }))), 'VALID', 'tag 18 on the proof');
  t.equal(verdict(w.present(w.compactCredential({ uncompressed: true, jti: 'uncompr1' }), { jti: id('control-6') })), 'VALID', 'the device key with y as 32 bytes');
});

t.test('alg and kid: the trust list decides, as SPEC 4 says', async (t) => {
  const alg = (value: CborInput) => w.present(w.compactCredential({ header: new Map([[1, value]]) }));
  t.equal(verdict(alg(-8)), 'BAD_SIGNATURE', 'alg -8 (EdDSA) on an ES256 key');
  t.equal(verdict(alg('ES256')), 'BAD_SIGNATURE', 'alg as the text "ES256"');
  t.equal(verdict(alg(-35)), 'BAD_SIGNATURE', 'alg -35 (ES384)');
  t.equal(verdict(alg(0)), 'BAD_SIGNATURE', 'alg 0 (reserved)');
  t.equal(verdict(alg(new Map())), 'MALFORMED', 'alg that is neither an integer nor text');
  t.equal(verdict(w.present(w.compactCredential({ header: new Map([[1, undefined]]) }))), 'MALFORMED', 'no alg');
  t.equal(verdict(w.present(w.compactCredential({ header: new Map([[4, Buffer.from('nobody')]]) }))), 'UNKNOWN_ISSUER', 'unknown kid');
  t.equal(verdict(w.present(w.compactCredential({ header: new Map([[4, Buffer.from([0xff, 0xfe])]]) }))), 'UNKNOWN_ISSUER', 'kid bytes that are not UTF-8');
  t.equal(verdict(w.present(w.compactCredential({ header: new Map([[4, w.issuer.kid]]) }))), 'MALFORMED', 'kid as text, not bytes');
  t.equal(verdict(w.present(w.compactCredential({ header: new Map([[4, undefined]]) }))), 'MALFORMED', 'no kid');
  const eddsa = new World({ format: 'MLEG2', issuerAlg: 'EdDSA' });
  t.teardown(() => eddsa.close());
  const impostor = makeIssuer({ alg: 'ES256', kid: eddsa.issuer.kid, iss: eddsa.issuer.iss });
  const byImpostor = issueCompactCredential({ issuer: impostor, student: STUDENT, device: eddsa.device.publicJwk, status: { uri: STATUS_URI, idx: 0 }, exp: NOW_S + 1000 }).toString('base64url');
  t.equal(eddsa.verify(eddsa.present(byImpostor)).verdict, 'BAD_SIGNATURE', 'an ES256 credential under an EdDSA trust-list key');
  const otherIssuer = makeIssuer({ iss: 'PL-OTHER', kid: 'other-1' });
  const both = new World({ format: 'MLEG2', others: [otherIssuer] });
  t.teardown(() => both.close());
  t.equal(both.verify(both.present(both.compactCredential({ header: new Map([[4, Buffer.from('other-1')]]) }))).verdict, 'UNKNOWN_ISSUER', 'kid of a key whose iss is another issuer');
});

t.test('extra protected header labels, and anything in the unprotected header', async (t) => {
  for (const [name, label, value] of [
    ['crit (2)', 2, [1]],
    ['content type (3)', 3, 'application/cwt'],
    ['IV (5)', 5, Buffer.alloc(12)],
    ['x5chain (33)', 33, Buffer.alloc(8)],
    ['text label "typ"', 'typ', 'mleg+jwt'],
  ] as [string, CborKey, CborInput][]) {
    t.equal(verdict(w.present(w.compactCredential({ header: new Map([[label, value]]) }))), 'MALFORMED', `credential: ${name}`);
    t.equal(verdict(w.join(credential, w.compactProof(credential, { header: new Map([[label, value]]) }))), 'PROOF_INVALID', `proof: ${name}`);
  }
  t.equal(verdict(w.join(credential, w.compactProof(credential, { header: new Map([[4, Buffer.from('device-1')]]) }))), 'PROOF_INVALID', 'proof: a kid');
  const kidUnprotected = new Map<CborKey, CborInput>([[4, Buffer.from('nobody')]]);
  t.equal(verdict(w.present(w.compactCredential({ unprotected: kidUnprotected }))), 'MALFORMED', 'credential: a kid in the unprotected header');
  t.equal(verdict(w.join(credential, w.compactProof(credential, { unprotected: new Map([[1, -8]]) }))), 'PROOF_INVALID', 'proof: an alg in the unprotected header');
  t.equal(verdict(w.join(credential, w.compactProof(credential, { header: new Map([[1, -8]]) }))), 'PROOF_INVALID', 'proof: alg -8 for a P-256 device key');
  t.equal(verdict(w.join(credential, proofRaw(credential, Buffer.alloc(0), proofClaims()))), 'PROOF_INVALID', 'proof: an empty protected header');
  t.equal(verdict(w.present(resigned(Buffer.alloc(0), parts.payload))), 'MALFORMED', 'credential: an empty protected header');
});

t.test('duplicate map keys, in every map of either part: MALFORMED', async (t) => {
  t.equal(verdict(w.present(resigned(withEntry(parts.protected, 1, -7), parts.payload))), 'MALFORMED', 'credential protected header: alg twice');
  t.equal(verdict(w.present(resigned(parts.protected, withEntry(parts.payload, CLAIM.iss, 'PL-TEST')))), 'MALFORMED', 'credential payload: iss twice (same value)');
  t.equal(verdict(w.present(resigned(parts.protected, withEntry(parts.payload, 'given_name', 'Ktoś')))), 'MALFORMED', 'credential payload: given_name twice');
  const key = coseKeyFromJwk(w.device.publicJwk);
  const cnf = (raw: Buffer) => new Map<CborKey, CborInput | undefined>([[CLAIM.cnf, new Map([[1, new CborRaw(raw)]])]]);
  t.equal(verdict(w.present(w.compactCredential({ claims: cnf(encodeCbor(key)), jti: 'raw-key1' }))), 'VALID', 'control: the key as raw bytes');
  t.equal(verdict(w.present(w.compactCredential({ claims: cnf(withEntry(encodeCbor(key), -2, key.get(-2)!)) }))), 'MALFORMED', 'credential cnf key: the same x twice');
  t.equal(verdict(w.join(credential, proofRaw(credential, withEntry(ES256_ONLY, 1, -7), proofClaims()))), 'MALFORMED', 'proof protected header: alg twice');
  t.equal(verdict(w.join(credential, proofRaw(credential, ES256_ONLY, withEntry(proofClaims(), CLAIM.iat, NOW_S - 2)))), 'MALFORMED', 'proof payload: iat twice');
  const cose = bytesOf(credential);
  // The unprotected header is the second element: 0x84, the protected bstr, then 0xa0 (an empty map).
  const at = 1 + encodeHead(2, parts.protected.length).length + parts.protected.length;
  t.equal(cose[at], 0xa0, 'where the unprotected header is');
  const twice = Buffer.concat([cose.subarray(0, at), Buffer.from([0xa2, 0x04, 0x41, 0x61, 0x04, 0x41, 0x62]), cose.subarray(at + 1)]);
  t.equal(verdict(w.present(b64(twice))), 'MALFORMED', 'credential unprotected header: kid twice');
});

t.test('indefinite lengths: MALFORMED', async (t) => {
  const cred = bytesOf(credential);
  const proof = bytesOf(w.proof(credential));
  t.equal(verdict(payloadOf([cred, proof], Buffer.from([0x9f]), Buffer.from([0xff]))), 'MALFORMED', 'the outer array');
  t.equal(parts.payload[0], 0xac, 'the claims map has 12 entries, its head one byte');
  const indefinitePayload = Buffer.concat([Buffer.from([0xbf]), parts.payload.subarray(1), Buffer.from([0xff])]);
  t.equal(verdict(w.present(resigned(parts.protected, indefinitePayload))), 'MALFORMED', 'the claims map (signed)');
  const chunked = Buffer.concat([Buffer.from([0x7f]), encodeCbor('Zo'), encodeCbor('sia'), Buffer.from([0xff])]);
  t.equal(verdict(w.present(resigned(parts.protected, withRawEntry(parts.payload, encodeCbor('nickname'), chunked)))), 'MALFORMED', 'a chunked text string in a claim (signed)');
  t.equal(verdict(w.present(resigned(parts.protected, withEntry(parts.payload, 'nickname', 'Zosia')), { jti: id('definite') })), 'VALID', 'control: the same claim as a definite string is ignored');
  const indefiniteBstr = Buffer.concat([Buffer.from([0x84]), encodeCbor(parts.protected), Buffer.from([0xa0, 0x5f]), encodeCbor(parts.payload), Buffer.from([0xff]), encodeCbor(parts.signature)]);
  t.equal(verdict(payloadOf([indefiniteBstr, proof])), 'MALFORMED', 'the payload as a chunked byte string');
});

t.test('trailing bytes: MALFORMED', async (t) => {
  const cred = bytesOf(credential);
  const proof = bytesOf(w.proof(credential));
  t.equal(verdict(payloadOf([cred, proof], undefined, Buffer.from([0x00]))), 'MALFORMED', 'a byte after the array');
  t.equal(verdict(payloadOf([cred, proof], undefined, encodeCbor([]))), 'MALFORMED', 'a second array after the first');
  t.equal(verdict(w.present(resigned(parts.protected, Buffer.concat([parts.payload, Buffer.from([0xf6])])))), 'MALFORMED', 'a null after the claims map, inside the signed payload');
  t.equal(verdict(w.present(resigned(Buffer.concat([parts.protected, Buffer.from([0x00])]), parts.payload))), 'MALFORMED', 'a byte after the protected header map');
  t.equal(verdict(w.join(credential, proofRaw(credential, ES256_ONLY, Buffer.concat([proofClaims(), Buffer.from([0x00])])))), 'MALFORMED', 'a byte after the proof claims');
  t.equal(verdict(payloadOf([cred, proof, proof])), 'MALFORMED', 'an array of three');
  t.equal(verdict(payloadOf([])), 'MALFORMED', 'an empty array');
});

t.test('tag confusion: only 18, and only on a COSE_Sign1', async (t) => {
  const cred = bytesOf(credential);
  const proof = bytesOf(w.proof(credential));
  const tag = (n: number, bytes: Buffer) => Buffer.concat([encodeHead(6, n), bytes]);
  const tagged = b64(tag(18, cred));
  t.equal(verdict(payloadOf([tag(18, cred), tag(18, bytesOf(w.proof(tagged, { jti: id('both-tagged') })))])), 'VALID', 'control: tag 18 on both (the proof over the tagged bytes)');
  t.equal(verdict(payloadOf([tag(98, cred), proof])), 'MALFORMED', 'credential tagged 98 (COSE_Sign)');
  t.equal(verdict(payloadOf([tag(17, cred), proof])), 'MALFORMED', 'credential tagged 17 (COSE_Mac0)');
  t.equal(verdict(payloadOf([tag(61, cred), proof])), 'MALFORMED', 'credential tagged 61 (CWT)');
  t.equal(verdict(payloadOf([tag(18, tag(18, cred)), proof])), 'MALFORMED', 'tag 18 twice');
  t.equal(verdict(payloadOf([cred, tag(16, proof)])), 'MALFORMED', 'proof tagged 16 (COSE_Encrypt0)');
  t.equal(verdict(`MLEG2:${encodeBase45(tag(18, Buffer.concat([encodeHead(4, 2), cred, proof])))}`), 'MALFORMED', 'tag 18 on the outer array');
  const exp = new CborTagged(1, NOW_S + 1000);
  t.equal(verdict(w.present(w.compactCredential({ claims: new Map([[CLAIM.exp, exp as CborInput]]) }))), 'MALFORMED', 'a tag inside the claims (epoch time, tag 1)');
  t.equal(verdict(w.present(w.compactCredential({ claims: new Map([['extra', new CborTagged(18, [])]]) }))), 'MALFORMED', 'tag 18 inside the claims');
  t.equal(verdict(w.present(resigned(parts.protected, tag(24, encodeCbor(parts.payload))))), 'MALFORMED', 'the claims wrapped in tag 24 (encoded CBOR)');
});

t.test('the proof must be made over this credential', async (t) => {
  t.equal(verdict(w.join(credential, w.compactProof(credential, { externalAad: Buffer.alloc(0) }))), 'PROOF_INVALID', 'made without the external_aad');
  const other = w.credential({ jti: 'other-01' });
  t.equal(verdict(w.join(credential, w.compactProof(credential, { externalAad: createHash('sha256').update(bytesOf(other)).digest() }))), 'PROOF_INVALID', 'made over another credential');
  t.equal(verdict(w.join(other, w.proof(credential))), 'PROOF_INVALID', 'a proof moved to another credential of the same device');
  t.equal(verdict(w.join(credential, w.compactProof(credential, { externalAad: createHash('sha256').update(Buffer.from(credential)).digest() }))), 'PROOF_INVALID', 'made over the base64url text instead of the bytes');
  const tagged = b64(Buffer.concat([encodeHead(6, 18), bytesOf(credential)]));
  t.equal(verdict(w.join(tagged, w.proof(credential))), 'PROOF_INVALID', 'made over the untagged credential, presented tagged');
  t.equal(verdict(w.join(tagged, w.proof(tagged))), 'VALID', 'control: made over the tagged bytes as presented');
  t.equal(verdict(w.join(credential, credential)), 'PROOF_INVALID', 'the credential as its own proof');
  t.equal(verdict(w.present(w.proof(credential))), 'MALFORMED', 'a proof as the credential');
  t.equal(verdict(w.present(credential, {}, makeDevice('EdDSA'))), 'PROOF_INVALID', 'another device of another key type');
  t.equal(verdict(w.join(credential, w.withSignature(w.proof(credential), Buffer.alloc(64)))), 'PROOF_INVALID', 'ECDSA r = s = 0');
});

t.test('a malleated ECDSA proof signature (r, n - s) after a VALID scan is REPLAYED', async (t) => {
  const proof = w.proof(credential, { jti: id('malleable-proof') });
  const sig = w.signatureOf(proof);
  const s = BigInt(`0x${sig.subarray(32).toString('hex')}`);
  const flipped = Buffer.concat([sig.subarray(0, 32), Buffer.from((P256_ORDER - s).toString(16).padStart(64, '0'), 'hex')]);
  const malleated = w.withSignature(proof, flipped);
  t.not(malleated, proof, 'other bytes');
  const p = readCose(proof);
  const signed = sigStructure(p.protected, createHash('sha256').update(bytesOf(credential)).digest(), p.payload);
  t.ok(cryptoVerify('sha256', signed, { key: w.device.key, dsaEncoding: 'ieee-p1363' }, flipped), 'the malleated signature is itself valid');
  t.equal(verdict(w.join(credential, proof)), 'VALID');
  t.equal(verdict(w.join(credential, malleated)), 'REPLAYED');
});

t.test('proof claims', async (t) => {
  const claims = (changes: [CborKey, CborInput | undefined][]) => w.join(credential, w.compactProof(credential, { claims: new Map(changes) }));
  t.equal(verdict(claims([[CLAIM.cti, Buffer.alloc(15, 1)]])), 'PROOF_INVALID', 'cti of 15 bytes');
  t.equal(verdict(claims([[CLAIM.cti, Buffer.alloc(33, 1)]])), 'PROOF_INVALID', 'cti of 33 bytes');
  t.equal(verdict(claims([[CLAIM.cti, 'a'.repeat(20)]])), 'PROOF_INVALID', 'cti as text');
  t.equal(verdict(claims([[CLAIM.cti, undefined]])), 'PROOF_INVALID', 'no cti');
  t.equal(verdict(claims([[CLAIM.iat, undefined]])), 'PROOF_INVALID', 'no iat');
  t.equal(verdict(claims([[CLAIM.iat, new CborFloat(NOW_S - 2)]])), 'PROOF_INVALID', 'iat as a float of an integral value');
  t.equal(verdict(claims([[CLAIM.iat, String(NOW_S - 2)]])), 'PROOF_INVALID', 'iat as text');
  t.equal(verdict(claims([[CLAIM.iat, 9e12]])), 'PROOF_INVALID', 'iat a Date cannot show');
  t.equal(verdict(claims([['iat', NOW_S - 2], [CLAIM.iat, undefined]])), 'PROOF_INVALID', 'iat under its JWT name');
  t.equal(verdict(claims([['cred', 'ignored'], [CLAIM.cti, bytesOf(id('unknown-claims'))]])), 'VALID', 'unknown claims are ignored');
  t.equal(verdict(w.join(credential, proofRaw(credential, ES256_ONLY, encodeCbor([NOW_S, Buffer.alloc(16)])))), 'MALFORMED', 'a payload that is not a map');
  t.equal(verdict(w.join(credential, proofRaw(credential, encodeCbor([1, -7]), proofClaims()))), 'MALFORMED', 'a protected header that is not a map');
});

t.test('credential claims and device key', async (t) => {
  const key = coseKeyFromJwk(w.device.publicJwk);
  const withKey = (changes: [CborKey, CborInput | undefined][]) => {
    const k = new Map<CborKey, CborInput | undefined>(key);
    for (const [l, v] of changes) k.set(l, v);
    return new Map([[CLAIM.cnf, new Map([[1, new Map([...k].filter(([, v]) => v !== undefined)) as unknown as CborInput]]) as unknown as CborInput]]);
  };
  const bad: Record<string, Map<CborKey, CborInput | undefined>> = {
    'cti of 0 bytes': new Map([[CLAIM.cti, Buffer.alloc(0)]]),
    'cti of 33 bytes': new Map([[CLAIM.cti, Buffer.alloc(33)]]),
    'cti as text': new Map([[CLAIM.cti, 'cred-001']]),
    'iss as bytes': new Map([[CLAIM.iss, Buffer.from('PL-TEST')]]),
    'iss under its JWT name only': new Map<CborKey, CborInput | undefined>([[CLAIM.iss, undefined], ['iss', 'PL-TEST']]),
    'exp as a float': new Map([[CLAIM.exp, new CborFloat(NOW_S + 1000)]]),
    'exp a Date cannot show': new Map([[CLAIM.exp, 9e12]]),
    'iat missing': new Map([[CLAIM.iat, undefined]]),
    'nbf as text': new Map([[CLAIM.nbf, 'soon']]),
    'doc unknown': new Map([['doc', 'university']]),
    'birthdate not a date': new Map([['birthdate', '2009-02-30']]),
    'org with integer keys': new Map([['org', new Map([[1, 'x'], [2, 'y']])]]),
    'org without id': new Map([['org', { name: 'x' }]]),
    'status under its JWT name only': new Map<CborKey, CborInput | undefined>([[CLAIM.status, undefined], ['status', { status_list: { idx: 0, uri: STATUS_URI } }]]),
    'status idx negative': new Map([[CLAIM.status, { status_list: { idx: -1, uri: STATUS_URI } }]]),
    'status idx a float': new Map([[CLAIM.status, { status_list: { idx: new CborFloat(1), uri: STATUS_URI } }]]),
    'cnf without a key': new Map([[CLAIM.cnf, new Map()]]),
    'cnf with a private part': withKey([[-4, Buffer.alloc(32, 1)]]),
    'cnf with x not on the curve': withKey([[-2, Buffer.alloc(32, 0xff)]]),
    'cnf on curve P-384': withKey([[-1, 2]]),
    'cnf x of 31 bytes': withKey([[-2, Buffer.alloc(31)]]),
    'cnf y of 31 bytes': withKey([[-3, Buffer.alloc(31)]]),
    'cnf kty RSA': withKey([[1, 3]]),
    'cnf with a mismatched alg': withKey([[3, -8]]),
    'given_name missing': new Map([['given_name', undefined]]),
  };
  for (const [name, claims] of Object.entries(bad)) t.equal(verdict(w.present(w.compactCredential({ claims }))), 'MALFORMED', name);
  t.equal(verdict(w.present(w.compactCredential({ claims: withKey([[3, -7]]), jti: 'algok-01' }))), 'VALID', 'cnf with its matching alg');
  t.equal(verdict(w.present(w.compactCredential({ claims: new Map([['extra', { anything: [true, null, new CborFloat(1.5)] }]]), jti: 'extra-01' }))), 'VALID', 'unknown claims are ignored');
  t.equal(verdict(w.present(w.compactCredential({ claims: new Map([['deep', nested(20)]]) }))), 'MALFORMED', 'an ignored claim nested 20 deep');
  const revoked = w.compactCredential({ status: { uri: STATUS_URI, idx: IDX.revoked }, jti: 'revoked1' });
  t.equal(verdict(w.present(revoked)), 'REVOKED', 'control: the status claim is read');
  const nonMinimal = Buffer.concat([parts.payload.subarray(0, 1), Buffer.from([0x18, 0x01]), parts.payload.subarray(2)]);
  t.equal(parts.payload[1], 0x01, 'the first key is iss (1), one byte');
  t.equal(verdict(w.present(resigned(parts.protected, nonMinimal))), 'MALFORMED', 'an integer not in its shortest form (signed)');
  const student = { ...STUDENT, family_name: 'Źdźbło-Żółć' };
  t.equal(w.verify(w.present(w.compactCredential({ student, jti: 'utf8-001' }))).holder?.family_name, 'Źdźbło-Żółć', 'UTF-8 names read back');
});

t.test('the payload itself', async (t) => {
  const proof = bytesOf(w.proof(credential));
  const cred = bytesOf(credential);
  const cases: Record<string, string> = {
    'not base45: a group worth 65536 (RFC 9285 "GGW")': 'MLEG2:GGW',
    'not base45: 3k + 1 characters': 'MLEG2:ABCD',
    'base45 of bytes that are not CBOR': `MLEG2:${encodeBase45(Buffer.from([0xff, 0x00]))}`,
    'a map, not an array': `MLEG2:${encodeBase45(encodeCbor({ credential: cred }))}`,
    'an array of byte strings': payloadOf([encodeCbor(cred), encodeCbor(proof)]),
    'a COSE_Sign1 of three elements': payloadOf([Buffer.concat([Buffer.from([0x83]), encodeCbor(parts.protected), Buffer.from([0xa0]), encodeCbor(parts.payload)]), proof]),
    'a detached payload (nil)': payloadOf([Buffer.concat([Buffer.from([0x84]), encodeCbor(parts.protected), Buffer.from([0xa0, 0xf6]), encodeCbor(parts.signature)]), proof]),
    'a credential cut short': payloadOf([cred.subarray(0, cred.length - 10)]),
    'text that is not UTF-8 in a claim (signed)': w.present(resigned(parts.protected, withRawEntry(parts.payload, encodeCbor('x'), Buffer.from([0x62, 0xc3, 0x28])))),
    'undefined in a claim (signed)': w.present(resigned(parts.protected, withRawEntry(parts.payload, encodeCbor('x'), Buffer.from([0xf7])))),
    'a simple value 16 in a claim (signed)': w.present(resigned(parts.protected, withRawEntry(parts.payload, encodeCbor('x'), Buffer.from([0xf0])))),
    'a byte-string map key (signed)': w.present(resigned(parts.protected, withRawEntry(parts.payload, encodeCbor(Buffer.from('x')), encodeCbor(0)))),
    'an integer beyond 2^53 in a claim (signed)': w.present(resigned(parts.protected, withRawEntry(parts.payload, encodeCbor('x'), Buffer.from('1b0020000000000000', 'hex')))),
  };
  for (const [name, payload] of Object.entries(cases)) {
    const r = w.verify(payload);
    t.equal(r.verdict, 'MALFORMED', name);
    t.same([r.credential, r.holder, r.presented_at], [null, null, null], `${name}: nothing shown`);
  }
  t.equal(verdict(w.present(w.withSignature(credential, Buffer.alloc(63)))), 'BAD_SIGNATURE', 'a 63-byte signature');
  t.equal(verdict(w.present(w.withSignature(credential, Buffer.alloc(72, 0x30)))), 'BAD_SIGNATURE', 'a DER-length signature');
});

function nested(depth: number): CborInput {
  return depth === 0 ? 0 : [nested(depth - 1)];
}

t.test('the credential cache knows a returning MLEG2 credential by its text, and only that credential', async (t) => {
  const fresh = new World({ format: 'MLEG2' });
  t.teardown(() => fresh.close());
  const cache = fresh.deps.credentials;
  const layoutEnd = (cred: string) => bytesOf(cred).length + 1;
  // Credentials ending on either side of a base45 group boundary (their byte count's parity).
  const ends = new Set<number>();
  for (const given_name of ['Ola', 'Olaf']) {
    const cred = fresh.compactCredential({ student: { ...STUDENT, given_name }, jti: `${given_name.padEnd(4, '-')}0001` });
    ends.add(layoutEnd(cred) % 2);
    const misses = cache.misses;
    for (let i = 0; i < 3; i++) t.equal(fresh.verify(fresh.present(cred, { jti: id(`${given_name}-${i}`) })).verdict, 'VALID', `${given_name}: presentation ${i + 1}`);
    t.equal(cache.misses - misses, 1, `${given_name}: one issuer-signature check for three presentations`);
    t.equal(fresh.verify(fresh.bare(cred)).verdict, 'PROOF_MISSING', `${given_name}: the same credential alone is known too`);
    t.equal(cache.misses - misses, 1, `${given_name}: without another check`);
    const proof = bytesOf(fresh.proof(cred, { jti: id(`${given_name}-tail`) }));
    t.equal(fresh.verify(payloadOf([bytesOf(cred), proof], undefined, Buffer.from([0]))).verdict, 'MALFORMED', `${given_name}: known credential, a byte after the array`);
    t.equal(fresh.verify(payloadOf([bytesOf(cred), proof.subarray(0, -1)])).verdict, 'MALFORMED', `${given_name}: known credential, its proof cut short`);
    t.equal(fresh.verify(payloadOf([bytesOf(cred), proof, proof])).verdict, 'MALFORMED', `${given_name}: known credential, three elements`);
    t.equal(fresh.verify(`${fresh.present(cred, { jti: id(`${given_name}-txt`) })}a`).verdict, 'MALFORMED', `${given_name}: known credential, a character outside base45 after it`);
    // The credential's last signature byte changed: when the credential ends in the middle of a
    // group that byte is all that differs in its text's groups, the proof's first byte beside it.
    const sig = Buffer.from(fresh.signatureOf(cred));
    sig[63]! ^= 0x01;
    t.equal(fresh.verify(fresh.present(fresh.withSignature(cred, sig), { jti: id(`${given_name}-sig`) })).verdict, 'BAD_SIGNATURE', `${given_name}: its last signature byte changed`);
    t.equal(fresh.verify(fresh.present(cred, { jti: id(`${given_name}-after`) })).verdict, 'VALID', `${given_name}: and the genuine one still known`);
  }
  t.same([...ends].sort(), [0, 1], 'both parities met');
});
