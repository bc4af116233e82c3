/**
 * SPEC 11 with SPEC 3: the device proof of an MLEG2 presentation, a COSE_Sign1 with
 * protected header exactly {1: alg} and payload {6: iat, 7: cti}, signed with
 * external_aad = SHA-256 of the credential's COSE_Sign1 bytes: the binding to the
 * credential is in the signature, not in a claim. Produces the same ProofClaims as an
 * MLEG1 proof (proof.ts); freshness and replay are decided once for both (verify.ts).
 */
import { isByteString, type CborMap } from '../cose/cbor.js';
import { COSE_ALG } from '../cose/cose-key.js';
import type { CoseSign1 } from '../cose/cose-sign1.js';
import { CLAIM, HEADER } from '../cose/cwt.js';
import type { Parsed } from '../jws/compact.js';
import { verifySignature } from '../jws/signature.js';
import { isDateSeconds } from './claims.js';
import type { VerifiedCredential } from './credential.js';
import type { ProofClaims } from './proof.js';

export interface CompactProof {
  sign1: CoseSign1;
  header: CborMap;
  claims: CborMap;
}

/** A proof whose protected header or payload is not a CBOR map: MALFORMED (SPEC 11). */
export function parseCompactProof(sign1: CoseSign1): Parsed<CompactProof> {
  const header = sign1.decodeProtected();
  if (!header.ok) return { ok: false, reason: `proof: ${header.reason}` };
  const claims = sign1.decodePayload();
  if (!claims.ok) return { ok: false, reason: `proof: ${claims.reason}` };
  return { ok: true, value: { sign1, header: header.value, claims: claims.value } };
}

/** Every proof rule except freshness and replay; a failure here is PROOF_INVALID. */
export function checkCompactProof(proof: CompactProof, credential: VerifiedCredential): Parsed<ProofClaims> {
  const invalid = (reason: string): Parsed<ProofClaims> => ({ ok: false, reason: `proof: ${reason}` });
  const { header, claims, sign1 } = proof;
  const alg = credential.device.alg;
  if (header.get(HEADER.alg) !== COSE_ALG[alg] || header.size !== 1) {
    return invalid(`protected header must be exactly {1: ${COSE_ALG[alg]}} (${alg}, the device key's)`);
  }
  if (sign1.unprotected.size !== 0) return invalid('unprotected header must be empty');
  const iat = claims.get(CLAIM.iat);
  if (!isDateSeconds(iat)) return invalid('claim iat (6) must be integer seconds');
  const cti = claims.get(CLAIM.cti);
  if (!isByteString(cti) || cti.length < 16 || cti.length > 32) return invalid('claim cti (7) must be 16-32 bytes');
  if (!verifySignature(alg, credential.device.key, sign1.toBeSigned(credential.hash), sign1.signature)) {
    return invalid('the device signature does not verify with the credential\'s cnf key over this credential');
  }
  return { ok: true, value: { iat, jti: cti.toString('base64url') } };
}
