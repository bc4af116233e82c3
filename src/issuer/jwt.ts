/** Compact JWS creation for issuing (credentials, proofs, status lists). */
import type { KeyObject } from 'node:crypto';
import { MlegError } from '../errors.js';
import { createSignature, isJwsAlg } from '../jws/signature.js';

export function encodeSegment(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** Signs `header`.`payload` with `key` using `header.alg` (ES256 or EdDSA). Members set to undefined are left out. */
export function signJwt(header: Record<string, unknown>, payload: Record<string, unknown>, key: KeyObject): string {
  if (!isJwsAlg(header.alg)) throw new MlegError('KEY_INVALID', `cannot sign with alg ${JSON.stringify(header.alg)}`);
  const signingInput = `${encodeSegment(header)}.${encodeSegment(payload)}`;
  return `${signingInput}.${createSignature(header.alg, key, signingInput).toString('base64url')}`;
}
