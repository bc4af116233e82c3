import { createHmac, createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import t from 'tap';
import { issueCredential } from '../../src/issuer/credential.js';
import { signJwt } from '../../src/issuer/jwt.js';
import { verifyStatusListToken } from '../../src/status/status-list-token.js';
import { IDX, NOW_S, STATUS_URI, STUDENT, World, decodePart, forge, makeDevice, makeIssuer, withSignature } from '../helpers/world.js';

const P256_ORDER = BigInt('0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551');

function signingInput(jws: string): string {
  return jws.slice(0, jws.lastIndexOf('.'));
}

t.test('credential alg attacks give BAD_SIGNATURE', async (t) => {
  const w = new World();
  t.teardown(() => w.close());
  const good = w.credential();
  const header = decodePart(good, 0);
  const claims = decodePart(good, 1);
  const publicPem = createPublicKey(w.issuer.key).export({ format: 'pem', type: 'spki' }) as string;
  const cases: Record<string, string> = {
    'alg none, no signature': forge({ ...header, alg: 'none' }, claims),
    'alg lower-case es256': withSignature(forge({ ...header, alg: 'es256' }, claims), Buffer.from(good.split('.')[2]!, 'base64url')),
    'alg RS256': forge({ ...header, alg: 'RS256' }, claims, Buffer.alloc(256, 1)),
  };
  for (const secret of [publicPem, JSON.stringify(w.issuer.publicJwk)]) {
    const unsigned = forge({ ...header, alg: 'HS256' }, claims);
    const mac = createHmac('sha256', secret).update(signingInput(unsigned)).digest();
    cases[`HS256 keyed with the public key (${secret.startsWith('-----') ? 'PEM' : 'JWK'})`] = withSignature(unsigned, mac);
  }
  cases['ECDSA r = s = 0'] = withSignature(good, Buffer.alloc(64));
  cases['signature of the right length from another key'] = withSignature(good, Buffer.from(issueCredential({ issuer: makeIssuer(), student: STUDENT, device: w.device.publicJwk, status: { uri: STATUS_URI, idx: 0 }, exp: NOW_S + 1000 }).split('.')[2]!, 'base64url'));
  for (const [name, credential] of Object.entries(cases)) {
    const r = w.verify(w.present(credential));
    t.equal(r.verdict, 'BAD_SIGNATURE', name);
    t.equal(r.holder, null, `${name}: nothing shown`);
  }
});

t.test('an EdDSA trust-list key refuses an ES256 header, and the other way round', async (t) => {
  const w = new World({ issuerAlg: 'EdDSA' });
  t.teardown(() => w.close());
  const es = makeIssuer({ alg: 'ES256', kid: w.issuer.kid, iss: w.issuer.iss });
  const credential = issueCredential({ issuer: es, student: STUDENT, device: w.device.publicJwk, status: { uri: STATUS_URI, idx: 0 }, exp: NOW_S + 1000 });
  t.equal(w.verify(w.present(credential)).verdict, 'BAD_SIGNATURE');
});

t.test('key-choosing headers in the credential are MALFORMED; in the proof PROOF_INVALID', async (t) => {
  const w = new World();
  t.teardown(() => w.close());
  const values: Record<string, unknown> = {
    jwk: w.device.publicJwk,
    jku: 'https://attacker.test/keys',
    x5u: 'https://attacker.test/cert',
    x5c: ['MIIB'],
    crit: ['exp'],
    b64: false,
  };
  for (const [name, value] of Object.entries(values)) {
    t.equal(w.verify(w.present(w.credential({ header: { [name]: value } }))).verdict, 'MALFORMED', `credential header ${name}`);
    t.equal(w.verify(w.present(undefined, { header: { [name]: value } })).verdict, 'PROOF_INVALID', `proof header ${name}`);
  }
  t.equal(w.verify(w.present(undefined, { header: { kid: 'device-1' } })).verdict, 'PROOF_INVALID', 'proof header kid');
});

t.test('typ confusion between credential, proof and status list', async (t) => {
  const w = new World();
  t.teardown(() => w.close());
  const cred = w.credential();
  t.equal(w.verify(w.present(w.credential({ header: { typ: 'mleg-kb+jwt' } }))).verdict, 'MALFORMED', 'credential typed as a proof');
  t.equal(w.verify(w.present(w.credential({ header: { typ: 'statuslist+jwt' } }))).verdict, 'MALFORMED', 'credential typed as a status list');
  t.equal(w.verify(w.present(w.credential({ header: { typ: 'JWT' } }))).verdict, 'MALFORMED', 'credential typed JWT');
  t.equal(w.verify(w.present(w.credential({ header: { typ: undefined } }))).verdict, 'MALFORMED', 'credential without typ');
  t.equal(w.verify(w.present(cred, { header: { typ: 'mleg+jwt' } })).verdict, 'PROOF_INVALID', 'proof typed as a credential');
  t.equal(w.verify(`MLEG1:${cred}~${cred}`).verdict, 'PROOF_INVALID', 'the credential itself as its proof');
  // A status list served where a credential is expected, and a credential served as a status list.
  const list = w.statusList();
  t.equal(w.verify(w.present(list)).verdict, 'MALFORMED', 'a status list presented as a credential');
  const asList = signJwt({ alg: 'ES256', typ: 'mleg+jwt', kid: w.issuer.kid }, decodePart(list, 1), w.issuer.key);
  t.match(verifyStatusListToken(asList, w.trust, STATUS_URI), { ok: false, reason: /typ/ }, 'a list with typ mleg+jwt is refused');
});

t.test('proof attacks', async (t) => {
  const w = new World();
  t.teardown(() => w.close());
  const cred = w.credential();
  const proof = w.proof(cred);
  t.equal(w.verify(`MLEG1:${cred}~${withSignature(proof, Buffer.alloc(64))}`).verdict, 'PROOF_INVALID', 'ECDSA r = s = 0');
  t.equal(w.verify(`MLEG1:${cred}~${forge({ ...decodePart(proof, 0), alg: 'none' }, decodePart(proof, 1))}`).verdict, 'PROOF_INVALID', 'alg none');
  t.equal(w.verify(w.present(cred, { header: { alg: 'EdDSA' } }, w.device)).verdict, 'PROOF_INVALID', 'alg that does not fit cnf.jwk');
  t.equal(w.verify(w.present(cred, { claims: { cred: undefined } })).verdict, 'PROOF_INVALID', 'no cred claim');
  t.equal(w.verify(w.present(cred, { claims: { cred: w.proof(w.credential({ jti: 'x' })).slice(0, 43) } })).verdict, 'PROOF_INVALID', 'cred of another credential');
  t.equal(w.verify(w.present(cred, { jti: 'short' })).verdict, 'PROOF_INVALID', 'jti too short');
  t.equal(w.verify(w.present(cred, { jti: 'has space in it 123' })).verdict, 'PROOF_INVALID', 'jti outside base64url');
  t.equal(w.verify(w.present(cred, { claims: { iat: '1764000000' } })).verdict, 'PROOF_INVALID', 'iat as a string');
  t.equal(w.verify(w.present(cred, {}, makeDevice('EdDSA'))).verdict, 'PROOF_INVALID', 'proof by another device of another key type');
  const other = w.credential({ jti: 'other-cred' });
  t.equal(w.verify(`MLEG1:${other}~${w.proof(cred)}`).verdict, 'PROOF_INVALID', 'a proof moved to another credential of the same device');
});

t.test('a malleated ECDSA proof signature (r, n - s) after a VALID scan is REPLAYED', async (t) => {
  const w = new World();
  t.teardown(() => w.close());
  const cred = w.credential();
  const proof = w.proof(cred, { jti: 'malleable-proof-0001' });
  const sig = Buffer.from(proof.split('.')[2]!, 'base64url');
  const s = BigInt(`0x${sig.subarray(32).toString('hex')}`);
  const flipped = Buffer.concat([sig.subarray(0, 32), Buffer.from((P256_ORDER - s).toString(16).padStart(64, '0'), 'hex')]);
  const malleated = withSignature(proof, flipped);
  t.not(malleated, proof, 'a different payload text');
  t.ok(cryptoVerify('sha256', Buffer.from(signingInput(proof)), { key: w.device.key, dsaEncoding: 'ieee-p1363' }, flipped), 'the malleated signature is itself valid');
  t.equal(w.verify(`MLEG1:${cred}~${proof}`).verdict, 'VALID');
  t.equal(w.verify(`MLEG1:${cred}~${malleated}`).verdict, 'REPLAYED');
});

t.test('credential claims and device key checks', async (t) => {
  const w = new World();
  t.teardown(() => w.close());
  const bad: Record<string, Record<string, unknown>> = {
    'jti too long': { jti: 'x'.repeat(65) },
    'empty jti': { jti: '' },
    'exp as a string': { exp: '1800000000' },
    'iat fractional': { iat: 1.5 },
    'nbf not an integer': { nbf: 'soon' },
    'doc unknown': { doc: 'university' },
    'birthdate not a date': { birthdate: '2009-02-30' },
    'missing doc_no': { doc_no: undefined },
    'org without id': { org: { name: 'x' } },
    'status idx negative': { status: { status_list: { idx: -1, uri: STATUS_URI } } },
    'status without uri': { status: { status_list: { idx: 1 } } },
    'cnf without jwk': { cnf: {} },
    'cnf.jwk private': { cnf: { jwk: { ...w.device.publicJwk, d: 'AAAA' } } },
    'cnf.jwk RSA': { cnf: { jwk: { kty: 'RSA', n: 'AQAB', e: 'AQAB' } } },
    'cnf.jwk P-384': { cnf: { jwk: { ...w.device.publicJwk, crv: 'P-384' } } },
    'cnf.jwk point not on the curve': { cnf: { jwk: { ...w.device.publicJwk, y: w.device.publicJwk.x } } },
    'missing given_name': { given_name: undefined },
    'iss empty': { iss: '' },
  };
  for (const [name, claims] of Object.entries(bad)) {
    t.equal(w.verify(w.present(w.credential({ claims }))).verdict, 'MALFORMED', name);
  }
  t.equal(w.verify(w.present(w.credential({ claims: { extra: { anything: true } } }))).verdict, 'VALID', 'unknown claims are ignored');
});

t.test('status list attacks', async (t) => {
  const other = makeIssuer({ iss: 'PL-OTHER', kid: 'other-1' });
  const cred = (w: World) => w.present(w.credential({ status: { uri: STATUS_URI, idx: IDX.revoked } }));
  const cases: Record<string, (w: World) => string> = {
    'signed by another trusted issuer': (w) => w.statusList({}, other),
    'sub of another list': (w) => w.statusList({ uri: 'https://status.test/lists/2' }),
    'typ of a credential': (w) => w.statusList({ header: { typ: 'mleg+jwt' } }),
    'unknown kid': (w) => w.statusList({ header: { kid: 'nobody' } }),
    'signature tampered': (w) => withSignature(w.statusList(), Buffer.alloc(64, 7)),
    'truncated token': (w) => w.statusList().slice(0, 120),
    'bits 3': (w) => w.statusList({ claims: { status_list: { bits: 3, lst: 'eNrbuRgAAhcBXQ' } } }),
    'lst not zlib': (w) => w.statusList({ claims: { status_list: { bits: 1, lst: 'AAAAAAAA' } } }),
    'expired (exp in the past)': (w) => w.statusList({ exp: NOW_S - 1 }),
    'older than status.maxAgeSeconds': (w) => w.statusList({ iat: NOW_S - 3 * 24 * 3600 }),
    'zlib bomb in lst': (w) => w.statusList({ claims: { status_list: { bits: 1, lst: deflateSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 }).toString('base64url') } } }),
  };
  for (const [name, list] of Object.entries(cases)) {
    const w = new World({ others: [other], lists: (w) => ({ [STATUS_URI]: list(w) }) });
    const r = w.verify(cred(w));
    t.equal(r.verdict, 'STATUS_UNAVAILABLE', name);
    t.same(r.status, { checked: false }, `${name}: status not checked`);
    w.close();
  }
  const control = new World({ others: [other] });
  t.equal(control.verify(cred(control)).verdict, 'REVOKED', 'control: the same credential against a good list');
  control.close();
});

