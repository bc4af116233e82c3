import t from 'tap';
import { VERDICTS } from '../../src/verify/verdicts.js';
import { verify } from '../../src/verify/verify.js';
import { DAY, IDX, NOW, NOW_S, STATUS_URI, STUDENT, World, decodePart, forge, makeDevice, tamperSignature } from '../helpers/world.js';

t.test('VALID: the result has the shape of SPEC 7', async (t) => {
  const w = new World();
  t.teardown(() => w.close());
  const r = w.verify(w.present());
  t.same(r, {
    verdict: 'VALID',
    valid: true,
    reason: 'valid',
    checked_at: new Date(NOW).toISOString(),
    presented_at: new Date((NOW_S - 2) * 1000).toISOString(),
    credential: {
      id: 'cred-0001',
      issuer: 'PL-TEST',
      doc: 'school',
      doc_no: STUDENT.doc_no,
      org: STUDENT.org,
      valid_until: new Date((NOW_S + 300 * DAY) * 1000).toISOString(),
    },
    holder: { given_name: STUDENT.given_name, family_name: STUDENT.family_name, birthdate: STUDENT.birthdate },
    status: { checked: true },
    replay: { shared: false },
  });
});

t.test('every verdict, and valid is true exactly for VALID', async (t) => {
  const w = new World();
  t.teardown(() => w.close());
  const seen = new Set<string>();
  const check = (payload: string, verdict: string, name = verdict) => {
    const r = w.verify(payload);
    t.equal(r.verdict, verdict, name);
    t.equal(r.valid, verdict === 'VALID', `${name}: valid flag`);
    t.type(r.reason, 'string');
    t.ok(r.reason.length > 0, `${name}: has a reason`);
    t.same(r.replay, { shared: false }, `${name}: replay decided in this process's memory, or not at all`);
    seen.add(r.verdict);
    return r;
  };
  check('MLEG1:not-a-jws', 'MALFORMED');
  check(w.present(w.credential({ header: { kid: 'who-is-this' } })), 'UNKNOWN_ISSUER', 'unknown kid');
  check(w.present(w.credential({ claims: { iss: 'PL-OTHER' } })), 'UNKNOWN_ISSUER', 'iss of another issuer');
  check(w.present(tamperSignature(w.credential())), 'BAD_SIGNATURE');
  const noProof = check(`MLEG1:${w.credential()}`, 'PROOF_MISSING');
  t.equal(noProof.holder?.given_name, STUDENT.given_name, 'issuer-verified data is shown for PROOF_MISSING');
  check(w.present(undefined, {}, makeDevice()), 'PROOF_INVALID', 'proof by another device');
  check(w.present(w.credential({ nbf: NOW_S + DAY })), 'NOT_YET_VALID');
  check(w.present(w.credential({ exp: NOW_S - DAY })), 'EXPIRED');
  const revoked = check(w.present(w.credential({ status: { uri: STATUS_URI, idx: IDX.revoked } })), 'REVOKED');
  t.same(revoked.status, { checked: true });
  check(w.present(w.credential({ status: { uri: STATUS_URI, idx: IDX.other } })), 'REVOKED', 'status value 3 counts as revoked');
  check(w.present(w.credential({ status: { uri: STATUS_URI, idx: IDX.suspended } })), 'SUSPENDED');
  check(w.present(w.credential({ status: { uri: 'http://status.test/unknown', idx: 0 } }), { jti: 'status-unavailable-01' }), 'STATUS_UNAVAILABLE', 'no list for the uri (no network here)');
  check(w.present(w.credential({ status: { uri: STATUS_URI, idx: IDX.pastEnd } })), 'STATUS_UNAVAILABLE', 'index past the end');
  check(w.present(undefined, { iat: NOW_S - 91 }), 'PROOF_STALE', 'older than 90 s');
  check(w.present(undefined, { iat: NOW_S + 31 }), 'PROOF_STALE', 'more than 30 s in the future');
  const once = w.present(undefined, { jti: 'replayed-presentation-1' });
  check(once, 'VALID');
  const again = check(once, 'REPLAYED');
  t.match(again.reason, /already accepted/);
  t.same([...seen].sort(), [...VERDICTS].sort(), 'all 13 verdicts were produced');
});

t.test('boundaries of time checks', async (t) => {
  const w = new World();
  t.teardown(() => w.close());
  const v = (payload: string) => w.verify(payload).verdict;
  t.equal(v(w.present(undefined, { iat: NOW_S - 90, jti: 'edge-of-max-age-0001' })), 'VALID', 'exactly 90 s old is fresh');
  t.equal(v(w.present(undefined, { iat: NOW_S + 30, jti: 'edge-of-future-skew1' })), 'VALID', 'exactly 30 s ahead is fresh');
  t.equal(v(w.present(w.credential({ jti: 'c-exp', exp: NOW_S - 30 }))), 'VALID', 'expired within the clock skew');
  t.equal(v(w.present(w.credential({ jti: 'c-exp2', exp: NOW_S - 31 }))), 'EXPIRED');
  t.equal(v(w.present(w.credential({ jti: 'c-nbf', nbf: NOW_S + 30 }))), 'VALID', 'not-before within the clock skew');
  t.equal(v(w.present(w.credential({ jti: 'c-nbf2', nbf: NOW_S + 31 }))), 'NOT_YET_VALID');
  t.equal(v(w.present(w.credential({ jti: 'c-iat', iat: NOW_S + 31 }))), 'NOT_YET_VALID', 'iat in the future without nbf');
});

