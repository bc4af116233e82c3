/**
 * Public JWKs of the two key types the contract allows (P-256 for ES256, Ed25519 for
 * EdDSA), imported once into KeyObjects.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Parsed } from './compact.js';
import { isPlainObject } from './compact.js';
import type { JwsAlg } from './signature.js';

export interface PublicKey {
  key: KeyObject;
  /** The only algorithm this key type signs with. */
  alg: JwsAlg;
}

const COORDINATE = /^[A-Za-z0-9_-]{43}$/; // 32 bytes, unpadded base64url

export function importPublicJwk(jwk: unknown): Parsed<PublicKey> {
  if (!isPlainObject(jwk)) return { ok: false, reason: 'is not a JSON object' };
  if (Object.hasOwn(jwk, 'd')) return { ok: false, reason: 'has a private part ("d")' };
  let members: Record<string, string>;
  let alg: JwsAlg;
  if (jwk.kty === 'EC') {
    if (jwk.crv !== 'P-256') return { ok: false, reason: 'EC key must be on curve P-256' };
    if (typeof jwk.x !== 'string' || !COORDINATE.test(jwk.x) || typeof jwk.y !== 'string' || !COORDINATE.test(jwk.y)) {
      return { ok: false, reason: 'EC key needs 32-byte base64url "x" and "y"' };
    }
    members = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
    alg = 'ES256';
  } else if (jwk.kty === 'OKP') {
    if (jwk.crv !== 'Ed25519') return { ok: false, reason: 'OKP key must be Ed25519' };
    if (typeof jwk.x !== 'string' || !COORDINATE.test(jwk.x)) {
      return { ok: false, reason: 'Ed25519 key needs a 32-byte base64url "x"' };
    }
    members = { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
    alg = 'EdDSA';
  } else {
    return { ok: false, reason: 'kty must be "EC" (P-256) or "OKP" (Ed25519)' };
  }
  try {
    return { ok: true, value: { key: createPublicKey({ key: members, format: 'jwk' }), alg } };
  } catch {
    return { ok: false, reason: 'is not a valid public key (point not on the curve?)' };
  }
}
