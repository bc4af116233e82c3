/**
 * The `jwt` key proof of a credential request (OpenID4VCI 1.0 §8.2.1.1, Appendix F.4):
 * the device shows it holds the private key the credential will be bound to. Pure: the
 * nonce it carries is checked by the caller (src/issuance/nonces.ts and the store).
 */
import type { JWK } from 'jose';
import { parseCompactJws } from '../jws/compact.js';
import { importPublicJwk } from '../jws/jwk.js';
import { isJwsAlg, verifySignature, type JwsAlg } from '../jws/signature.js';
import { KEY_PROOF_TYP } from '../oid4vci/protocol.js';

/** How far a key proof's `iat` may be from now. */
export const KEY_PROOF_MAX_SKEW_SECONDS = 300;
export const PROOF_ALGS: readonly JwsAlg[] = ['ES256', 'EdDSA'];

/** Header members that name the key some other way, or change how the token is read. */
const OTHER_KEY_HEADERS = ['kid', 'x5c', 'jku', 'x5u', 'trust_chain', 'crit', 'b64'] as const;

export type KeyProof = { ok: true; jwk: JWK; alg: JwsAlg; nonce: string } | { ok: false; reason: string };

/** `now` in seconds; `audience` the Credential Issuer Identifier. */
export function checkKeyProof(jwt: string, audience: string, now: number): KeyProof {
  const fail = (reason: string): KeyProof => ({ ok: false, reason: `key proof: ${reason}` });
  const parsed = parseCompactJws(jwt);
  if (!parsed.ok) return fail(parsed.reason);
  const { header, payload, signingInput, signature } = parsed.value;
  if (header.typ !== KEY_PROOF_TYP) return fail(`"typ" must be "${KEY_PROOF_TYP}"`);
  if (!isJwsAlg(header.alg)) return fail(`"alg" must be one of ${PROOF_ALGS.join(', ')}`);
  const other = OTHER_KEY_HEADERS.find((name) => Object.hasOwn(header, name));
  if (other !== undefined) return fail(`the key must be given as "jwk" alone (no "${other}")`);
  if (header.jwk === undefined) return fail('no "jwk" header: the device key is missing');
  const key = importPublicJwk(header.jwk);
  if (!key.ok) return fail(`"jwk" ${key.reason}`);
  if (key.value.alg !== header.alg) return fail(`"alg" ${header.alg} does not fit the "jwk" key type`);
  if (!verifySignature(header.alg, key.value.key, signingInput, signature)) return fail('the signature does not verify with its "jwk"');
  const aud = payload.aud;
  if (!(aud === audience || (Array.isArray(aud) && aud.includes(audience)))) return fail(`"aud" must be this credential issuer (${audience})`);
  if (typeof payload.iat !== 'number' || !Number.isFinite(payload.iat)) return fail('"iat" must be a number');
  if (Math.abs(now - payload.iat) > KEY_PROOF_MAX_SKEW_SECONDS) return fail(`"iat" is more than ${KEY_PROOF_MAX_SKEW_SECONDS} s from the issuer's time`);
  if (payload.nonce === undefined) return fail('no "nonce": get a c_nonce from the nonce endpoint');
  if (typeof payload.nonce !== 'string') return fail('"nonce" must be a string');
  return { ok: true, jwk: publicMembers(header.jwk as JWK), alg: header.alg, nonce: payload.nonce };
}

/** The members of the device key the credential's `cnf.jwk` carries (as `importPublicJwk` accepted them). */
function publicMembers(jwk: JWK): JWK {
  return jwk.kty === 'EC' ? { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y } : { kty: 'OKP', crv: jwk.crv, x: jwk.x };
}
