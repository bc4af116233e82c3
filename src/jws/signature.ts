/**
 * Signature checks and creation on node:crypto KeyObjects (synchronous: the hot path).
 * Only the two algorithms of the contract exist here.
 */
import { sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';

export type JwsAlg = 'ES256' | 'EdDSA';

export function isJwsAlg(value: unknown): value is JwsAlg {
  return value === 'ES256' || value === 'EdDSA';
}

/**
 * True when `signature` is a valid `alg` signature of `signingInput` (a JWS's text, or the
 * bytes a COSE signature covers) by `key`. Never throws.
 */
export function verifySignature(alg: JwsAlg, key: KeyObject, signingInput: string | Uint8Array, signature: Uint8Array): boolean {
  // Both algorithms produce exactly 64 bytes (ES256 as r||s, IEEE P1363, in JWS and COSE alike).
  if (signature.length !== 64) return false;
  const data = typeof signingInput === 'string' ? Buffer.from(signingInput, 'latin1') : signingInput;
  try {
    return alg === 'ES256'
      ? cryptoVerify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature)
      : cryptoVerify(null, data, key, signature);
  } catch {
    return false;
  }
}

export function createSignature(alg: JwsAlg, privateKey: KeyObject, signingInput: string | Uint8Array): Buffer {
  const data = typeof signingInput === 'string' ? Buffer.from(signingInput, 'utf8') : signingInput;
  return alg === 'ES256'
    ? cryptoSign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' })
    : cryptoSign(null, data, privateKey);
}
