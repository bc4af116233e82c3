/**
 * OpenID4VCI 1.0 as SPEC 10 has it, over HTTP against the running service: metadata, the
 * token endpoint (right, wrong, reused, expired, unknown codes; the lock; racing
 * redemptions), nonces, key proofs, the credential endpoint and one device per student.
 */
import t from 'tap';
import { endOfDayInPoland } from '../../src/issuer/valid-until.js';
import { parseTrustList } from '../../src/trust/trust-list.js';
import { checkCredential } from '../../src/verify/credential.js';
import {
  accessTokenFor,
  claimsOf,
  credentialRequest,
  json,
  keyProof,
  makeOffer,
  nonce,
  redeem,
  registerStudent,
  startIssuer,
  tokenRequest,
  type TestIssuer,
} from '../helpers/issuance.js';
import { ISSUANCE_STUDENT } from '../helpers/holders.js';
import { makeDevice } from '../helpers/world.js';

const GRANT = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';
let s: TestIssuer;
t.before(async () => {
  // Access tokens outlive nonces here, so that a nonce's age can be tested on a live token.
  s = await startIssuer({ config: { activation: { maxAttempts: 5, accessTokenTtlSeconds: 600 } } });
});
t.teardown(() => s.close());

async function offerFor(extra: Record<string, unknown> = {}) {
  return makeOffer(s, await registerStudent(s, extra));
}

async function credentialFor(offer: Awaited<ReturnType<typeof offerFor>>, device = makeDevice()) {
  const token = await accessTokenFor(s, offer);
  return credentialRequest(s, token, { credential_configuration_id: offer.configuration_id, proofs: { jwt: [keyProof(device, s.url, await nonce(s))] } });
}

t.test('issuer and authorization-server metadata', async (t) => {
  const res = await fetch(`${s.url}/.well-known/openid-credential-issuer`);
  t.equal(res.status, 200);
  t.match(res.headers.get('content-type'), /^application\/json/);
  const m = await json(res);
  t.match(m, { credential_issuer: s.url, credential_endpoint: `${s.url}/credential`, nonce_endpoint: `${s.url}/nonce` });
  t.same(Object.keys(m.credential_configurations_supported), ['mlegitymacja_szkolna', 'mlegitymacja_studencka']);
  for (const id of ['mlegitymacja_szkolna', 'mlegitymacja_studencka']) {
    t.match(m.credential_configurations_supported[id], {
      format: 'mleg+jwt',
      cryptographic_binding_methods_supported: ['jwk'],
      proof_types_supported: { jwt: { proof_signing_alg_values_supported: ['ES256', 'EdDSA'] } },
      credential_signing_alg_values_supported: ['ES256'],
      credential_metadata: { display: [{ locale: 'pl' }, { locale: 'en' }] },
    });
  }
  const as = await json(await fetch(`${s.url}/.well-known/oauth-authorization-server`));
  t.match(as, { issuer: s.url, token_endpoint: `${s.url}/token`, 'pre-authorized_grant_anonymous_access_supported': true, grant_types_supported: [GRANT] });
});

t.test('token endpoint: the right code once; wrong, reused, expired and unknown codes are invalid_grant', async (t) => {
  const offer = await offerFor();
  const wrong = await redeem(s, offer.code, offer.tx_code === '00000000' ? '11111111' : '00000000');
  t.equal(wrong.status, 400);
  t.same(await json(wrong), { error: 'invalid_grant', error_description: 'wrong activation code (tx_code); 4 attempts left', mleg_reason: 'wrong_tx_code', attempts_left: 4 });
  const right = await redeem(s, offer.code, offer.tx_code);
  t.equal(right.status, 200);
  t.equal(right.headers.get('cache-control'), 'no-store');
  const token = await json(right);
  t.same(Object.keys(token).sort(), ['access_token', 'expires_in', 'token_type']);
  t.match(token, { token_type: 'Bearer', expires_in: 600, access_token: /^[A-Za-z0-9_-]{43}$/ });
  const reused = await redeem(s, offer.code, offer.tx_code);
  t.equal(reused.status, 400);
  t.match(await json(reused), { error: 'invalid_grant', mleg_reason: 'used' });
  t.match(await json(await redeem(s, 'A'.repeat(43), '12345678')), { error: 'invalid_grant', mleg_reason: 'unknown' });

  const later = await offerFor();
  s.clock.advance(14 * 24 * 3600_000 + 1000);
  t.teardown(() => s.clock.advance(-(14 * 24 * 3600_000 + 1000)));
  const expired = await redeem(s, later.code, later.tx_code);
  t.equal(expired.status, 400);
  t.match(await json(expired), { error: 'invalid_grant', mleg_reason: 'expired', error_description: /expired/ });
});

