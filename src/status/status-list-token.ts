/**
 * A status list token (SPEC 5): a JWT with `typ` statuslist+jwt, signed by a trust-list
 * key, whose `sub` is the URI it was fetched for. Decompressed only after the signature
 * verifies.
 */
import { KEY_CHOOSING_HEADERS, firstPresent, isPlainObject, parseCompactJws, type Parsed } from '../jws/compact.js';
import { verifySignature } from '../jws/signature.js';
import type { TrustedKey, TrustList } from '../trust/trust-list.js';
import { DATE_SECONDS, isDateSeconds } from '../verify/claims.js';
import { STATUS_LIST_TYP } from './token-status-list.js';
import { entryCount, inflateStatusList, isStatusBits, MAX_INFLATED_BYTES, type StatusBits } from './status-bits.js';

export { STATUS_LIST_TYP };

export interface StatusList {
  uri: string;
  /** `iss` of the trust-list key that signed it: only that issuer's credentials may use it. */
  iss: string;
  kid: string;
  iat: number;
  exp?: number;
  ttl?: number;
  bits: StatusBits;
  bytes: Uint8Array;
  entries: number;
  /**
   * The token as received, as its (ASCII) bytes, kept to persist it and to check it again:
   * bytes, so that it moves from the status list thread whole instead of being copied as
   * text, which cost the main thread time at every refresh (bench/results/findings.md).
   */
  token: Uint8Array;
}

/** The token's bytes in a buffer of their own (never Node's shared pool: they may be moved to another thread). */
function tokenBytes(jwt: string): Uint8Array {
  const token = Buffer.allocUnsafeSlow(jwt.length);
  token.write(jwt, 'latin1');
  return token;
}

/** The token of `list` as text. */
export function tokenText(list: Pick<StatusList, 'token'>): string {
  const { token } = list;
  return Buffer.from(token.buffer, token.byteOffset, token.byteLength).toString('latin1');
}

export function verifyStatusListToken(jwt: string, trust: TrustList, uri: string, maxBytes = MAX_INFLATED_BYTES): Parsed<StatusList> {
  const fail = (reason: string): Parsed<StatusList> => ({ ok: false, reason: `status list: ${reason}` });
  const parsed = parseCompactJws(jwt);
  if (!parsed.ok) return fail(parsed.reason);
  const { header, payload } = parsed.value;
  if (parsed.value.duplicateMember !== undefined) return fail(`the ${parsed.value.duplicateMember} names a member twice`);
  if (header.typ !== STATUS_LIST_TYP) return fail(`header "typ" must be "${STATUS_LIST_TYP}"`);
  const forbidden = firstPresent(header, KEY_CHOOSING_HEADERS);
  if (forbidden !== undefined) return fail(`header "${forbidden}" is not allowed`);
  const trusted = trustedKey(header, trust);
  if (!trusted.ok) return fail(trusted.reason);
  const key = trusted.value;
  if (!verifySignature(key.alg, key.key, parsed.value.signingInput, parsed.value.signature)) {
    return fail('signature does not verify');
  }
  if (payload.sub !== uri) return fail(`"sub" is not the URI it was fetched from (${uri})`);
  if (!isDateSeconds(payload.iat)) return fail(`"iat" must be ${DATE_SECONDS}`);
  if (payload.exp !== undefined && !isDateSeconds(payload.exp)) return fail(`"exp" must be ${DATE_SECONDS}`);
  if (payload.ttl !== undefined && !(Number.isSafeInteger(payload.ttl) && (payload.ttl as number) > 0)) {
    return fail('"ttl" must be a positive integer');
  }
  const sl = payload.status_list;
  if (!isPlainObject(sl) || !isStatusBits(sl.bits) || typeof sl.lst !== 'string') {
    return fail('"status_list" must be { "bits": 1|2|4|8, "lst": string }');
  }
  const bytes = inflateStatusList(sl.lst, maxBytes);
  if (!bytes.ok) return fail(bytes.reason);
  return {
    ok: true,
    value: {
      uri,
      iss: key.iss,
      kid: key.kid,
      iat: payload.iat as number,
      ...(payload.exp !== undefined ? { exp: payload.exp as number } : {}),
      ...(payload.ttl !== undefined ? { ttl: payload.ttl as number } : {}),
      bits: sl.bits,
      bytes: bytes.value,
      entries: entryCount(bytes.value, sl.bits),
      token: tokenBytes(jwt),
    },
  };
}

