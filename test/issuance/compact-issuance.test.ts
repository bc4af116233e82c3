/**
 * SPEC 11's last bullets over HTTP: the metadata lists `<id>_compact` (format mleg+cose)
 * beside each `<id>`; the credential endpoint gives that form — the COSE_Sign1 bytes,
 * base64url — for the access token that already gave `<id>` and a key proof by the same
 * key, and it is the same credential (id, status entry, dates, device, holder): VALID at a
 * verifier as MLEG2, revoked with the first form, its proof ids shared with it. Refused:
 * before `<id>`, with another key, a used nonce, an expired token, a revoked credential,
 * the other document's compact form; a used token still gives no second `<id>`.
 */
import t from 'tap';
import { makeCompactPresentation } from '../../src/issuer/compact-presentation.js';
import { readCompactCredential } from '../../src/issuer/compact-credential.js';
import { makePresentation } from '../../src/issuer/presentation.js';
import { accessTokenFor, claimsOf, credentialRequest, json, keyProof, makeOffer, nonce, registerStudent, startIssuer, verifierOf, type TestIssuer } from '../helpers/issuance.js';
import type { TestService } from '../helpers/service.js';
import { makeDevice } from '../helpers/world.js';

let s: TestIssuer;
let verifier: TestService;
t.before(async () => {
  s = await startIssuer();
  verifier = await verifierOf(s);
});
t.teardown(async () => {
  await verifier.close();
  await s.close();
});

const request = async (token: string, configuration: string, device = makeDevice()) =>
  credentialRequest(s, token, { credential_configuration_id: configuration, proofs: { jwt: [keyProof(device, s.url, await nonce(s))] } });

async function verify(payload: string) {
  return json(await fetch(`${verifier.url}/v1/verify`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: payload }));
}

async function firstForm(doc: 'school' | 'student' = 'school') {
  const id = await registerStudent(s, { doc });
  const token = await accessTokenFor(s, await makeOffer(s, id));
  const device = makeDevice();
  const configuration = doc === 'school' ? 'mlegitymacja_szkolna' : 'mlegitymacja_studencka';
  const res = await request(token, configuration, device);
  if (res.status !== 200) throw new Error(`first form: ${res.status} ${await res.text()}`);
  const jwt = (await json(res)).credentials[0].credential as string;
  return { id, token, device, jwt, configuration };
}

t.test('the same credential in its compact form, VALID as MLEG2', async (t) => {
  const { token, device, jwt } = await firstForm();
  const res = await request(token, 'mlegitymacja_szkolna_compact', device);
  t.equal(res.status, 200);
  const cose = (await json(res)).credentials[0].credential as string;
  t.match(cose, /^[A-Za-z0-9_-]+$/, 'base64url');
  const bytes = Buffer.from(cose, 'base64url');
  const read = readCompactCredential(bytes);
  t.equal(read.jti, claimsOf(jwt).jti, 'its cti is the bytes of the JWT\'s jti');
  t.same({ x: read.device.x, y: read.device.y }, { x: device.publicJwk.x, y: device.publicJwk.y }, 'bound to the same device key');

  const asJwt = await verify(makePresentation(jwt, device));
  const asCose = await verify(makeCompactPresentation(bytes, device));
  t.equal(asCose.verdict, 'VALID', 'VALID as MLEG2');
  t.same({ ...asCose.credential }, { ...asJwt.credential }, 'the same credential (id, issuer, document, school, valid until) as the first form');
  t.same(asCose.holder, asJwt.holder, 'and holder');
  const proofId = 'c2FtZS1wcm9vZi1pZC1ib3Ro';
  t.equal((await verify(makePresentation(jwt, device, { jti: proofId }))).verdict, 'VALID');
  t.equal((await verify(makeCompactPresentation(bytes, device, { jti: proofId }))).verdict, 'REPLAYED', 'one proof id across both forms: REPLAYED');
  t.ok(bytes.length < Buffer.byteLength(jwt) * 0.75, `${bytes.length} bytes against the JWT's ${Buffer.byteLength(jwt)}`);

  const again = await request(token, 'mlegitymacja_szkolna_compact', device);
  t.equal(again.status, 200, 'asked again within the token\'s life: the same credential again');
  t.equal(readCompactCredential(Buffer.from((await json(again)).credentials[0].credential, 'base64url')).jti, read.jti);
});

