/**
 * The trust list (SPEC 4): a JWKS whose keys each carry `kid`, `alg` and `iss`.
 * Parsing is strict and all-or-nothing: one bad key refuses the whole list, naming it.
 */
import type { KeyObject } from 'node:crypto';
import { MlegError } from '../errors.js';
import { isPlainObject } from '../jws/compact.js';
import { importPublicJwk } from '../jws/jwk.js';
import { isJwsAlg, type JwsAlg } from '../jws/signature.js';

export interface TrustedKey {
  kid: string;
  alg: JwsAlg;
  iss: string;
  name?: string;
  key: KeyObject;
}

export interface TrustList {
  keys: ReadonlyMap<string, TrustedKey>;
  /** Milliseconds since the epoch. */
  loadedAt: number;
  source: string;
}

export class TrustListError extends MlegError {
  override name = 'TrustListError';
  constructor(message: string) {
    super('TRUST_LIST_INVALID', message);
  }
}

export function parseTrustList(doc: unknown, source: string, loadedAt = Date.now()): TrustList {
  if (!isPlainObject(doc) || !Array.isArray(doc.keys)) {
    throw new TrustListError(`${source}: a trust list is a JSON object with a "keys" array`);
  }
  // A list that trusts no one would answer UNKNOWN_ISSUER to every scan: an edit gone wrong, not a policy.
  if (doc.keys.length === 0) throw new TrustListError(`${source}: the trust list has no keys; a verifier that trusts no issuer refuses every ID`);
  const keys = new Map<string, TrustedKey>();
  doc.keys.forEach((jwk: unknown, i: number) => {
    const kid = isPlainObject(jwk) && typeof jwk.kid === 'string' ? jwk.kid : undefined;
    const where = `${source}: key #${i + 1}${kid === undefined ? '' : ` (kid "${kid}")`}`;
    const problem = keyProblem(jwk) ?? (keys.has(kid!) ? 'repeats a "kid" already used by an earlier key' : undefined);
    if (problem !== undefined) throw new TrustListError(`${where} ${problem}`);
    const entry = jwk as Record<string, unknown>;
    const imported = importPublicJwk(entry);
    if (!imported.ok) throw new TrustListError(`${where} ${imported.reason}`);
    keys.set(kid!, {
      kid: kid!,
      alg: entry.alg as JwsAlg,
      iss: entry.iss as string,
      ...(typeof entry.name === 'string' ? { name: entry.name } : {}),
      key: imported.value.key,
    });
  });
  return { keys, loadedAt, source };
}

/** What is wrong with one trust-list entry, or undefined. */
function keyProblem(jwk: unknown): string | undefined {
  if (!isPlainObject(jwk)) return 'is not a JSON object';
  if (typeof jwk.kid !== 'string' || jwk.kid.length === 0) return 'has no "kid"';
  if (jwk.alg === undefined) return 'has no "alg"';
  if (!isJwsAlg(jwk.alg)) return `has "alg" ${JSON.stringify(jwk.alg)}; only "ES256" and "EdDSA" are allowed`;
  if (typeof jwk.iss !== 'string' || jwk.iss.length === 0) return 'has no "iss"';
  if (jwk.name !== undefined && typeof jwk.name !== 'string') return 'has a "name" that is not a string';
  if (Object.hasOwn(jwk, 'd')) return 'is a private key ("d" present); a trust list holds public keys only';
  const expected = jwk.kty === 'OKP' ? 'EdDSA' : 'ES256';
  if (jwk.kty !== undefined && jwk.alg !== expected) return `has "alg" ${jwk.alg}, which does not fit its "kty" ${JSON.stringify(jwk.kty)}`;
  return undefined;
}
