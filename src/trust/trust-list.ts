/**
 * The trust list (SPEC 4): a JWKS whose keys each carry `kid`, `alg` and `iss`.
 * Parsing is strict and all-or-nothing: one bad key refuses the whole list, naming it.
 *
 * Every key is checked at once (its members, and for P-256 the curve equation), but imported
 * into a KeyObject only when first used: importing every key of a large list took most of a
 * gate's start, and a gate may never meet most of them (bench/results/findings.md, "importing
 * a trust list's keys"; bench/boot.bench.ts).
 */
import type { KeyObject } from 'node:crypto';
import { MlegError } from '../errors.js';
import { isPlainObject } from '../jws/compact.js';
import { NOT_A_PUBLIC_KEY, importMembers, publicJwkMembers, type PublicJwk } from '../jws/jwk.js';
import { isP256Point } from '../jws/p256.js';
import { isJwsAlg, type JwsAlg } from '../jws/signature.js';

/** A trusted key as it crosses to another thread: everything but the KeyObject, which each thread imports when it needs it. */
export interface TrustedKeyData {
  kid: string;
  alg: JwsAlg;
  iss: string;
  name?: string;
  /** Its public members, checked. */
  jwk: PublicJwk;
}

export interface TrustedKey extends TrustedKeyData {
  /** Imported on first use. */
  readonly key: KeyObject;
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
    const refuse = (problem: string) => new TrustListError(`${source}: key #${i + 1}${kid === undefined ? '' : ` (kid "${kid}")`} ${problem}`);
    const problem = keyProblem(jwk) ?? (keys.has(kid!) ? 'repeats a "kid" already used by an earlier key' : undefined);
    if (problem !== undefined) throw refuse(problem);
    const entry = jwk as Record<string, unknown>;
    const checked = publicJwkMembers(entry);
    if (!checked.ok) throw refuse(checked.reason);
    const members = checked.value.members;
    // Ed25519: node:crypto takes any 32 bytes (a bad point fails each signature check); P-256: the curve equation here.
    if (members.kty === 'EC' && !isP256Point(members.x, members.y)) throw refuse(NOT_A_PUBLIC_KEY);
    keys.set(kid!, new LazyKey(kid!, entry.alg as JwsAlg, entry.iss as string, typeof entry.name === 'string' ? entry.name : undefined, members));
  });
  return { keys, loadedAt, source };
}

/** A trusted key whose KeyObject is imported on first use (one class: 10 000 of them share a shape). */
class LazyKey implements TrustedKey {
  #key: KeyObject | undefined;

  constructor(
    readonly kid: string,
    readonly alg: JwsAlg,
    readonly iss: string,
    readonly name: string | undefined,
    readonly jwk: PublicJwk,
  ) {}

  get key(): KeyObject {
    return (this.#key ??= importMembers(this.jwk));
  }
}

/** A trusted key from its checked data (parseTrustList, or another thread's): the KeyObject imported on first use. */
export function trustedKey({ kid, alg, iss, name, jwk }: TrustedKeyData): TrustedKey {
  return new LazyKey(kid, alg, iss, name, jwk);
}

/** What another thread needs to rebuild `key` (trustedKey): a plain object, no KeyObject. */
export function trustedKeyData({ kid, alg, iss, name, jwk }: TrustedKey): TrustedKeyData {
  return { kid, alg, iss, ...(name !== undefined ? { name } : {}), jwk };
}

/** A trust list from keys sent by another thread. */
export function trustListFrom(keys: TrustedKeyData[], loadedAt: number, source: string): TrustList {
  return { keys: new Map(keys.map((data) => [data.kid, trustedKey(data)])), loadedAt, source };
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
