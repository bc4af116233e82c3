/** SPEC 3: the device-signed proof that binds a presentation to the phone it was issued to. */
import { firstPresent, type CompactJws, type Parsed } from '../jws/compact.js';
import { verifySignature } from '../jws/signature.js';
import { DATE_SECONDS, isDateSeconds } from './claims.js';
import type { VerifiedCredential } from './credential.js';

export const PROOF_TYP = 'mleg-kb+jwt';
const PROOF_FORBIDDEN_HEADERS = ['kid', 'jwk', 'jku', 'x5u', 'x5c', 'crit', 'b64'] as const;
const PROOF_JTI = /^[A-Za-z0-9_-]{16,64}$/;

export interface ProofClaims {
  iat: number;
  jti: string;
}

/** Every proof rule except freshness and replay; a failure here is PROOF_INVALID. */
export function checkProof(proof: CompactJws, credential: VerifiedCredential): Parsed<ProofClaims> {
  const invalid = (reason: string): Parsed<ProofClaims> => ({ ok: false, reason: `proof: ${reason}` });
  const { header, payload } = proof;
  if (proof.duplicateMember !== undefined) return invalid(`the ${proof.duplicateMember} names a member twice`);
  const alg = credential.device.alg;
  if (header.alg !== alg) return invalid(`header "alg" must be ${alg} for the device key in the credential`);
  if (header.typ !== PROOF_TYP) return invalid(`header "typ" must be "${PROOF_TYP}"`);
  const forbidden = firstPresent(header, PROOF_FORBIDDEN_HEADERS);
  if (forbidden !== undefined) return invalid(`header "${forbidden}" is not allowed`);
  if (!isDateSeconds(payload.iat)) return invalid(`claim "iat" must be ${DATE_SECONDS}`);
  if (typeof payload.jti !== 'string' || !PROOF_JTI.test(payload.jti)) {
    return invalid('claim "jti" must be 16-64 base64url characters');
  }
  if (typeof payload.cred !== 'string') return invalid('claim "cred" is missing');
  if (!verifySignature(alg, credential.device.key, proof.signingInput, proof.signature)) {
    return invalid('the device signature does not verify with the credential\'s "cnf.jwk"');
  }
  if (payload.cred !== credential.hashText) return invalid('claim "cred" is not the hash of this credential');
  return { ok: true, value: { iat: payload.iat as number, jti: payload.jti } };
}
