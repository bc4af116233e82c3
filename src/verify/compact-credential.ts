/**
 * SPEC 11 with SPEC 2 and 4: the issuer-signed credential of an MLEG2 presentation, a
 * COSE_Sign1 whose payload is a map of CWT claims. Checked into the same
 * VerifiedCredential as an MLEG1 credential (credential.ts), with the same verdicts in
 * the same order: MALFORMED, then UNKNOWN_ISSUER, then BAD_SIGNATURE.
 */
import { createHash } from 'node:crypto';
import { isByteString, isCborMap, textKeyedObject, utf8Text, type CborMap, type CborValue } from '../cose/cbor.js';
import { importCoseKey, jwsAlgOf } from '../cose/cose-key.js';
import type { CoseSign1 } from '../cose/cose-sign1.js';
import { CLAIM, CNF_COSE_KEY, HEADER } from '../cose/cwt.js';
import { verifySignature } from '../jws/signature.js';
import type { TrustList } from '../trust/trust-list.js';
import { isDateSeconds, parseCredentialFacts } from './claims.js';
import { verifiedCredential, type CredentialOutcome } from './credential.js';

const NO_AAD = Buffer.alloc(0);

/** The claims SPEC 11 keeps under their SPEC 2 names (text labels), besides `org`. */
const TEXT_CLAIMS = ['doc', 'given_name', 'family_name', 'birthdate', 'doc_no'] as const;

export function checkCompactCredential(c: CoseSign1, trust: TrustList): CredentialOutcome {
  const malformed = (reason: string): CredentialOutcome => ({ ok: false, verdict: 'MALFORMED', reason: `credential: ${reason}` });
  const header = c.decodeProtected();
  if (!header.ok) return malformed(header.reason);
  const alg = header.value.get(HEADER.alg);
  const kid = header.value.get(HEADER.kid);
  if (typeof alg !== 'number' && typeof alg !== 'string') return malformed('protected header alg (1) is missing');
  if (!isByteString(kid) || kid.length === 0) return malformed('protected header kid (4) must be the key id as bytes');
  if (header.value.size !== 2) return malformed('protected header must be exactly {1: alg, 4: kid}');
  if (c.unprotected.size !== 0) return malformed('unprotected header must be empty');
  const payload = c.decodePayload();
  if (!payload.ok) return malformed(payload.reason);
  const claims = readClaims(payload.value);
  if (!claims.ok) return malformed(claims.reason);
  const cnf = payload.value.get(CLAIM.cnf);
  const device = importCoseKey(isCborMap(cnf) ? cnf.get(CNF_COSE_KEY) : undefined);
  if (!device.ok) return malformed(`claim cnf (8) {1: COSE_Key}: the key ${device.reason}`);

  const kidText = utf8Text(kid);
  const key = kidText === undefined ? undefined : trust.keys.get(kidText);
  if (key === undefined) return { ok: false, verdict: 'UNKNOWN_ISSUER', reason: `no trusted key with kid ${kidText === undefined ? 'of these bytes' : JSON.stringify(kidText)}` };
  if (key.iss !== claims.value.iss) {
    return { ok: false, verdict: 'UNKNOWN_ISSUER', reason: `key "${key.kid}" belongs to another issuer than the credential's iss` };
  }
  if (jwsAlgOf(alg) !== key.alg) {
    return { ok: false, verdict: 'BAD_SIGNATURE', reason: `credential alg ${JSON.stringify(alg)} is not ${key.alg}, the alg of key "${key.kid}"` };
  }
  if (!verifySignature(key.alg, key.key, c.toBeSigned(NO_AAD), c.signature)) {
    return { ok: false, verdict: 'BAD_SIGNATURE', reason: 'the issuer signature does not verify' };
  }
  return { ok: true, credential: verifiedCredential(claims.value, device.value, createHash('sha256').update(c.bytes).digest()) };
}

/** The CWT claims read into SPEC 2's shape and checked by the same rules (claims.ts). */
function readClaims(m: CborMap) {
  const cti = m.get(CLAIM.cti);
  if (!isByteString(cti) || cti.length < 1 || cti.length > 32) return { ok: false as const, reason: 'claim cti (7) must be 1-32 bytes' };
  for (const [name, label] of [['iat', CLAIM.iat], ['exp', CLAIM.exp]] as const) {
    if (!isDateSeconds(m.get(label))) return { ok: false as const, reason: `claim ${name} (${label}) must be integer seconds` };
  }
  if (m.has(CLAIM.nbf) && !isDateSeconds(m.get(CLAIM.nbf))) return { ok: false as const, reason: 'claim nbf (5) must be integer seconds' };
  const status = asObject(m.get(CLAIM.status));
  const record: Record<string, unknown> = {
    iss: m.get(CLAIM.iss),
    jti: cti.toString('base64url'),
    iat: m.get(CLAIM.iat),
    nbf: m.get(CLAIM.nbf),
    exp: m.get(CLAIM.exp),
    org: asObject(m.get('org')),
    status: status == null ? status : { status_list: asObject(status.status_list) },
  };
  for (const name of TEXT_CLAIMS) record[name] = m.get(name);
  return parseCredentialFacts(record);
}

/** A text-keyed map as an object; null for a value that is there but not one (so the reason says "must be", not "is missing"). */
function asObject(value: CborValue | undefined): Record<string, CborValue> | null | undefined {
  return value === undefined ? undefined : (textKeyedObject(value) ?? null);
}