t.test('token endpoint: malformed requests are invalid_request or unsupported_grant_type', async (t) => {
  const offer = await offerFor();
  const cases: [Record<string, string> | string, string, string, RegExp][] = [
    [{ 'pre-authorized_code': offer.code, tx_code: offer.tx_code }, 'form', 'invalid_request', /grant_type is missing/],
    [{ grant_type: 'authorization_code', code: 'x' }, 'form', 'unsupported_grant_type', /only the grant type/],
    [{ grant_type: GRANT, tx_code: offer.tx_code }, 'form', 'invalid_request', /pre-authorized_code is missing/],
    [{ grant_type: GRANT, 'pre-authorized_code': offer.code }, 'form', 'invalid_request', /tx_code is missing/],
    [`grant_type=${encodeURIComponent(GRANT)}&pre-authorized_code=${offer.code}&tx_code=1&tx_code=2`, 'form', 'invalid_request', /tx_code is repeated/],
    [JSON.stringify({ grant_type: GRANT, 'pre-authorized_code': offer.code, tx_code: offer.tx_code }), 'json', 'invalid_request', /form-encoded/],
  ];
  for (const [body, kind, error, description] of cases) {
    const res =
      kind === 'json'
        ? await fetch(`${s.url}/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body as string })
        : typeof body === 'string'
          ? await fetch(`${s.url}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body })
          : await tokenRequest(s, body);
    t.equal(res.status, 400, String(description));
    t.match(await json(res), { error, error_description: description });
  }
  const text = await fetch(`${s.url}/token`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
  t.match(await json(text), { error: 'invalid_request' }, 'an OAuth error on any content type');
  t.equal((await redeem(s, offer.code, offer.tx_code)).status, 200, 'none of them counted as an attempt or used the code');
});

t.test('after activation.maxAttempts wrong codes the offer is locked: invalid_grant even with the right code', async (t) => {
  const offer = await offerFor();
  for (let i = 1; i <= 5; i++) {
    const res = await json(await redeem(s, offer.code, '99999999' === offer.tx_code ? '88888888' : '99999999'));
    t.equal(res.mleg_reason, i < 5 ? 'wrong_tx_code' : 'locked', `wrong code ${i}`);
    t.equal(res.attempts_left, 5 - i);
  }
  const right = await redeem(s, offer.code, offer.tx_code);
  t.equal(right.status, 400);
  t.match(await json(right), { error: 'invalid_grant', mleg_reason: 'locked', error_description: /locked/ });
  t.ok(s.logs.some((l) => l.msg === 'wrong activation code: offer locked' && l.offer === offer.offer_id), 'the lock is logged, by offer id');
});

t.test('20 redemptions of one code at the same moment: exactly one access token', async (t) => {
  const offer = await offerFor();
  const answers = await Promise.all(Array.from({ length: 20 }, () => redeem(s, offer.code, offer.tx_code)));
  const statuses = answers.map((r) => r.status);
  t.equal(statuses.filter((x) => x === 200).length, 1, 'one 200');
  t.equal(statuses.filter((x) => x === 400).length, 19, '19 invalid_grant');
  for (const r of answers) if (r.status === 400) t.equal((await json(r)).mleg_reason, 'used');
});

t.test('20 wrong guesses at the same moment never get past maxAttempts', async (t) => {
  const offer = await offerFor();
  const guesses = Array.from({ length: 20 }, (_, i) => String(10_000_000 + i)).filter((g) => g !== offer.tx_code);
  const answers = await Promise.all(guesses.map((g) => redeem(s, offer.code, g)));
  const reasons = await Promise.all(answers.map(async (r) => (await json(r)).mleg_reason as string));
  t.equal(reasons.filter((r) => r === 'wrong_tx_code').length, 4);
  t.equal(reasons.filter((r) => r === 'locked').length, guesses.length - 4, 'the fifth locks, the rest find it locked');
  const row = s.service.store.database.prepare('SELECT attempts, locked FROM offers WHERE id = ?').get(offer.offer_id);
  t.same(row, { attempts: 5, locked: 1 });
  t.match(await json(await redeem(s, offer.code, offer.tx_code)), { mleg_reason: 'locked' });
});

