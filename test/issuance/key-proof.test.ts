/** The key proof's rules and the nonces, pure: each rule broken alone is refused, and says which. */
import t from 'tap';
import { checkKeyProof } from '../../src/issuance/key-proof.js';
import { checkNonce, newNonce, NONCE_MAX_AGE_MS } from '../../src/issuance/nonces.js';
import { newTxCode, sha256, txCodeMac } from '../../src/issuance/offers.js';
import { encodeSegment } from '../../src/issuer/jwt.js';
import { makeDevice } from '../helpers/world.js';
import { keyProof } from '../helpers/issuance.js';

const AUD = 'https://legitymacje.szkola.example.pl';
const now = Math.floor(Date.now() / 1000);
const device = makeDevice();
const other = makeDevice();

/** A proof with a header no signer would make (alg none, HS256). */
function forged(header: Record<string, unknown>, signature: string): string {
  const segment = (v: unknown) => encodeSegment(v);
  return `${segment({ typ: 'openid4vci-proof+jwt', jwk: device.publicJwk, ...header })}.${segment({ aud: AUD, iat: now, nonce: 'n' })}.${signature}`;
}

t.test('a well-formed proof gives the device key (public members only) and the nonce', async (t) => {
  for (const alg of ['ES256', 'EdDSA'] as const) {
    const d = makeDevice(alg);
    const out = checkKeyProof(keyProof(d, AUD, 'n-1', { header: { jwk: { ...d.publicJwk, kid: 'extra', use: 'sig' } } }), AUD, now);
    t.same(out, { ok: true, alg, nonce: 'n-1', jwk: d.publicJwk }, alg);
  }
  t.match(checkKeyProof(keyProof(device, AUD, 'n', { claims: { aud: ['https://other.example', AUD] } }), AUD, now), { ok: true }, 'aud as an array naming this issuer');
});

t.test('each broken rule is invalid, with its reason', async (t) => {
  const cases: [string, string, RegExp][] = [
    ['not a JWT', 'abc.def', /not a compact JWS/],
    ['typ JWT', keyProof(device, AUD, 'n', { header: { typ: 'JWT' } }), /"typ" must be "openid4vci-proof\+jwt"/],
    ['no typ', keyProof(device, AUD, 'n', { header: { typ: undefined } }), /"typ"/],
    ['alg none', forged({ alg: 'none' }, ''), /"alg"/],
    ['alg HS256', forged({ alg: 'HS256' }, 'AAAA'), /"alg"/],
    ['alg of the other key type', keyProof(device, AUD, 'n', { header: { jwk: makeDevice('EdDSA').publicJwk } }), /does not fit the "jwk" key type/],
    ['no jwk', keyProof(device, AUD, 'n', { header: { jwk: undefined } }), /no "jwk" header/],
    ['jwk and kid', keyProof(device, AUD, 'n', { header: { kid: 'k1' } }), /no "kid"/],
    ['x5c', keyProof(device, AUD, 'n', { header: { x5c: ['MIIB'] } }), /no "x5c"/],
    ['crit', keyProof(device, AUD, 'n', { header: { crit: ['exp'] } }), /no "crit"/],
    ['a private jwk', keyProof(device, AUD, 'n', { header: { jwk: { ...device.publicJwk, d: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } } }), /private part/],
    ['jwk off the curve', keyProof(device, AUD, 'n', { header: { jwk: { ...device.publicJwk, y: device.publicJwk.x } } }), /not a valid public key/],
    ['signed by another key', keyProof(device, AUD, 'n', { signWith: other }), /signature does not verify/],
    ['wrong aud', keyProof(device, AUD, 'n', { claims: { aud: 'https://other.example' } }), /"aud" must be this credential issuer/],
    ['no aud', keyProof(device, AUD, 'n', { claims: { aud: undefined } }), /"aud"/],
    ['stale iat', keyProof(device, AUD, 'n', { claims: { iat: now - 301 } }), /"iat" is more than 300 s/],
    ['iat far ahead', keyProof(device, AUD, 'n', { claims: { iat: now + 301 } }), /"iat" is more than 300 s/],
    ['iat a string', keyProof(device, AUD, 'n', { claims: { iat: String(now) } }), /"iat" must be a number/],
    ['no nonce', keyProof(device, AUD, undefined), /no "nonce"/],
    ['nonce a number', keyProof(device, AUD, 'n', { claims: { nonce: 7 } }), /"nonce" must be a string/],
  ];
  for (const [name, jwt, reason] of cases) {
    const out = checkKeyProof(jwt, AUD, now);
    t.equal(out.ok, false, name);
    if (!out.ok) t.match(out.reason, reason, name);
  }
  t.match(checkKeyProof(keyProof(device, AUD, 'n', { claims: { iat: now - 299 } }), AUD, now), { ok: true }, '299 s old is fine');
});

t.test('nonces: ours and fresh, or refused', async (t) => {
  const key = Buffer.alloc(32, 1);
  const at = Date.now();
  const n = newNonce(key, at);
  t.match(n, /^[A-Za-z0-9_-]{54}$/);
  t.not(newNonce(key, at), n, 'unpredictable: two at the same moment differ');
  t.same(checkNonce(key, n, at + NONCE_MAX_AGE_MS), { ok: true }, 'good for 300 s');
  t.match(checkNonce(key, n, at + NONCE_MAX_AGE_MS + 1), { ok: false, reason: /older than 300 s/ });
  t.match(checkNonce(Buffer.alloc(32, 2), n, at), { ok: false, reason: /not one this issuer made/ }, 'another key');
  const bytes = Buffer.from(n, 'base64url');
  bytes.writeBigUInt64BE(BigInt(at + 3_600_000), 16);
  t.match(checkNonce(key, bytes.toString('base64url'), at), { ok: false, reason: /not one this issuer made/ }, 'its time changed: the tag breaks');
  t.match(checkNonce(key, 'short', at), { ok: false });
  t.match(checkNonce(key, `${n}=`, at), { ok: false });
});

t.test('activation codes: 8 digits, uniform enough; the MAC binds the code to its offer', async (t) => {
  const codes = Array.from({ length: 2000 }, newTxCode);
  t.ok(codes.every((c) => /^\d{8}$/.test(c)));
  t.ok(new Set(codes).size > 1990, 'no visible repetition');
  const leading = codes.filter((c) => c.startsWith('0')).length;
  t.ok(leading > 100 && leading < 320, `leading zeros kept (${leading} of 2000 start with 0)`);
  const key = Buffer.alloc(32, 3);
  t.not(txCodeMac(key, sha256('offer-a'), '12345678').toString('hex'), txCodeMac(key, sha256('offer-b'), '12345678').toString('hex'), 'the same code in two offers is stored differently');
});
