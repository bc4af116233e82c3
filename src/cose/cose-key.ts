/**
 * COSE_Key (RFC 9052 section 7, RFC 9053 section 7) for the two key types the contract
 * allows: EC2 P-256 (ES256) with `y` as 32 bytes or, compressed, as its sign bit; OKP
 * Ed25519 (EdDSA). Imported once into KeyObjects, as JWKs are (src/jws/jwk.ts).
 */
import { ECDH, createPublicKey } from 'node:crypto';
import type { JWK } from 'jose';
import type { Parsed } from '../jws/compact.js';
import type { PublicKey } from '../jws/jwk.js';
import type { JwsAlg } from '../jws/signature.js';
import { isByteString, isCborMap, type CborMap, type CborValue } from './cbor.js';

/** COSE algorithm identifiers (IANA "COSE Algorithms") of the two algorithms. */
export const COSE_ALG: Readonly<Record<JwsAlg, number>> = { ES256: -7, EdDSA: -8 };

export function jwsAlgOf(coseAlg: CborValue | undefined): JwsAlg | undefined {
  return coseAlg === -7 ? 'ES256' : coseAlg === -8 ? 'EdDSA' : undefined;
}

const KTY = 1;
const ALG = 3;
const CRV = -1;
const X = -2;
const Y = -3;
const D = -4;
const KTY_OKP = 1;
const KTY_EC2 = 2;
const CRV_P256 = 1;
const CRV_ED25519 = 6;


export function importCoseKey(value: CborValue | undefined): Parsed<PublicKey> {
  if (!isCborMap(value)) return { ok: false, reason: 'is not a COSE_Key map' };
  if (value.has(D)) return { ok: false, reason: 'has a private part (-4, "d")' };
  const x = value.get(X);
  const kty = value.get(KTY);
  let alg: JwsAlg;
  let y: CborValue | undefined;
  if (kty === KTY_EC2) {
    if (value.get(CRV) !== CRV_P256) return { ok: false, reason: 'EC2 key must be on curve P-256 (crv 1)' };
    if (!isByteString(x) || x.length !== 32) return { ok: false, reason: 'EC2 key needs a 32-byte x (-2)' };
    y = value.get(Y);
    if (typeof y !== 'boolean' && !(isByteString(y) && y.length === 32)) return { ok: false, reason: 'EC2 key needs y (-3) as 32 bytes or a sign bit' };
    alg = 'ES256';
  } else if (kty === KTY_OKP) {
    if (value.get(CRV) !== CRV_ED25519) return { ok: false, reason: 'OKP key must be Ed25519 (crv 6)' };
    if (!isByteString(x) || x.length !== 32) return { ok: false, reason: 'Ed25519 key needs a 32-byte x (-2)' };
    alg = 'EdDSA';
  } else {
    return { ok: false, reason: 'kty (1) must be EC2 (2, P-256) or OKP (1, Ed25519)' };
  }
  if (value.has(ALG) && value.get(ALG) !== COSE_ALG[alg]) return { ok: false, reason: `alg (3) must be ${COSE_ALG[alg]} for this key type` };
  try {
    let jwk: Record<string, string>;
    if (alg === 'EdDSA') jwk = { kty: 'OKP', crv: 'Ed25519', x: x.toString('base64url') };
    else if (isByteString(y)) jwk = { kty: 'EC', crv: 'P-256', x: x.toString('base64url'), y: y.toString('base64url') };
    else {
      // Decompressed by OpenSSL, then imported as a JWK: quicker than a DER key with the compressed
      // point, once per credential (bench/results/findings.md).
      const point = ECDH.convertKey(Buffer.concat([Buffer.from([y ? 3 : 2]), x]), 'prime256v1', undefined, undefined, 'uncompressed') as Buffer;
      jwk = { kty: 'EC', crv: 'P-256', x: x.toString('base64url'), y: point.subarray(33).toString('base64url') };
    }
    return { ok: true, value: { key: createPublicKey({ key: jwk, format: 'jwk' }), alg } };
  } catch {
    return { ok: false, reason: 'is not a valid public key (point not on the curve?)' };
  }
}

/**
 * The COSE_Key of a public JWK, as a credential's `cnf` carries it: a P-256 point
 * compressed (x and the sign bit of y: 33 bytes of key instead of 64) unless `compressed`
 * is false.
 */
export function coseKeyFromJwk(jwk: JWK, compressed = true): CborMap {
  if (typeof jwk.x !== 'string') throw new TypeError('a public JWK needs "x"');
  const x = Buffer.from(jwk.x, 'base64url');
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') {
    return new Map<number, CborValue>([
      [KTY, KTY_OKP],
      [CRV, CRV_ED25519],
      [X, x],
    ]);
  }
  if (jwk.kty === 'EC' && jwk.crv === 'P-256' && typeof jwk.y === 'string') {
    const y = Buffer.from(jwk.y, 'base64url');
    return new Map<number, CborValue>([
      [KTY, KTY_EC2],
      [CRV, CRV_P256],
      [X, x],
      [Y, compressed ? (y[31]! & 1) === 1 : y],
    ]);
  }
  throw new TypeError('key must be EC P-256 or OKP Ed25519');
}

/** The public JWK of a COSE_Key (a compressed point is decompressed), or the reason it is not one. */
export function jwkFromCoseKey(value: CborValue | undefined): Parsed<JWK> {
  const imported = importCoseKey(value);
  if (!imported.ok) return imported;
  const jwk = imported.value.key.export({ format: 'jwk' }) as JWK;
  return { ok: true, value: jwk.kty === 'EC' ? { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y } : { kty: 'OKP', crv: jwk.crv, x: jwk.x } };
}
