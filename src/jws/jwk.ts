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

/** A public JWK's members as node:crypto imports them: EC P-256 with x and y, or OKP Ed25519 with x. */
export type PublicJwk = { kty: 'EC'; crv: 'P-256'; x: string; y: string } | { kty: 'OKP'; crv: 'Ed25519'; x: string };

/** The members of a public JWK of one of the two key types, their shape checked; nothing imported. */
export function publicJwkMembers(jwk: unknown): Parsed<{ members: PublicJwk; alg: JwsAlg }> {
  if (!isPlainObject(jwk)) return { ok: false, reason: 'is not a JSON object' };
  if (Object.hasOwn(jwk, 'd')) return { ok: false, reason: 'has a private part ("d")' };
  if (jwk.kty === 'EC') {
    if (jwk.crv !== 'P-256') return { ok: false, reason: 'EC key must be on curve P-256' };
    if (typeof jwk.x !== 'string' || !COORDINATE.test(jwk.x) || typeof jwk.y !== 'string' || !COORDINATE.test(jwk.y)) {
      return { ok: false, reason: 'EC key needs 32-byte base64url "x" and "y"' };
    }
    return { ok: true, value: { members: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, alg: 'ES256' } };
  }
  if (jwk.kty === 'OKP') {
    if (jwk.crv !== 'Ed25519') return { ok: false, reason: 'OKP key must be Ed25519' };
    if (typeof jwk.x !== 'string' || !COORDINATE.test(jwk.x)) {
      return { ok: false, reason: 'Ed25519 key needs a 32-byte base64url "x"' };
    }
    return { ok: true, value: { members: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, alg: 'EdDSA' } };
  }
  return { ok: false, reason: 'kty must be "EC" (P-256) or "OKP" (Ed25519)' };
}

export const NOT_A_PUBLIC_KEY = 'is not a valid public key (point not on the curve?)';

/** Imports members already checked (publicJwkMembers); throws when node:crypto refuses them. */
export function importMembers(members: PublicJwk): KeyObject {
  return createPublicKey({ key: members, format: 'jwk' });
}

export function importPublicJwk(jwk: unknown): Parsed<PublicKey> {
  const checked = publicJwkMembers(jwk);
  if (!checked.ok) return checked;
  try {
    return { ok: true, value: { key: importMembers(checked.value.members), alg: checked.value.alg } };
  } catch {
    return { ok: false, reason: NOT_A_PUBLIC_KEY };
  }
}