t.test('the zlib bomb is stopped by the output cap, after the signature check', async (t) => {
  const w = new World();
  t.teardown(() => w.close());
  const bomb = deflateSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 }).toString('base64url');
  t.ok(bomb.length < 200_000, `the bomb is small (${bomb.length} characters)`);
  const token = w.statusList({ claims: { status_list: { bits: 1, lst: bomb } } });
  t.match(verifyStatusListToken(token, w.trust, STATUS_URI), { ok: false, reason: /inflates to more than/ });
  const unsigned = withSignature(token, Buffer.alloc(64));
  t.match(verifyStatusListToken(unsigned, w.trust, STATUS_URI), { ok: false, reason: /signature/ }, 'an unsigned bomb is never inflated');
});

t.test('times a date cannot show: MALFORMED in the credential, PROOF_INVALID in the proof, never "invalid date"', async (t) => {
  const w = new World();
  t.teardown(() => w.close());
  for (const [claim, value] of [
    ['exp', 1e15],
    ['exp', Number.MAX_SAFE_INTEGER],
    ['iat', -1e15],
    ['nbf', 1e14],
  ] as const) {
    const r = w.verify(w.present(w.credential({ claims: { [claim]: value } })));
    t.equal(r.verdict, 'MALFORMED', `credential ${claim} ${value}`);
    t.match(r.reason, new RegExp(`"${claim}" must be an integer number of seconds a date can show`));
  }
  for (const iat of [Number.MAX_SAFE_INTEGER, 8.64e12 + 1, -8.64e12 - 1]) {
    const r = w.verify(w.present(undefined, { iat }));
    t.equal(r.verdict, 'PROOF_INVALID', `proof iat ${iat}`);
    t.equal(r.presented_at, null, 'no presentation time shown');
    t.notMatch(JSON.stringify(r), /invalid date/i);
  }
  // The farthest a date can show is still a date: a credential valid until then is VALID.
  const far = w.verify(w.present(w.credential({ exp: 8.64e12 })));
  t.equal(far.verdict, 'VALID');
  t.equal(far.credential?.valid_until, '+275760-09-13T00:00:00.000Z');
});