t.test('presentation.requireProof false: a credential alone is checked without proof or replay', async (t) => {
  const w = new World({ policy: { requireProof: false } });
  t.teardown(() => w.close());
  const bare = `MLEG1:${w.credential()}`;
  const r = w.verify(bare);
  t.equal(r.verdict, 'VALID');
  t.equal(r.presented_at, null, 'no presentation time without a proof');
  t.equal(w.verify(bare).verdict, 'VALID', 'no replay memory without a proof jti');
  t.equal(w.verify(w.present(undefined, {}, makeDevice())).verdict, 'PROOF_INVALID', 'a proof that is present is still checked');
});

t.test('status.onUnavailable accept: VALID with status.checked false', async (t) => {
  const w = new World({ policy: { onStatusUnavailable: 'accept' } });
  t.teardown(() => w.close());
  const r = w.verify(w.present(w.credential({ status: { uri: 'http://status.test/unknown', idx: 0 } })));
  t.equal(r.verdict, 'VALID');
  t.same(r.status, { checked: false });
  t.match(r.reason, /not checked/);
  t.equal(w.verify(w.present(w.credential({ status: { uri: STATUS_URI, idx: IDX.revoked } }))).verdict, 'REVOKED', 'a usable list still revokes');
  t.equal(w.verify(w.present(w.credential({ status: { uri: STATUS_URI, idx: IDX.pastEnd } }))).verdict, 'STATUS_UNAVAILABLE', 'an index past the end is never accepted');
});

t.test('replay memory: only VALID presentations are remembered, and only while they could be fresh', async (t) => {
  const w = new World();
  t.teardown(() => w.close());
  const revokedCred = w.credential({ jti: 'cred-revoked', status: { uri: STATUS_URI, idx: IDX.revoked } });
  const p = w.present(revokedCred, { jti: 'not-remembered-0001' });
  t.equal(w.verify(p).verdict, 'REVOKED');
  t.equal(w.deps.replay.size, 0, 'a REVOKED presentation is not remembered');
  const stale = w.present(undefined, { iat: NOW_S - 200, jti: 'stale-one-000000001' });
  t.equal(w.verify(stale).verdict, 'PROOF_STALE');
  t.equal(w.deps.replay.size, 0, 'a stale presentation is not remembered');
  const ok = w.present(undefined, { jti: 'remembered-00000001' });
  t.equal(w.verify(ok).verdict, 'VALID');
  t.equal(w.deps.replay.size, 1);
  t.equal(w.verify(ok, NOW + 80_000).verdict, 'REPLAYED', 'still remembered 80 s later');
  t.equal(w.verify(ok, NOW + 100_000).verdict, 'PROOF_STALE', 'once it cannot be fresh, staleness decides');
  const sameJtiOtherCred = w.present(w.credential({ jti: 'cred-0002' }), { jti: 'remembered-00000001' });
  t.equal(w.verify(sameJtiOtherCred).verdict, 'VALID', 'the triple includes the credential jti');
});

t.test('the issuer-signature outcome is cached per credential; a trust list change empties the cache', async (t) => {
  const w = new World();
  t.teardown(() => w.close());
  const cred = w.credential();
  w.verify(w.present(cred));
  w.verify(w.present(cred));
  w.verify(w.present(cred));
  t.equal(w.deps.credentials.misses, 1, 'one issuer-signature check for three presentations');
  t.equal(w.deps.credentials.hits, 2);
  const other = new World();
  t.teardown(() => other.close());
  const r = verify(w.present(cred), NOW, { ...w.deps, trust: other.trust });
  // The other world trusts a different key under the same kid and iss: a reused cache entry would say VALID.
  t.equal((r as { verdict: string }).verdict, 'BAD_SIGNATURE', 'a cached outcome is not reused under another trust list');
});

t.test('a cached credential\'s signature on other claims is never taken for it, nor displaces it', async (t) => {
  const w = new World();
  t.teardown(() => w.close());
  const genuine = w.credential();
  t.equal(w.verify(w.present(genuine)).verdict, 'VALID');
  const signature = Buffer.from(genuine.slice(genuine.lastIndexOf('.') + 1), 'base64url');
  const altered = forge(decodePart(genuine, 0), { ...decodePart(genuine, 1), exp: NOW_S + 3650 * DAY }, signature);
  t.equal(altered.slice(altered.lastIndexOf('.')), genuine.slice(genuine.lastIndexOf('.')), 'the same signature segment');
  for (let i = 0; i < 3; i++) t.equal(w.verify(w.present(altered)).verdict, 'BAD_SIGNATURE', `altered claims, attempt ${i + 1}`);
  const misses = w.deps.credentials.misses;
  t.equal(w.verify(w.present(genuine)).verdict, 'VALID');
  t.equal(w.deps.credentials.misses, misses, 'the genuine credential is still cached');
  t.equal(w.deps.credentials.size, 1, 'nothing cached for the altered text');
});

t.test('EdDSA issuers and devices, and mixed', async (t) => {
  for (const [issuerAlg, deviceAlg] of [
    ['EdDSA', 'EdDSA'],
    ['EdDSA', 'ES256'],
    ['ES256', 'EdDSA'],
  ] as const) {
    const w = new World({ issuerAlg, deviceAlg });
    t.equal(w.verify(w.present()).verdict, 'VALID', `issuer ${issuerAlg}, device ${deviceAlg}`);
    w.close();
  }
});
