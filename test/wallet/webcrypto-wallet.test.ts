/**
 * The web wallet's shared modules, run in Node against a running issuing service and a
 * running verifier: the same code the browser bundles (src/wallet/webcrypto-key.ts,
 * presentation.ts, status-check.ts with the OpenID4VCI client), with Node's own WebCrypto.
 * A non-extractable key activates, its presentations are VALID and bound to it, the status
 * check follows the school's suspension and revocation, and lists it must not believe are
 * refused with STATUS_FETCH_FAILED.
 */
import { deflateSync } from 'node:zlib';
import t from 'tap';
import { packStatuses } from '../../src/status/status-bits.js';
import { decodeBase45 } from '../../src/cose/base45.js';
import { CborReader, decodeCborMap } from '../../src/cose/cbor.js';
import { readCoseSign1 } from '../../src/cose/cose-sign1.js';
import { readCompactCredential } from '../../src/issuer/compact-credential.js';
import { makeCompactProof } from '../../src/issuer/compact-presentation.js';
import { activate } from '../../src/wallet/oid4vci-client.js';
import { presentMleg2 } from '../../src/wallet/compact-presentation.js';
import { credentialDigest, presentMleg1 } from '../../src/wallet/presentation.js';
import { checkStatus, readStatus, statusReference } from '../../src/wallet/status-check.js';
import { deviceSigner, newDeviceKey } from '../../src/wallet/webcrypto-key.js';
import { credentialHash } from '../../src/verify/credential.js';
import { claimsOf, json, makeOffer, registerStudent, startIssuer, verifierOf, type TestIssuer } from '../helpers/issuance.js';
import type { TestService } from '../helpers/service.js';
import { makeDevice } from '../helpers/world.js';

let issuer: TestIssuer;
let verifier: TestService;
t.before(async () => {
  issuer = await startIssuer();
  verifier = await verifierOf(issuer);
});
t.teardown(async () => {
  await verifier.close();
  await issuer.close();
});

const verdict = async (payload: string): Promise<string> =>
  (await json(await fetch(`${verifier.url}/v1/verify`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: payload }))).verdict;

async function activated() {
  const id = await registerStudent(issuer);
  const offer = await makeOffer(issuer, id);
  const key = await newDeviceKey();
  const { credential } = await activate({ offer: offer.offer_url, txCode: offer.tx_code, signer: deviceSigner(key) });
  return { id, key, credential };
}

t.test('a non-extractable WebCrypto key activates, and its presentations are VALID once each', async (t) => {
  const { key, credential } = await activated();
  t.equal(key.privateKey.extractable, false, 'the private key is not extractable');
  await t.rejects(crypto.subtle.exportKey('jwk', key.privateKey), 'exportKey refuses it');
  await t.rejects(crypto.subtle.exportKey('pkcs8', key.privateKey), 'in every format');
  t.same(Object.keys(key.publicJwk).sort(), ['crv', 'kty', 'x', 'y'], 'the public JWK is bare');
  t.same(claimsOf(credential).cnf.jwk, key.publicJwk, 'the credential is bound to it');
  t.equal(await credentialDigest(credential), credentialHash(credential), 'the browser digest is the verifier\'s');

  const first = await presentMleg1(credential, deviceSigner(key));
  const second = await presentMleg1(credential, deviceSigner(key));
  t.not(first, second, 'each presentation is new');
  t.equal(await verdict(first), 'VALID');
  t.equal(await verdict(second), 'VALID');
  t.equal(await verdict(first), 'REPLAYED');
  const other = await newDeviceKey();
  t.equal(await verdict(await presentMleg1(credential, deviceSigner(other))), 'PROOF_INVALID', 'another browser\'s key cannot present it');
});

t.test('asked for, the compact form too: MLEG2 presentations VALID once each, the proof as the Node side writes it', async (t) => {
  const id = await registerStudent(issuer);
  const offer = await makeOffer(issuer, id);
  const key = await newDeviceKey();
  const got = await activate({ offer: offer.offer_url, txCode: offer.tx_code, signer: deviceSigner(key), compact: true });
  t.equal(got.configurationId, 'mlegitymacja_szkolna');
  t.type(got.compact, 'string', 'the compact form given with the same access token');
  const bytes = Buffer.from(got.compact!, 'base64url');
  const read = readCompactCredential(bytes);
  t.equal(read.jti, claimsOf(got.credential).jti, 'the same credential');
  t.same({ x: read.device.x, y: read.device.y }, { x: key.publicJwk.x, y: key.publicJwk.y }, 'bound to the same browser key');

  const first = await presentMleg2(bytes, deviceSigner(key));
  t.match(first, /^MLEG2:[0-9A-Z $%*+\-./:]+$/, 'base45 after the prefix');
  const second = await presentMleg2(bytes, deviceSigner(key));
  t.not(first, second);
  t.equal(await verdict(first), 'VALID');
  t.equal(await verdict(second), 'VALID');
  t.equal(await verdict(first), 'REPLAYED');
  t.equal(await verdict(await presentMleg2(bytes, deviceSigner(await newDeviceKey()))), 'PROOF_INVALID', 'another browser\'s key cannot present it');
  const mleg1 = await presentMleg1(got.credential, deviceSigner(key));
  t.ok(first.length < mleg1.length * 0.75, `${first.length} characters against MLEG1's ${mleg1.length}`);

  // One encoder: the browser's proof, but for its signature, is byte for byte what Node writes for the same time and id.
  const cti = Buffer.alloc(16, 7);
  const browser = await presentMleg2(bytes, deviceSigner(key), { iat: 1_800_000_000, cti });
  const array = decodeBase45(browser.slice('MLEG2:'.length))!;
  const reader = new CborReader(Buffer.from(array));
  reader.head();
  t.equal(reader.argument, 2, 'an array of two');
  t.same(Buffer.from(array.subarray(reader.pos, reader.pos + bytes.length)), bytes, 'the credential\'s bytes as they were given');
  const proof = readCoseSign1(new CborReader(Buffer.from(array), reader.pos + bytes.length));
  const node = readCoseSign1(new CborReader(makeCompactProof(bytes, makeDevice(), { iat: 1_800_000_000, jti: cti.toString('base64url') })));
  t.same(proof.protected, node.protected, 'the same protected header bytes');
  t.same(proof.payload, node.payload, 'the same claims bytes');
  const claims = decodeCborMap(proof.payload, 'proof');
  t.same(claims.ok ? [...claims.value.keys()] : claims.reason, [6, 7], '{6: iat, 7: cti}, strictly readable');
});