t.test('the student document too, and revoked with its first form', async (t) => {
  const { id, token, device } = await firstForm('student');
  const res = await request(token, 'mlegitymacja_studencka_compact', device);
  t.equal(res.status, 200);
  const bytes = Buffer.from((await json(res)).credentials[0].credential, 'base64url');
  t.match(await verify(makeCompactPresentation(bytes, device)), { verdict: 'VALID', credential: { doc: 'student' } });
  await s.admin('POST', `/students/${id}/revoke`, { reason: 'transferred' });
  const after = await request(token, 'mlegitymacja_studencka_compact', device);
  t.equal(after.status, 401, 'a revoked credential gives no compact form');
  t.match(await json(after), { error: 'invalid_token', error_description: /no longer valid/ });
});

t.test('refusals: before the first form, another key, a used nonce, an expired token, the other document', async (t) => {
  const id = await registerStudent(s);
  const fresh = await accessTokenFor(s, await makeOffer(s, id));
  const early = await request(fresh, 'mlegitymacja_szkolna_compact');
  t.equal(early.status, 400);
  t.match(await json(early), { error: 'invalid_credential_request', error_description: /ask for mlegitymacja_szkolna first/ });

  const { token, device } = await firstForm();
  const other = await request(token, 'mlegitymacja_szkolna_compact', makeDevice());
  t.equal(other.status, 400);
  t.match(await json(other), { error: 'invalid_proof', error_description: /not by the key the credential/ });

  const c = await nonce(s);
  const once = await credentialRequest(s, token, { credential_configuration_id: 'mlegitymacja_szkolna_compact', proofs: { jwt: [keyProof(device, s.url, c)] } });
  t.equal(once.status, 200);
  const twice = await credentialRequest(s, token, { credential_configuration_id: 'mlegitymacja_szkolna_compact', proofs: { jwt: [keyProof(device, s.url, c)] } });
  t.equal(twice.status, 400);
  t.match(await json(twice), { error: 'invalid_nonce' }, 'a nonce once');

  const wrongDoc = await request(token, 'mlegitymacja_studencka_compact', device);
  t.equal(wrongDoc.status, 400);
  t.match(await json(wrongDoc), { error: 'invalid_credential_request', error_description: /this access token is for mlegitymacja_szkolna/ });

  const second = await request(token, 'mlegitymacja_szkolna', device);
  t.equal(second.status, 401, 'the used token gives no second first form');
  t.match(await json(second), { error: 'invalid_token', error_description: /one access token gives one credential/ });
  t.match(second.headers.get('www-authenticate'), /invalid_token/);
  const noBody = await credentialRequest(s, token, 'not an object');
  t.equal(noBody.status, 401, 'nor anything else that is not a compact request');

  s.clock.advance(301_000);
  try {
    // A key proof made at the service's (moved) time, so that only the token is late.
    const proof = keyProof(device, s.url, await nonce(s), { claims: { iat: Math.floor(s.clock.now / 1000) } });
    const late = await credentialRequest(s, token, { credential_configuration_id: 'mlegitymacja_szkolna_compact', proofs: { jwt: [proof] } });
    t.equal(late.status, 401, 'an expired token');
    t.match(await json(late), { error: 'invalid_token' });
  } finally {
    s.clock.advance(-301_000);
  }
});

t.test('offers are made for first forms only; a compact id in an offer is not one of ours', async (t) => {
  const id = await registerStudent(s);
  const offer = await json(await s.admin('POST', `/students/${id}/offer`));
  t.equal(offer.configuration_id, 'mlegitymacja_szkolna');
  const forged = encodeURIComponent(JSON.stringify({ credential_issuer: s.url, credential_configuration_ids: ['mlegitymacja_szkolna_compact'], grants: { 'urn:ietf:params:oauth:grant-type:pre-authorized_code': { 'pre-authorized_code': 'x' } } }));
  t.equal((await fetch(`${s.url}/offer?credential_offer=${forged}`)).status, 400);
});
