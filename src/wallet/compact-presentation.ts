/**
 * What the phone shows in the compact form (SPEC 11): `MLEG2:` and the base45 of the CBOR
 * array [credential, proof], the proof a COSE_Sign1 of {6: iat, 7: cti} whose external_aad
 * is the SHA-256 of the credential's bytes. No Node API (WebCrypto's digest and random
 * numbers, the browser-safe CBOR, COSE and base45 writers of src/cose/): the web wallet makes
 * its MLEG2 codes with this; src/issuer/compact-presentation.ts builds the same header and
 * claims in Node, synchronously, for the commands and tests.
 */
import { encodeBase45 } from '../cose/base45-encode.js';
import { cborBytes, type CborInput, type CborKey } from '../cose/cbor-encode.js';
import { arrayOfBytes, sign1Bytes, toBeSignedOf } from '../cose/cose-sign1-build.js';
import { CLAIM, COSE_ALG, HEADER } from '../cose/cwt.js';
import { COMPACT_PREFIX } from '../verify/payload.js';
import type { ProofSigner } from './oid4vci-client.js';

export function compactProofHeader(alg: ProofSigner['alg']): Map<CborKey, CborInput> {
  return new Map<CborKey, CborInput>([[HEADER.alg, COSE_ALG[alg]]]);
}

/** `cti`: 16–32 random bytes, the proof's id (its base64url is the SPEC 3 `jti`). */
export function compactProofClaims(iat: number, cti: Uint8Array): Map<CborKey, CborInput> {
  return new Map<CborKey, CborInput>([
    [CLAIM.iat, iat],
    [CLAIM.cti, cti],
  ]);
}

/** The external_aad that binds a proof to `credential` (its COSE_Sign1 bytes). */
export async function credentialAad(credential: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', credential as Uint8Array<ArrayBuffer>));
}

export interface CompactPresentOptions {
  /** Presentation time, seconds since the epoch (default: now). */
  iat?: number;
  cti?: Uint8Array;
  /** credentialAad(credential), when the caller keeps it (it is the same for every presentation). */
  aad?: Uint8Array;
}

/** A fresh MLEG2 presentation of `credential` (its COSE_Sign1 bytes), its proof signed by `signer`. */
export async function presentMleg2(credential: Uint8Array, signer: ProofSigner, o: CompactPresentOptions = {}): Promise<string> {
  const payload = cborBytes(compactProofClaims(o.iat ?? Math.floor(Date.now() / 1000), o.cti ?? crypto.getRandomValues(new Uint8Array(16))));
  const { protectedBytes, toBeSigned } = toBeSignedOf({ protectedHeader: compactProofHeader(signer.alg), payload, externalAad: o.aad ?? (await credentialAad(credential)) });
  const proof = sign1Bytes({ protected: protectedBytes, unprotected: new Map(), payload, signature: await signer.sign(toBeSigned) });
  return `${COMPACT_PREFIX}${encodeBase45(arrayOfBytes([credential, proof]))}`;
}
