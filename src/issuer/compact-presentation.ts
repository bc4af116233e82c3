/**
 * What the phone does every few seconds, in the MLEG2 form (SPEC 11): the credential's
 * COSE_Sign1 and a fresh proof, one CBOR array, base45 → QR text. The proof carries no
 * hash of the credential: it signs with external_aad = SHA-256 of the credential's bytes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { encodeBase45 } from '../cose/base45.js';
import { encodeCbor, type CborInput, type CborKey } from '../cose/cbor.js';
import { COSE_ALG } from '../cose/cose-key.js';
import { encodeArrayOf, signCoseSign1 } from '../cose/cose-sign1.js';
import { CLAIM, HEADER } from '../cose/cwt.js';
import { COMPACT_PREFIX } from '../verify/payload.js';
import { ctiOf, merge } from './compact-credential.js';
import type { SigningKey } from './keys.js';

export interface CompactProofOptions {
  /** Presentation time, seconds since the epoch (default: now). */
  iat?: number;
  /** The proof's id as base64url of 16-32 bytes (default: 16 random bytes). */
  jti?: string;
  /** Hooks for tests of broken proofs: labels replaced, or (with undefined) removed. */
  header?: Map<CborKey, CborInput | undefined>;
  claims?: Map<CborKey, CborInput | undefined>;
  unprotected?: Map<CborKey, CborInput>;
  tag?: boolean;
  /** Sign over these bytes instead of SHA-256 of the credential (tests: an unbound or misbound proof). */
  externalAad?: Uint8Array;
}

export function makeCompactProof(credential: Buffer, device: SigningKey, o: CompactProofOptions = {}): Buffer {
  const claims = merge(
    new Map<CborKey, CborInput>([
      [CLAIM.iat, o.iat ?? Math.floor(Date.now() / 1000)],
      [CLAIM.cti, o.jti === undefined ? randomBytes(16) : ctiOf(o.jti, 16, 32)],
    ]),
    o.claims,
  );
  return signCoseSign1({
    alg: device.alg,
    key: device.key,
    protectedHeader: merge(new Map<CborKey, CborInput>([[HEADER.alg, COSE_ALG[device.alg]]]), o.header),
    ...(o.unprotected !== undefined ? { unprotected: o.unprotected } : {}),
    payload: encodeCbor(claims),
    externalAad: o.externalAad ?? createHash('sha256').update(credential).digest(),
    ...(o.tag !== undefined ? { tag: o.tag } : {}),
  });
}

/** `MLEG2:` and the base45 of [credential, proof] (or [credential] alone when `proof` is null). */
export function compactPayload(credential: Buffer, proof: Buffer | null): string {
  return `${COMPACT_PREFIX}${encodeBase45(encodeArrayOf(proof === null ? [credential] : [credential, proof]))}`;
}

export function makeCompactPresentation(credential: Buffer, device: SigningKey, o: CompactProofOptions = {}): string {
  return compactPayload(credential, makeCompactProof(credential, device, o));
}