t.test('the status check follows the school: valid, suspended, valid, revoked', async (t) => {
  const { id, credential } = await activated();
  const ref = statusReference(credential)!;
  t.match(ref, { uri: `${issuer.url}/status/1`, idx: Number });
  t.match(await checkStatus(ref), { value: 0, meaning: 'valid' });
  await issuer.admin('POST', `/students/${id}/suspend`);
  t.match(await checkStatus(ref), { value: 2, meaning: 'suspended' });
  await issuer.admin('POST', `/students/${id}/reinstate`);
  t.match(await checkStatus(ref), { value: 0, meaning: 'valid' });
  await issuer.admin('POST', `/students/${id}/revoke`, { reason: 'device_lost' });
  const seen = await checkStatus(ref);
  t.match(seen, { value: 1, meaning: 'revoked' });
  t.ok(Math.abs(seen.listIat - Date.now() / 1000) < 60, 'with the list\'s iat');
});

t.test('a second activation revokes the first phone\'s credential', async (t) => {
  const id = await registerStudent(issuer);
  const phones = [await newDeviceKey(), await newDeviceKey()];
  const credentials: string[] = [];
  for (const phone of phones) {
    const offer = await makeOffer(issuer, id);
    credentials.push((await activate({ offer: offer.offer, txCode: offer.tx_code, signer: deviceSigner(phone) })).credential);
  }
  t.match(await checkStatus(statusReference(credentials[0]!)!), { meaning: 'revoked' }, 'the first phone sees it revoked');
  t.match(await checkStatus(statusReference(credentials[1]!)!), { meaning: 'valid' }, 'the second valid');
});

t.test('lists the wallet must not take: STATUS_FETCH_FAILED, never a guess', async (t) => {
  const uri = 'https://school.example/status/1';
  const jwt = (header: object, claims: object) => `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
  const lst = (values: number[]) => deflateSync(packStatuses(values, 2)).toString('base64url');
  const good = { sub: uri, iat: 1_800_000_000, status_list: { bits: 2, lst: lst([0, 1, 2, 0]) } };
  const typ = { typ: 'statuslist+jwt', alg: 'ES256', kid: 'k' };
  t.match(await readStatus(jwt(typ, good), { uri, idx: 2 }), { value: 2, meaning: 'suspended', listIat: 1_800_000_000 });
  t.match(await readStatus(jwt(typ, good), { uri, idx: 1 }), { value: 1, meaning: 'revoked' });
  const refusals: [string, string, number][] = [
    ['another list', jwt(typ, { ...good, sub: 'https://school.example/status/2' }), 0],
    ['not a status list', jwt({ ...typ, typ: 'JWT' }, good), 0],
    ['no bits', jwt(typ, { ...good, status_list: { lst: good.status_list.lst } }), 0],
    ['an index past the end', jwt(typ, good), 16],
    ['lst not ZLIB', jwt(typ, { ...good, status_list: { bits: 2, lst: Buffer.from('not zlib at all').toString('base64url') } }), 0],
    ['lst not base64url', jwt(typ, { ...good, status_list: { bits: 2, lst: 'a+b/' } }), 0],
    ['not a JWT', 'garbage', 0],
  ];
  for (const [what, token, idx] of refusals) {
    await t.rejects(readStatus(token, { uri, idx }), { name: 'MlegError', code: 'STATUS_FETCH_FAILED' }, what);
  }
  await t.rejects(checkStatus({ uri: `${issuer.url}/status/99`, idx: 0 }), { code: 'STATUS_FETCH_FAILED', message: /HTTP 404/ }, 'an HTTP error');
  await t.rejects(checkStatus({ uri: 'http://127.0.0.1:9/status/1', idx: 0 }), { code: 'STATUS_FETCH_FAILED', message: /cannot be reached/ }, 'no network');
});