/**
 * `list`, verified earlier, against another trust list. The token is the same, so only
 * its key and signature can change the outcome: those are checked again, the bytes are kept.
 */
export function reverifyStatusList(list: StatusList, trust: TrustList): Parsed<StatusList> {
  const fail = (reason: string): Parsed<StatusList> => ({ ok: false, reason: `status list: ${reason}` });
  const jwt = tokenText(list);
  const trusted = trustedKey(protectedHeader(jwt) ?? {}, trust);
  if (!trusted.ok) return fail(trusted.reason);
  const key = trusted.value;
  const lastDot = jwt.lastIndexOf('.');
  if (!verifySignature(key.alg, key.key, jwt.slice(0, lastDot), Buffer.from(jwt.slice(lastDot + 1), 'base64url'))) {
    return fail('signature does not verify');
  }
  return { ok: true, value: key.iss === list.iss ? list : { ...list, iss: key.iss } };
}

/** The decoded header of a token (its first segment), or undefined when that is not a JSON object. */
function protectedHeader(jwt: string): Record<string, unknown> | undefined {
  try {
    const header: unknown = JSON.parse(Buffer.from(jwt.slice(0, jwt.indexOf('.')), 'base64url').toString('utf8'));
    return isPlainObject(header) ? header : undefined;
  } catch {
    return undefined;
  }
}

/** The `kid` a token's header names (whether or not the token is otherwise sound): which key will check it. */
export function tokenKid(jwt: string): string | undefined {
  const kid = protectedHeader(jwt)?.kid;
  return typeof kid === 'string' ? kid : undefined;
}

/** The trust-list key a token's header names, if its `alg` is that key's. */
function trustedKey(header: Record<string, unknown>, trust: TrustList): Parsed<TrustedKey> {
  const key = typeof header.kid === 'string' ? trust.keys.get(header.kid) : undefined;
  if (key === undefined) return { ok: false, reason: `no trusted key with kid ${JSON.stringify(header.kid)}` };
  if (header.alg !== key.alg) return { ok: false, reason: `"alg" ${JSON.stringify(header.alg)} is not ${key.alg}, the alg of key "${key.kid}"` };
  return { ok: true, value: key };
}

/** What makes a verified list usable (SPEC 5): how old it may be, and the clocks' tolerance. */
export interface StatusLimits {
  maxAgeSeconds: number;
  clockSkewSeconds: number;
}

/**
 * Why a verified list cannot be used at `nowSeconds`, or undefined: expired, older than
 * `maxAgeSeconds`, or issued later than now + `clockSkewSeconds` (such a list would pass for
 * newer than every genuine one until the clock caught up).
 */
export function unusableReason(list: Pick<StatusList, 'uri' | 'iat' | 'exp'>, nowSeconds: number, limits: StatusLimits): string | undefined {
  if (list.iat > nowSeconds + limits.clockSkewSeconds) return `the status list at ${list.uri} is issued ${list.iat - nowSeconds} s in the future`;
  if (list.exp !== undefined && nowSeconds >= list.exp) return `the status list at ${list.uri} expired`;
  if (nowSeconds - list.iat > limits.maxAgeSeconds) {
    return `the status list at ${list.uri} is ${nowSeconds - list.iat} s old; at most ${limits.maxAgeSeconds} s allowed`;
  }
  return undefined;
}
