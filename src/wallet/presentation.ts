/**
 * What the phone shows (SPEC 1 and 3): the credential and a fresh proof signed with the
 * device key, `MLEG1:<credential>~<proof>`. No Node API (WebCrypto's digest and random
 * numbers are global in Node 20 and in browsers): the web wallet makes its QR codes with
 * this, with a key that never leaves the browser; src/issuer/presentation.ts builds the
 * same header and claims in Node, synchronously, for the commands and tests.
 */
import { base64url, base64urlJson } from '../jws/base64url.js';
import { PREFIX } from '../verify/payload.js';
import { PROOF_TYP } from '../verify/proof-typ.js';
import type { ProofSigner } from './oid4vci-client.js';

export interface ProofParts {
  /** Presentation time, seconds since the epoch. */
  iat: number;
  /** Random per presentation: what replay memory keys on. */
  jti: string;
}

export function proofHeader(alg: ProofSigner['alg']): { alg: ProofSigner['alg']; typ: typeof PROOF_TYP } {
  return { alg, typ: PROOF_TYP };
}

/** `cred` is the credential's hash (credentialDigest). */
export function proofClaims(cred: string, o: ProofParts): { iat: number; jti: string; cred: string } {
  return { iat: o.iat, jti: o.jti, cred };
}

/** 128 random bits, base64url: a proof's `jti`. */
export function newProofJti(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(16)));
}

/** base64url of the SHA-256 of the credential's ASCII text: the proof's `cred`. */
export async function credentialDigest(credential: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(credential))));
}

export interface PresentOptions extends Partial<ProofParts> {
  /** The credential's digest when the caller keeps it (it is the same for every presentation). */
  cred?: string;
}

/** A fresh MLEG1 presentation of `credential`, its proof signed by `signer`. */
export async function presentMleg1(credential: string, signer: ProofSigner, o: PresentOptions = {}): Promise<string> {
  const claims = proofClaims(o.cred ?? (await credentialDigest(credential)), { iat: o.iat ?? Math.floor(Date.now() / 1000), jti: o.jti ?? newProofJti() });
  const input = `${base64urlJson(proofHeader(signer.alg))}.${base64urlJson(claims)}`;
  return `${PREFIX}${credential}~${input}.${base64url(await signer.sign(input))}`;
}
