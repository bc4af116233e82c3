/**
 * The format is a parsing detail: an MLEG1 or MLEG2 payload is read here into the same
 * two things, the credential's outcome (through the credential cache) and the proof still
 * to check, and verify.ts runs the verdict order once for both.
 */
import { parseCompactJws, type CompactJws, type Parsed } from '../jws/compact.js';
import type { TrustList } from '../trust/trust-list.js';
import type { CoseSign1 } from '../cose/cose-sign1.js';
import { credentialLayout, readCompactPresentation, readProofAfter } from './compact-presentation.js';
import { checkCompactProof, parseCompactProof, type CompactProof } from './compact-proof.js';
import type { CredentialCache } from './credential-cache.js';
import type { CredentialOutcome, VerifiedCredential } from './credential.js';
import { splitPayload, type PresentationFormat } from './payload.js';
import { checkProof, type ProofClaims } from './proof.js';

export type PresentedProof = { format: 'MLEG1'; jws: CompactJws } | { format: 'MLEG2'; cose: CompactProof };

export type ReadPresentation =
  /** MALFORMED: the payload, or its proof, cannot be read. */
  | { ok: false; reason: string }
  | { ok: true; format: PresentationFormat; credential: CredentialOutcome; proof: PresentedProof | undefined };

export function readPresentation(payload: string, cache: CredentialCache, trust: TrustList): ReadPresentation {
  const split = splitPayload(payload);
  if (!split.ok) return split;
  if (split.format === 'MLEG1') {
    const credential = cache.check(split.credential, trust);
    if (split.proof === undefined) return { ok: true, format: 'MLEG1', credential, proof: undefined };
    const parsed = parseCompactJws(split.proof);
    if (!parsed.ok) return { ok: false, reason: `proof: ${parsed.reason}` };
    return { ok: true, format: 'MLEG1', credential, proof: { format: 'MLEG1', jws: parsed.value } };
  }
  // A returning credential is known by its text: only the proof after it is decoded.
  const layout = credentialLayout(split.text);
  const known = layout === undefined ? undefined : cache.recallCompact(split.text, layout, trust);
  let credential: CredentialOutcome;
  let proof: CoseSign1 | undefined;
  if (known !== undefined) {
    const rest = readProofAfter(split.text, layout!);
    if (!rest.ok) return rest;
    [credential, proof] = [known, rest.value];
  } else {
    const read = readCompactPresentation(split.text);
    if (!read.ok) return read;
    [credential, proof] = [cache.checkCompact(read.value.credential, trust, split.text, layout), read.value.proof];
  }
  if (proof === undefined) return { ok: true, format: 'MLEG2', credential, proof: undefined };
  const parsed = parseCompactProof(proof);
  if (!parsed.ok) return parsed;
  return { ok: true, format: 'MLEG2', credential, proof: { format: 'MLEG2', cose: parsed.value } };
}

/** Every proof rule except freshness and replay, in the proof's own format; a failure is PROOF_INVALID. */
export function checkPresentedProof(proof: PresentedProof, credential: VerifiedCredential): Parsed<ProofClaims> {
  return proof.format === 'MLEG1' ? checkProof(proof.jws, credential) : checkCompactProof(proof.cose, credential);
}