t.test('nonce endpoint: fresh, not cacheable; a nonce is good once and for 300 s', async (t) => {
  const res = await fetch(`${s.url}/nonce`, { method: 'POST', headers: { 'content-type': 'application/json' } });
  t.equal(res.status, 200, 'an empty JSON body is fine');
  t.equal(res.headers.get('cache-control'), 'no-store');
  const { c_nonce } = await json(res);
  t.match(c_nonce, /^[A-Za-z0-9_-]{40,}$/);
  t.not(await nonce(s), c_nonce);

  const device = makeDevice();
  const first = await offerFor();
  const ok = await credentialRequest(s, await accessTokenFor(s, first), { credential_configuration_id: first.configuration_id, proofs: { jwt: [keyProof(device, s.url, c_nonce)] } });
  t.equal(ok.status, 200);
  const second = await offerFor();
  const token = await accessTokenFor(s, second);
  const reused = await credentialRequest(s, token, { credential_configuration_id: second.configuration_id, proofs: { jwt: [keyProof(device, s.url, c_nonce)] } });
  t.equal(reused.status, 400);
  t.same(await json(reused), { error: 'invalid_nonce', error_description: 'the nonce was used already; get a new one' });

  const old = await nonce(s);
  s.clock.advance(301_000);
  t.teardown(() => s.clock.advance(-301_000));
  const stale = await credentialRequest(s, token, { credential_configuration_id: second.configuration_id, proofs: { jwt: [keyProof(device, s.url, old, { claims: { iat: Math.floor(s.clock.now / 1000) } })] } });
  t.equal(stale.status, 400);
  t.match(await json(stale), { error: 'invalid_nonce', error_description: /older than 300 s/ });
  const forged = await credentialRequest(s, token, { credential_configuration_id: second.configuration_id, proofs: { jwt: [keyProof(device, s.url, 'made-up-nonce', { claims: { iat: Math.floor(s.clock.now / 1000) } })] } });
  t.match(await json(forged), { error: 'invalid_nonce' });
  t.match(await json(await credentialRequest(s, token, { credential_configuration_id: second.configuration_id, proofs: { jwt: [keyProof(device, s.url, await nonce(s), { claims: { iat: Math.floor(s.clock.now / 1000) } })] } })), { credentials: [{ credential: String }] }, 'the refusals left the token usable');
});

t.test('credential endpoint: the access token, checked first (401 invalid_token with WWW-Authenticate)', async (t) => {
  const body = { credential_configuration_id: 'mlegitymacja_szkolna', proofs: { jwt: [keyProof(makeDevice(), s.url, await nonce(s))] } };
  const check = async (res: Response, description: RegExp, what: string) => {
    t.equal(res.status, 401, what);
    t.match(res.headers.get('www-authenticate'), /^Bearer error="invalid_token", error_description="[^"]+"$/, what);
    t.match(await json(res), { error: 'invalid_token', error_description: description }, what);
  };
  await check(await credentialRequest(s, undefined, body), /needs Authorization: Bearer/, 'missing');
  await check(await fetch(`${s.url}/credential`, { method: 'POST', headers: { authorization: 'DPoP abc', 'content-type': 'application/json' }, body: '{' }), /needs Authorization/, 'another scheme, before the bad body is read');
  await check(await credentialRequest(s, 'A'.repeat(43), body), /unknown access token/, 'unknown');
  const offer = await offerFor();
  const token = await accessTokenFor(s, offer);
  s.clock.advance(601_000);
  await check(await credentialRequest(s, token, body), /expired/, 'expired');
  s.clock.advance(-601_000);
  const used = await offerFor();
  const usedToken = await accessTokenFor(s, used);
  t.equal((await credentialRequest(s, usedToken, { ...body, proofs: { jwt: [keyProof(makeDevice(), s.url, await nonce(s))] } })).status, 200);
  await check(await credentialRequest(s, usedToken, { ...body, proofs: { jwt: [keyProof(makeDevice(), s.url, await nonce(s))] } }), /used already: one access token gives one credential/, 'one access token, one credential');
  const cancelled = await offerFor();
  const cancelledToken = await accessTokenFor(s, cancelled);
  const studentId = s.service.store.database.prepare('SELECT student_id FROM offers WHERE id = ?').pluck().get(cancelled.offer_id) as string;
  await s.admin('POST', `/students/${studentId}/revoke`, { reason: 'transferred' });
  await check(await credentialRequest(s, cancelledToken, body), /withdrawn/, 'the school revoked the student after the token was given');
});

