/**
 * SPEC 2 and 4: the issuer-signed credential. Everything here depends only on the
 * credential text and the trust list, so the outcome is cached per credential.
 */
import { createHash } from 'node:crypto';
import { KEY_CHOOSING_HEADERS, firstPresent, parseCompactJws } from '../jws/compact.js';
import { importPublicJwk, type PublicKey } from '../jws/jwk.js';
import { verifySignature } from '../jws/signature.js';
import type { TrustList } from '../trust/trust-list.js';
import { parseCredentialClaims, type CredentialFacts } from './claims.js';
import { isoSeconds, type CredentialShown } from './result.js';

export const CREDENTIAL_TYP = 'mleg+jwt';

/** An issuer-verified credential, the same whichever format carried it (MLEG1 or MLEG2). */
export interface VerifiedCredential {
  /**
   * SHA-256 of the credential exactly as presented — its text in MLEG1, its COSE_Sign1
   * bytes in MLEG2 — computed once, at first sight: what the proof binds.
   */
  hash: Buffer;
  /** `hash` in base64url: what an MLEG1 proof's `cred` claim must equal. */
  hashText: string;
  claims: CredentialFacts;
  /** The holder's device key (`cnf.jwk`, or the COSE_Key of `cnf`), imported once. */
  device: PublicKey;
  shown: CredentialShown;
}

export type CredentialOutcome =
  | { ok: true; credential: VerifiedCredential }
  | { ok: false; verdict: 'MALFORMED' | 'UNKNOWN_ISSUER' | 'BAD_SIGNATURE'; reason: string };

/** The base64url SHA-256 of an MLEG1 credential's text: its proof's `cred`. */
export function credentialHash(text: string): string {
  return createHash('sha256').update(text, 'latin1').digest('base64url');
}

/** A verified credential from its claims, device key and the SHA-256 of what was presented. */
export function verifiedCredential(claims: CredentialFacts, device: PublicKey, hash: Buffer): VerifiedCredential {
  return { hash, hashText: hash.toString('base64url'), claims, device, shown: show(claims) };
}

export function checkCredential(text: string, trust: TrustList): CredentialOutcome {
  const malformed = (reason: string): CredentialOutcome => ({ ok: false, verdict: 'MALFORMED', reason: `credential: ${reason}` });
  const parsed = parseCompactJws(text);
  if (!parsed.ok) return malformed(parsed.reason);
  const { header, payload, signingInput, signature, duplicateMember } = parsed.value;
  if (duplicateMember !== undefined) return malformed(`the ${duplicateMember} names a member twice`);
  if (typeof header.alg !== 'string') return malformed('header "alg" is missing');
  if (header.typ !== CREDENTIAL_TYP) return malformed(`header "typ" must be "${CREDENTIAL_TYP}"`);
  if (typeof header.kid !== 'string' || header.kid.length === 0) return malformed('header "kid" is missing');
  const forbidden = firstPresent(header, KEY_CHOOSING_HEADERS);
  if (forbidden !== undefined) return malformed(`header "${forbidden}" is not allowed`);
  const claims = parseCredentialClaims(payload);
  if (!claims.ok) return malformed(claims.reason);
  const device = importPublicJwk(claims.value.cnf.jwk);
  if (!device.ok) return malformed(`claim "cnf.jwk" ${device.reason}`);

  const key = trust.keys.get(header.kid);
  if (key === undefined) return { ok: false, verdict: 'UNKNOWN_ISSUER', reason: `no trusted key with kid "${header.kid}"` };
  if (key.iss !== claims.value.iss) {
    return { ok: false, verdict: 'UNKNOWN_ISSUER', reason: `key "${key.kid}" belongs to another issuer than the credential's "iss"` };
  }
  if (header.alg !== key.alg) {
    return { ok: false, verdict: 'BAD_SIGNATURE', reason: `credential "alg" ${JSON.stringify(header.alg)} is not ${key.alg}, the alg of key "${key.kid}"` };
  }
  if (!verifySignature(key.alg, key.key, signingInput, signature)) {
    return { ok: false, verdict: 'BAD_SIGNATURE', reason: 'the issuer signature does not verify' };
  }
  return { ok: true, credential: verifiedCredential(claims.value, device.value, createHash('sha256').update(text, 'latin1').digest()) };
}

function show(c: CredentialFacts): CredentialShown {
  return {
    credential: {
      id: c.jti,
      issuer: c.iss,
      doc: c.doc,
      doc_no: c.doc_no,
      org: { name: c.org.name, id: c.org.id },
      valid_until: isoSeconds(c.exp),
    },
    holder: { given_name: c.given_name, family_name: c.family_name, birthdate: c.birthdate },
  };
}
