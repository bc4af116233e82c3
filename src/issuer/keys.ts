/** Key pairs for issuers and devices, kept as JWKs on disk. */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import type { JWK } from 'jose';
import { MlegError } from '../errors.js';
import type { JwsAlg } from '../jws/signature.js';

export interface KeyPairJwk {
  privateJwk: JWK;
  publicJwk: JWK;
}

export interface SigningKey {
  alg: JwsAlg;
  key: KeyObject;
  publicJwk: JWK;
}

/** An issuer's key: a signing key that also names its `kid` and `iss`. */
export interface IssuerKey extends SigningKey {
  kid: string;
  iss: string;
  name?: string;
}

/**
 * The JWKs come out of the generation itself. Exporting a generated KeyObject instead can
 * deadlock Node 20 for good: the export holds the key's lock while it allocates, a GC
 * finalizes the (already finished) generation job, and its destructor waits on that same
 * lock. Seen here as a process hung at 0 % CPU every few thousand keys; test/issuer/keys.test.ts.
 */
export function generateKeyPairJwk(alg: JwsAlg = 'ES256'): KeyPairJwk {
  const encoding = { publicKeyEncoding: { format: 'jwk' }, privateKeyEncoding: { format: 'jwk' } } as const;
  const { privateKey, publicKey } = alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256', ...encoding }) : generateKeyPairSync('ed25519', encoding);
  return { privateJwk: privateKey as JWK, publicJwk: publicKey as JWK };
}

export function algForJwk(jwk: JWK): JwsAlg {
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  throw new MlegError('KEY_INVALID', 'key must be EC P-256 or OKP Ed25519');
}

/** A signing key from a private JWK (with `d`). */
export function signingKeyFromJwk(jwk: JWK): SigningKey {
  if (typeof jwk.d !== 'string') throw new MlegError('KEY_INVALID', 'not a private key (no "d")');
  const alg = algForJwk(jwk);
  if (jwk.alg !== undefined && jwk.alg !== alg) throw new MlegError('KEY_INVALID', `key "alg" ${jwk.alg} does not fit its key type`);
  const key = createPrivateKey({ key: jwk as Record<string, string>, format: 'jwk' });
  return { alg, key, publicJwk: publicPart(jwk) };
}

export function issuerKeyFromJwk(jwk: JWK & { iss?: unknown; name?: unknown }): IssuerKey {
  if (typeof jwk.kid !== 'string' || typeof jwk.iss !== 'string') throw new MlegError('KEY_INVALID', 'an issuer key needs "kid" and "iss"');
  return { ...signingKeyFromJwk(jwk), kid: jwk.kid, iss: jwk.iss, ...(typeof jwk.name === 'string' ? { name: jwk.name } : {}) };
}

/** The public members of a JWK (for `cnf.jwk` and trust lists). */
export function publicPart(jwk: JWK): JWK {
  const pub = createPublicKey({ key: jwk as Record<string, string>, format: 'jwk' }).export({ format: 'jwk' }) as JWK;
  return jwk.kty === 'EC' ? { kty: 'EC', crv: pub.crv, x: pub.x, y: pub.y } : { kty: 'OKP', crv: pub.crv, x: pub.x };
}

/** The trust-list entry (SPEC 4) for an issuer key. */
export function trustListEntry(issuer: IssuerKey): Record<string, unknown> {
  return { ...issuer.publicJwk, kid: issuer.kid, alg: issuer.alg, iss: issuer.iss, ...(issuer.name !== undefined ? { name: issuer.name } : {}) };
}

/**
 * Writes a private key (mode 0600), refusing to replace an existing file unless `force`
 * (then the file is made 0600 too, whatever it was). `alsoWrites` are files written
 * beside it (its public part), refused likewise, before anything is written. `hint` ends
 * the refusal (what to do instead).
 */
export function writePrivateKeyFile(file: string, jwk: object, o: { what: string; force?: boolean; alsoWrites?: string[]; hint: string }): void {
  const refuse = (existing: string) => new MlegError('FILE_EXISTS', `${existing} exists; refusing to overwrite ${o.what} (${o.hint})`);
  if (!o.force) {
    const existing = [file, ...(o.alsoWrites ?? [])].find((f) => existsSync(f));
    if (existing !== undefined) throw refuse(existing);
  }
  try {
    writeFileSync(file, `${JSON.stringify(jwk, null, 2)}\n`, { mode: 0o600, flag: o.force ? 'w' : 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw refuse(file);
    throw err;
  }
  if (o.force) chmodSync(file, 0o600);
}
