/**
 * The "done when": a verifier fed only by this service's published trust list and
 * status list. The issuing service and a running `Service` (the verifier, as `mleg serve`
 * runs it) talk over HTTP; the credential comes through the wallet's own OpenID4VCI client.
 * VALID, then SUSPENDED, VALID again, REVOKED after the school acts; a second device revokes
 * the first.
 */
import t, { type Test } from 'tap';
import { generateKeyPairJwk, signingKeyFromJwk } from '../../src/issuer/keys.js';
import { makePresentation } from '../../src/issuer/presentation.js';
import { activate } from '../../src/wallet/oid4vci-client.js';
import { json, makeOffer, registerStudent, signerOf, startIssuer, type TestIssuer } from '../helpers/issuance.js';
import { startService, type TestService } from '../helpers/service.js';

const VERIFIER_ADMIN = 'verifier-admin-token-0123456789';
let issuer: TestIssuer;
let verifier: TestService;

t.before(async () => {
  issuer = await startIssuer();
  const trustList = await (await fetch(`${issuer.url}/trust-list.json`)).text();
  verifier = await startService({
    files: { 'issuer-trust.json': trustList },
    config: { trust: { file: 'issuer-trust.json' }, status: { allowHttp: true }, admin: { token: VERIFIER_ADMIN }, workers: 1 },
  });
});
t.teardown(async () => {
  await verifier.close();
  await issuer.close();
});

const newDevice = () => signingKeyFromJwk(generateKeyPairJwk('ES256').privateJwk);

async function verdict(credential: string, device: ReturnType<typeof newDevice>): Promise<string> {
  const res = await fetch(`${verifier.url}/v1/verify`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: makePresentation(credential, device) });
  return (await json(res)).verdict;
}

/** The verifier fetches the status lists now instead of after their ttl. */
async function refresh(t: Test): Promise<void> {
  const res = await fetch(`${verifier.url}/v1/admin/refresh`, { method: 'POST', headers: { authorization: `Bearer ${VERIFIER_ADMIN}` } });
  const body = await json(res);
  t.ok(body.status_lists.every((l: { ok: boolean }) => l.ok), 'the verifier refetched the status list');
}

async function activateWith(studentId: string, device: ReturnType<typeof newDevice>, form: 'offer' | 'offer_url' = 'offer'): Promise<string> {
  const offer = await makeOffer(issuer, studentId);
  return (await activate({ offer: offer[form], txCode: offer.tx_code, signer: signerOf(device) })).credential;
}

t.test('VALID, then SUSPENDED, VALID again and REVOKED as the school acts', async (t) => {
  const id = await registerStudent(issuer);
  const phone = newDevice();
  const credential = await activateWith(id, phone, 'offer_url');
  t.equal(await verdict(credential, phone), 'VALID');
  t.equal(await verdict(credential, newDevice()), 'PROOF_INVALID', 'bound to the phone it was issued to');

  await issuer.admin('POST', `/students/${id}/suspend`);
  await refresh(t);
  t.equal(await verdict(credential, phone), 'SUSPENDED');
  await issuer.admin('POST', `/students/${id}/reinstate`);
  await refresh(t);
  t.equal(await verdict(credential, phone), 'VALID');
  await issuer.admin('POST', `/students/${id}/revoke`, { reason: 'transferred' });
  await refresh(t);
  t.equal(await verdict(credential, phone), 'REVOKED');
});

t.test('a second device: the first credential is REVOKED at the verifier, the new one VALID', async (t) => {
  const id = await registerStudent(issuer);
  const oldPhone = newDevice();
  const newPhone = newDevice();
  const first = await activateWith(id, oldPhone);
  t.equal(await verdict(first, oldPhone), 'VALID');
  const second = await activateWith(id, newPhone);
  await refresh(t);
  t.equal(await verdict(first, oldPhone), 'REVOKED', 'device_replaced');
  t.equal(await verdict(second, newPhone), 'VALID');
});

t.test('a student of the other document type and an EdDSA phone', async (t) => {
  const id = await registerStudent(issuer, { doc: 'student' });
  const phone = signingKeyFromJwk(generateKeyPairJwk('EdDSA').privateJwk);
  const credential = await activateWith(id, phone);
  const res = await json(await fetch(`${verifier.url}/v1/verify`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: makePresentation(credential, phone) }));
  t.match(res, { verdict: 'VALID', credential: { doc: 'student', issuer: 'PL-TEST-SZKOLA', valid_until: '2031-06-30T21:59:59.000Z' } });
});
