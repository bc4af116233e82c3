/**
 * Signature checks and creation on node:crypto KeyObjects (synchronous: the hot path).
 * Only the two algorithms of the contract exist here.
 */
import { sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';

export type JwsAlg = 'ES256' | 'EdDSA';

export function isJwsAlg(value: unknown): value is JwsAlg {
  return value === 'ES256' || value === 'EdDSA';
}

/** True when `signature` is a valid `alg` signature of `signingInput` by `key`. Never throws. */
export function verifySignature(alg: JwsAlg, key: KeyObject, signingInput: string, signature: Buffer): boolean {
  // Both algorithms produce exactly 64 bytes (ES256 as r||s, IEEE P1363).
  if (signature.length !== 64) return false;
  const data = Buffer.from(signingInput, 'latin1');
  try {
    return alg === 'ES256'
      ? cryptoVerify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature)
      : cryptoVerify(null, data, key, signature);
  } catch {
    return false;
  }
}

export function createSignature(alg: JwsAlg, privateKey: KeyObject, signingInput: string): Buffer {
  const data = Buffer.from(signingInput, 'utf8');
  return alg === 'ES256'
    ? cryptoSign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' })
    : cryptoSign(null, data, privateKey);
}
