/**
 * Every verdict of SPEC 6 and the shape of SPEC 7, over both formats: one table of
 * cases, each made as MLEG1 (JWS) and as MLEG2 (CBOR/COSE) by the world, with the same
 * verdicts expected (SPEC 11: "both give the same results").
 */
import t from 'tap';
import { VERDICTS } from '../../src/verify/verdicts.js';
import { verify } from '../../src/verify/verify.js';
import { CREDENTIAL_ID, DAY, FORMATS, IDX, NOW, NOW_S, STATUS_URI, STUDENT, World, makeDevice } from '../helpers/world.js';

/** A proof id both formats carry alike: 24 base64url characters are exactly 18 bytes (an MLEG2 cti is bytes). */
const id = (label: string) => label.padEnd(24, '0');

for (const format of FORMATS) {
  t.test(`${format}: VALID, the result has the shape of SPEC 7`, async (t) => {
    const w = new World({ format });
    t.teardown(() => w.close());
    const r = w.verify(w.present());
    t.same(r, {
      verdict: 'VALID',
      valid: true,
      reason: 'valid',
      checked_at: new Date(NOW).toISOString(),
      presented_at: new Date((NOW_S - 2) * 1000).toISOString(),
      credential: {
        id: CREDENTIAL_ID,
        issuer: 'PL-TEST',
        doc: 'school',
        doc_no: STUDENT.doc_no,
        org: STUDENT.org,
        valid_until: new Date((NOW_S + 300 * DAY) * 1000).toISOString(),
      },
      holder: { given_name: STUDENT.given_name, family_name: STUDENT.family_name, birthdate: STUDENT.birthdate },
      status: { checked: true, iat: new Date((NOW_S - 60) * 1000).toISOString(), age_seconds: 60 },
      replay: { shared: false },
    });
  });

  t.test(`${format}: every verdict, and valid is true exactly for VALID`, async (t) => {
    const w = new World({ format });
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
    check(`${format}:NOT-A-PRESENTATION`, 'MALFORMED');
    check(w.present(w.credential({ header: { kid: 'who-is-this' } })), 'UNKNOWN_ISSUER', 'unknown kid');
    check(w.present(w.credential({ claims: { iss: 'PL-OTHER' } })), 'UNKNOWN_ISSUER', 'iss of another issuer');
    check(w.present(w.tamper(w.credential())), 'BAD_SIGNATURE');
    const noProof = check(w.bare(w.credential()), 'PROOF_MISSING');
    t.equal(noProof.holder?.given_name, STUDENT.given_name, 'issuer-verified data is shown for PROOF_MISSING');
    check(w.present(undefined, {}, makeDevice()), 'PROOF_INVALID', 'proof by another device');
    check(w.present(w.credential({ nbf: NOW_S + DAY })), 'NOT_YET_VALID');
    t.same(check(w.present(w.credential({ exp: NOW_S - DAY })), 'EXPIRED').status, { checked: false }, 'decided before any list');
    const revoked = check(w.present(w.credential({ status: { uri: STATUS_URI, idx: IDX.revoked } })), 'REVOKED');
    const listStatus = { iat: new Date((NOW_S - 60) * 1000).toISOString(), age_seconds: 60 };
    t.same(revoked.status, { checked: true, ...listStatus }, 'the deciding list and its age');
    check(w.present(w.credential({ status: { uri: STATUS_URI, idx: IDX.other } })), 'REVOKED', 'status value 3 counts as revoked');
    check(w.present(w.credential({ status: { uri: STATUS_URI, idx: IDX.suspended } })), 'SUSPENDED');
    const noList = check(w.present(w.credential({ status: { uri: 'http://status.test/unknown', idx: 0 } }), { jti: id('status-unavailable') }), 'STATUS_UNAVAILABLE', 'no list for the uri (no network here)');
    t.same(noList.status, { checked: false }, 'no list: no freshness');
    const pastEnd = check(w.present(w.credential({ status: { uri: STATUS_URI, idx: IDX.pastEnd } })), 'STATUS_UNAVAILABLE', 'index past the end');
    t.same(pastEnd.status, { checked: false, ...listStatus }, 'past the end: not checked, but a list decided');
    check(w.present(undefined, { iat: NOW_S - 91 }), 'PROOF_STALE', 'older than 90 s');
    check(w.present(undefined, { iat: NOW_S + 31 }), 'PROOF_STALE', 'more than 30 s in the future');
    const once = w.present(undefined, { jti: id('replayed-presentation') });
    check(once, 'VALID');
    const again = check(once, 'REPLAYED');
    t.match(again.reason, /already accepted/);
    t.same(again.status, { checked: true, ...listStatus }, 'REPLAYED keeps the status of the VALID it was');
    t.equal(again.first_accepted_at, new Date(NOW_S * 1000).toISOString(), 'and says when it was first accepted');
    t.notOk('first_accepted_at' in w.verify(w.present()), 'only a REPLAYED result does');
    t.same([...seen].sort(), [...VERDICTS].sort(), 'all 13 verdicts were produced');
  });

  t.test(`${format}: boundaries of time checks`, async (t) => {
    const w = new World({ format });
    t.teardown(() => w.close());
    const v = (payload: string) => w.verify(payload).verdict;
    t.equal(v(w.present(undefined, { iat: NOW_S - 90, jti: id('edge-of-max-age') })), 'VALID', 'exactly 90 s old is fresh');
    t.equal(v(w.present(undefined, { iat: NOW_S + 30, jti: id('edge-of-future-skew') })), 'VALID', 'exactly 30 s ahead is fresh');
    t.equal(v(w.present(w.credential({ jti: 'c-exp-01', exp: NOW_S - 30 }))), 'VALID', 'expired within the clock skew');
    t.equal(v(w.present(w.credential({ jti: 'c-exp-02', exp: NOW_S - 31 }))), 'EXPIRED');
    t.equal(v(w.present(w.credential({ jti: 'c-nbf-01', nbf: NOW_S + 30 }))), 'VALID', 'not-before within the clock skew');
    t.equal(v(w.present(w.credential({ jti: 'c-nbf-02', nbf: NOW_S + 31 }))), 'NOT_YET_VALID');
    t.equal(v(w.present(w.credential({ jti: 'c-iat-01', iat: NOW_S + 31 }))), 'NOT_YET_VALID', 'iat in the future without nbf');
  });

  t.test(`${format}: presentation.requireProof false: a credential alone is checked without proof or replay`, async (t) => {
    const w = new World({ format, policy: { requireProof: false } });
    t.teardown(() => w.close());
    const bare = w.bare(w.credential());
    const r = w.verify(bare);
    t.equal(r.verdict, 'VALID');
    t.equal(r.presented_at, null, 'no presentation time without a proof');
    t.equal(w.verify(bare).verdict, 'VALID', 'no replay memory without a proof jti');
    t.equal(w.verify(w.present(undefined, {}, makeDevice())).verdict, 'PROOF_INVALID', 'a proof that is present is still checked');
  });

  t.test(`${format}: status.onUnavailable accept: VALID with status.checked false`, async (t) => {
    const w = new World({ format, policy: { onStatusUnavailable: 'accept' } });
    t.teardown(() => w.close());
    const r = w.verify(w.present(w.credential({ status: { uri: 'http://status.test/unknown', idx: 0 } })));
    t.equal(r.verdict, 'VALID');
    t.same(r.status, { checked: false });
    t.match(r.reason, /not checked/);
    t.equal(w.verify(w.present(w.credential({ status: { uri: STATUS_URI, idx: IDX.revoked } }))).verdict, 'REVOKED', 'a usable list still revokes');
    t.equal(w.verify(w.present(w.credential({ status: { uri: STATUS_URI, idx: IDX.pastEnd } }))).verdict, 'STATUS_UNAVAILABLE', 'an index past the end is never accepted');
  });

  t.test(`${format}: replay memory: only VALID presentations are remembered, and only while they could be fresh`, async (t) => {
    const w = new World({ format });
    t.teardown(() => w.close());
    const revokedCred = w.credential({ jti: 'cred-rev', status: { uri: STATUS_URI, idx: IDX.revoked } });
    const p = w.present(revokedCred, { jti: id('not-remembered') });
    t.equal(w.verify(p).verdict, 'REVOKED');
    t.equal(w.deps.replay.size, 0, 'a REVOKED presentation is not remembered');
    const stale = w.present(undefined, { iat: NOW_S - 200, jti: id('stale-one') });
    t.equal(w.verify(stale).verdict, 'PROOF_STALE');
    t.equal(w.deps.replay.size, 0, 'a stale presentation is not remembered');
    const ok = w.present(undefined, { jti: id('remembered') });
    t.equal(w.verify(ok).verdict, 'VALID');
    t.equal(w.deps.replay.size, 1);
    t.equal(w.verify(ok, NOW + 80_000).verdict, 'REPLAYED', 'still remembered 80 s later');
    t.equal(w.verify(ok, NOW + 100_000).verdict, 'PROOF_STALE', 'once it cannot be fresh, staleness decides');
    const sameJtiOtherCred = w.present(w.credential({ jti: 'cred-002' }), { jti: id('remembered') });
    t.equal(w.verify(sameJtiOtherCred).verdict, 'VALID', 'the triple includes the credential jti');
  });

  t.test(`${format}: the issuer-signature outcome is cached per credential; a trust list change empties the cache`, async (t) => {
    const w = new World({ format });
    t.teardown(() => w.close());
    const cred = w.credential();
    w.verify(w.present(cred));
    w.verify(w.present(cred));
    w.verify(w.present(cred));
    t.equal(w.deps.credentials.misses, 1, 'one issuer-signature check for three presentations');
    t.equal(w.deps.credentials.hits, 2);
    const other = new World({ format });
    t.teardown(() => other.close());
    const r = verify(w.present(cred), NOW, { ...w.deps, trust: other.trust });
    // The other world trusts a different key under the same kid and iss: a reused cache entry would say VALID.
    t.equal((r as { verdict: string }).verdict, 'BAD_SIGNATURE', 'a cached outcome is not reused under another trust list');
  });

  t.test(`${format}: a cached credential's signature on other claims is never taken for it, nor displaces it`, async (t) => {
    const w = new World({ format });
    t.teardown(() => w.close());
    const genuine = w.credential();
    t.equal(w.verify(w.present(genuine)).verdict, 'VALID');
    const altered = w.alter(genuine, { exp: NOW_S + 3650 * DAY });
    t.not(altered, genuine);
    t.same(w.signatureOf(altered), w.signatureOf(genuine), 'the same signature');
    for (let i = 0; i < 3; i++) t.equal(w.verify(w.present(altered)).verdict, 'BAD_SIGNATURE', `altered claims, attempt ${i + 1}`);
    const misses = w.deps.credentials.misses;
    t.equal(w.verify(w.present(genuine)).verdict, 'VALID');
    t.equal(w.deps.credentials.misses, misses, 'the genuine credential is still cached');
    t.equal(w.deps.credentials.size, 1, 'nothing cached for the altered credential');
  });

  t.test(`${format}: EdDSA issuers and devices, and mixed`, async (t) => {
    for (const [issuerAlg, deviceAlg] of [
      ['EdDSA', 'EdDSA'],
      ['EdDSA', 'ES256'],
      ['ES256', 'EdDSA'],
    ] as const) {
      const w = new World({ format, issuerAlg, deviceAlg });
      t.equal(w.verify(w.present()).verdict, 'VALID', `issuer ${issuerAlg}, device ${deviceAlg}`);
      w.close();
    }
  });
}

t.test('one credential in both formats: the same result, and one replay memory', async (t) => {
  const one = new World({ format: 'MLEG1' });
  t.teardown(() => one.close());
  const two = new World({ format: 'MLEG2' });
  t.teardown(() => two.close());
  // The same issuer, device and credential id in both worlds' formats, verified by one verifier.
  Object.assign(two, { issuer: one.issuer, device: one.device });
  const asJws = one.present(one.credential(), { jti: id('same-proof-id') });
  const asCose = two.present(two.credential(), { jti: id('same-proof-id') });
  const first = one.verify(asJws);
  t.equal(first.verdict, 'VALID');
  const second = one.verify(asCose);
  t.equal(second.verdict, 'REPLAYED', 'the same (iss, credential id, proof id) in the other format is a replay');
  const { first_accepted_at: firstAccepted, ...rest } = second;
  t.equal(firstAccepted, first.checked_at.replace(/\.\d{3}Z/, '.000Z'), 'when the other format was first accepted');
  t.same({ ...rest, verdict: 'VALID', valid: true, reason: 'valid' }, first, 'everything else in the result is the same');
});
