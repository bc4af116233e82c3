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
import { activate } from '../../src/wallet/oid4vci-client.js';
import { credentialDigest, presentMleg1 } from '../../src/wallet/presentation.js';
import { checkStatus, readStatus, statusReference } from '../../src/wallet/status-check.js';
import { deviceSigner, newDeviceKey } from '../../src/wallet/webcrypto-key.js';
import { credentialHash } from '../../src/verify/credential.js';
import { claimsOf, json, makeOffer, registerStudent, startIssuer, verifierOf, type TestIssuer } from '../helpers/issuance.js';
import type { TestService } from '../helpers/service.js';

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
