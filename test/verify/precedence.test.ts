/**
 * SPEC 6: where several verdicts apply, the first in the list wins. Each fault below
 * makes exactly one verdict apply; every pair of faults that can occur together is
 * combined and must give the earlier verdict. One table, both encodings (SPEC 11): each
 * fault is made the same way in MLEG1 and MLEG2 by the world.
 */
import t from 'tap';
import { replayKey } from '../../src/replay/replay-store.js';
import { VERDICTS, type Verdict } from '../../src/verify/verdicts.js';
import { DAY, FORMATS, IDX, NOW_S, STATUS_URI, World, makeDevice } from '../helpers/world.js';

interface Recipe {
  credHeader: Record<string, unknown>;
  credClaims: Record<string, unknown>;
  nbf?: number;
  exp?: number;
  idx: number;
  tamperCredential: boolean;
  withProof: boolean;
  /** Sign the proof with another device than the credential's. */
  otherDevice: boolean;
  proofIat: number;
  replayed: boolean;
}

type Fault = Exclude<Verdict, 'VALID'>;

const FAULTS: Record<Fault, (r: Recipe) => void> = {
  MALFORMED: (r) => (r.credClaims.doc = 'university'),
  UNKNOWN_ISSUER: (r) => (r.credHeader.kid = 'nobody-we-know'),
  BAD_SIGNATURE: (r) => (r.tamperCredential = true),
  PROOF_MISSING: (r) => (r.withProof = false),
  PROOF_INVALID: (r) => (r.otherDevice = true),
  NOT_YET_VALID: (r) => (r.nbf = NOW_S + DAY),
  EXPIRED: (r) => (r.exp = NOW_S - DAY),
  REVOKED: (r) => (r.idx = IDX.revoked),
  SUSPENDED: (r) => (r.idx = IDX.suspended),
  STATUS_UNAVAILABLE: (r) => (r.idx = IDX.pastEnd),
  PROOF_STALE: (r) => (r.proofIat = NOW_S - 3600),
  REPLAYED: (r) => (r.replayed = true),
};

/** Faults that cannot occur in one presentation. */
const EXCLUSIVE: [Fault, Fault][] = [
  ['PROOF_MISSING', 'PROOF_INVALID'],
  ['PROOF_MISSING', 'PROOF_STALE'],
  ['PROOF_MISSING', 'REPLAYED'],
  ['REVOKED', 'SUSPENDED'],
  ['REVOKED', 'STATUS_UNAVAILABLE'],
  ['SUSPENDED', 'STATUS_UNAVAILABLE'],
];

const order = (v: Verdict) => VERDICTS.indexOf(v);
const faults = VERDICTS.filter((v): v is Fault => v !== 'VALID');

const stranger = makeDevice();

for (const format of FORMATS) {
  const w = new World({ format });
  t.teardown(() => w.close());
  let serial = 0;

  const presentWith = (applied: Fault[]): string => {
    serial += 1;
    const r: Recipe = { credHeader: {}, credClaims: {}, idx: IDX.valid, tamperCredential: false, withProof: true, otherDevice: false, proofIat: NOW_S - 2, replayed: false };
    for (const f of applied) FAULTS[f](r);
    // Ids of whole bytes in base64url (8 and 24 characters), the same in both formats.
    const credJti = `cred${String(serial).padStart(4, '0')}`;
    const proofJti = `proof-jti-${String(serial).padStart(14, '0')}`;
    let credential = w.credential({
      jti: credJti,
      header: r.credHeader,
      claims: r.credClaims,
      status: { uri: STATUS_URI, idx: r.idx },
      ...(r.nbf !== undefined ? { nbf: r.nbf } : {}),
      ...(r.exp !== undefined ? { exp: r.exp } : {}),
    });
    if (r.tamperCredential) credential = w.tamper(credential);
    // What an earlier VALID presentation of the same triple leaves behind.
    if (r.replayed) w.deps.replay.rememberOnce(replayKey('PL-TEST', credJti, proofJti), NOW_S - 10, NOW_S + 1000);
    return r.withProof ? w.present(credential, { iat: r.proofIat, jti: proofJti }, r.otherDevice ? stranger : w.device) : w.bare(credential);
  };

  t.test(`${format}: each fault alone gives its verdict`, async (t) => {
    for (const f of faults) t.equal(w.verify(presentWith([f])).verdict, f, f);
    t.equal(w.verify(presentWith([])).verdict, 'VALID', 'no fault');
  });

  t.test(`${format}: every pair that can occur together: the earlier verdict wins`, async (t) => {
    let pairs = 0;
    for (const a of faults) {
      for (const b of faults) {
        if (order(a) >= order(b)) continue;
        if (EXCLUSIVE.some(([x, y]) => (x === a && y === b) || (x === b && y === a))) continue;
        pairs += 1;
        t.equal(w.verify(presentWith([b, a])).verdict, a, `${a} before ${b}`);
      }
    }
    t.equal(pairs, 60, '66 pairs, 6 of which cannot occur together');
  });

  t.test(`${format}: a ladder: all compatible faults at once, removed one by one in order`, async (t) => {
    let remaining: Fault[] = faults.filter((f) => f !== 'PROOF_MISSING' && f !== 'SUSPENDED' && f !== 'STATUS_UNAVAILABLE');
    while (remaining.length > 0) {
      t.equal(w.verify(presentWith(remaining)).verdict, remaining[0], `with ${remaining.join(', ')}`);
      remaining = remaining.slice(1);
    }
  });

  t.test(`${format}: unverified data is never shown`, async (t) => {
    for (const f of ['MALFORMED', 'UNKNOWN_ISSUER', 'BAD_SIGNATURE'] as const) {
      const r = w.verify(presentWith([f]));
      t.same([r.credential, r.holder, r.presented_at], [null, null, null], f);
    }
    const invalidProof = w.verify(presentWith(['PROOF_INVALID']));
    t.equal(invalidProof.presented_at, null, 'the time in an invalid proof is not shown');
    t.not(invalidProof.credential, null, 'the issuer-signed credential is shown for PROOF_INVALID');
  });
}