t.test('credential endpoint: request and key proof errors', async (t) => {
  const offer = await offerFor();
  const token = await accessTokenFor(s, offer);
  const device = makeDevice();
  const proof = async (o: Parameters<typeof keyProof>[3] = {}) => keyProof(device, s.url, await nonce(s), o);
  const cases: [unknown, string, RegExp][] = [
    [[], 'invalid_credential_request', /JSON object/],
    [{ proofs: { jwt: [await proof()] } }, 'invalid_credential_request', /credential_configuration_id is missing/],
    [{ credential_identifier: 'x', proofs: { jwt: [await proof()] } }, 'invalid_credential_request', /credential_configuration_id/],
    [{ credential_configuration_id: 'mdl', proofs: { jwt: [await proof()] } }, 'unknown_credential_configuration', /unknown credential configuration mdl/],
    [{ credential_configuration_id: 'mlegitymacja_studencka', proofs: { jwt: [await proof()] } }, 'invalid_credential_request', /this access token is for mlegitymacja_szkolna/],
    [{ credential_configuration_id: 'mlegitymacja_szkolna', credential_response_encryption: { jwk: {}, enc: 'A128GCM' }, proofs: { jwt: [await proof()] } }, 'invalid_encryption_parameters', /encrypt/],
    [{ credential_configuration_id: 'mlegitymacja_szkolna' }, 'invalid_proof', /proofs is missing/],
    [{ credential_configuration_id: 'mlegitymacja_szkolna', proofs: { di_vp: [{}] } }, 'invalid_proof', /jwt/],
    [{ credential_configuration_id: 'mlegitymacja_szkolna', proofs: { jwt: [] } }, 'invalid_proof', /non-empty/],
    [{ credential_configuration_id: 'mlegitymacja_szkolna', proofs: { jwt: [await proof(), await proof()] } }, 'invalid_proof', /one key proof per request/],
    [{ credential_configuration_id: 'mlegitymacja_szkolna', proofs: { jwt: [await proof({ header: { typ: 'JWT' } })] } }, 'invalid_proof', /'typ'/],
    [{ credential_configuration_id: 'mlegitymacja_szkolna', proofs: { jwt: [await proof({ claims: { aud: 'https://elsewhere.example' } })] } }, 'invalid_proof', /'aud'/],
    [{ credential_configuration_id: 'mlegitymacja_szkolna', proofs: { jwt: [await proof({ claims: { iat: Math.floor(Date.now() / 1000) - 600 } })] } }, 'invalid_proof', /'iat'/],
    [{ credential_configuration_id: 'mlegitymacja_szkolna', proofs: { jwt: [await proof({ header: { jwk: undefined } })] } }, 'invalid_proof', /'jwk'/],
    [{ credential_configuration_id: 'mlegitymacja_szkolna', proofs: { jwt: [await proof({ header: { jwk: { ...device.publicJwk, d: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } } })] } }, 'invalid_proof', /private/],
    [{ credential_configuration_id: 'mlegitymacja_szkolna', proofs: { jwt: [await proof({ signWith: makeDevice() })] } }, 'invalid_proof', /signature/],
    [{ credential_configuration_id: 'mlegitymacja_szkolna', proofs: { jwt: [keyProof(device, s.url, undefined)] } }, 'invalid_proof', /no 'nonce'/],
  ];
  for (const [body, error, description] of cases) {
    const res = await credentialRequest(s, token, body);
    t.equal(res.status, 400, String(description));
    const answer = await json(res);
    t.match(answer, { error, error_description: description }, String(description));
    t.match(answer.error_description, /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/, 'error_description in the characters RFC 6749 allows');
  }
  const notJson = await fetch(`${s.url}/credential`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"x": ' });
  t.equal(notJson.status, 400);
  t.match(await json(notJson), { error: 'invalid_credential_request' });
  t.equal((await credentialRequest(s, token, { credential_configuration_id: 'mlegitymacja_szkolna', proofs: { jwt: [await proof()] } })).status, 200, 'after all that the token still gives its credential');
});

t.test('the credential: SPEC 2 claims from the record, cnf.jwk the proof\'s key, exp the end of valid_until in Poland, a status index', async (t) => {
  for (const alg of ['ES256', 'EdDSA'] as const) {
    const device = makeDevice(alg);
    const offer = await offerFor({ org: { name: 'Liceum im. Testowe', id: 'RSPO-123' } });
    const res = await credentialFor(offer, device);
    t.equal(res.status, 200, alg);
    t.equal(res.headers.get('cache-control'), 'no-store');
    const body = await json(res);
    t.same(Object.keys(body), ['credentials']);
    t.equal(body.credentials.length, 1);
    const credential = body.credentials[0].credential as string;
    const header = JSON.parse(Buffer.from(credential.split('.')[0]!, 'base64url').toString());
    t.same(header, { alg: 'ES256', typ: 'mleg+jwt', kid: 'test-szkola-1' });
    const trust = parseTrustList(await json(await fetch(`${s.url}/trust-list.json`)), 'published trust list');
    t.match(checkCredential(credential, trust), { ok: true }, 'a SPEC 2 credential the verifier accepts, signed by the published key');
    const c = claimsOf(credential);
    t.match(c, {
      iss: 'PL-TEST-SZKOLA',
      jti: /^[A-Za-z0-9_-]{22}$/,
      doc: 'school',
      given_name: ISSUANCE_STUDENT.given_name,
      family_name: ISSUANCE_STUDENT.family_name,
      birthdate: ISSUANCE_STUDENT.birthdate,
      doc_no: new RegExp(`^${ISSUANCE_STUDENT.doc_no}`),
      org: { name: 'Liceum im. Testowe', id: 'RSPO-123' },
      status: { status_list: { uri: `${s.url}/status/1`, idx: Number } },
    });
    t.same(c.cnf, { jwk: device.publicJwk }, `${alg}: bound to the proof's key`);
    t.equal(c.exp, endOfDayInPoland(ISSUANCE_STUDENT.valid_until), 'exp: 2031-06-30 23:59:59 in Warsaw');
    t.equal(new Date(c.exp * 1000).toISOString(), '2031-06-30T21:59:59.000Z');
    t.ok(Math.abs(c.iat - Date.now() / 1000) < 60);
  }
  const noOrg = claimsOf((await json(await credentialFor(await offerFor()))).credentials[0].credential);
  t.same(noOrg.org, { name: 'Szkoła Testowa nr 1', id: 'PL-TEST-SZKOLA' }, 'no org in the record: the issuer\'s own');
  const uni = claimsOf((await json(await credentialFor(await offerFor({ doc: 'student' })))).credentials[0].credential);
  t.equal(uni.doc, 'student');
});

t.test('one device: a new credential revokes the student\'s earlier ones (device_replaced)', async (t) => {
  const id = await registerStudent(s);
  const first = claimsOf((await json(await credentialFor(await makeOffer(s, id)))).credentials[0].credential);
  const second = claimsOf((await json(await credentialFor(await makeOffer(s, id)))).credentials[0].credential);
  t.not(first.status.status_list.idx, second.status.status_list.idx, 'each credential its own index');
  const record = await json(await s.admin('GET', `/students/${id}`));
  t.match(record, {
    state: 'active',
    credentials: [
      { jti: first.jti, status: 'revoked', reason: 'device_replaced' },
      { jti: second.jti, status: 'valid', reason: null },
    ],
  });
  const list = await s.service.store.statusList('1');
  t.equal(list!.entries.get(first.status.status_list.idx), 1, 'revoked in the status list');
  t.equal(list!.entries.get(second.status.status_list.idx), undefined, 'the new one valid');
});
