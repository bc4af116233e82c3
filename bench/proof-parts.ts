/**
 * What a bare signature check of a presentation's proof needs (its device key, the signed
 * bytes, the signature), taken from the presentation beforehand: the baseline loops of the
 * verification benchmarks time `crypto.verify` of these and nothing else.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { readCompactPresentation } from '../src/verify/compact-presentation.js';
import type { PresentationFormat } from '../src/verify/payload.js';
import type { Population } from './population.js';

export interface ProofParts {
  key: KeyObject;
  input: Buffer;
  signature: Buffer;
  /** MLEG1: the proof's text (for the least verifier). */
  proof: string;
}

const keysOf = new WeakMap<Population, Map<string, KeyObject>>();

/** Each holder's device key, by its credential in either format. */
function keys(pop: Population): Map<string, KeyObject> {
  let map = keysOf.get(pop);
  if (map === undefined) {
    map = new Map();
    for (const h of pop.holders) {
      const key = createPublicKey({ key: h.device.publicJwk as Record<string, string>, format: 'jwk' });
      map.set(h.credential, key);
      map.set(h.compact.toString('latin1'), key);
    }
    keysOf.set(pop, map);
  }
  return map;
}

export function proofParts(payload: string, format: PresentationFormat, pop: Population): ProofParts {
  if (format === 'MLEG1') {
    const tilde = payload.indexOf('~');
    const proof = payload.slice(tilde + 1);
    const dot = proof.lastIndexOf('.');
    return { key: keys(pop).get(payload.slice(6, tilde))!, input: Buffer.from(proof.slice(0, dot)), signature: Buffer.from(proof.slice(dot + 1), 'base64url'), proof };
  }
  // MLEG2: the proof's Sig_structure, its external_aad the credential's SHA-256.
  const read = readCompactPresentation(payload.slice(6));
  if (!read.ok || read.value.proof === undefined) throw new Error('not an MLEG2 presentation');
  const { credential, proof } = read.value;
  const aad = createHash('sha256').update(credential.bytes).digest();
  return { key: keys(pop).get(credential.bytes.toString('latin1'))!, input: proof.toBeSigned(aad), signature: Buffer.from(proof.signature), proof: '' };
}
