/**
 * SPEC 2: the credential's claims, checked for presence and type. The facts are the same
 * in both presentation formats (SPEC 11 carries them as CWT claims); only the device key
 * differs in form (`cnf.jwk` here, a COSE_Key in MLEG2).
 */
import { isPlainObject, type Parsed } from '../jws/compact.js';

/** What a credential says, whichever format carried it. */
export interface CredentialFacts {
  iss: string;
  jti: string;
  iat: number;
  nbf?: number;
  exp: number;
  doc: 'school' | 'student';
  given_name: string;
  family_name: string;
  birthdate: string;
  doc_no: string;
  org: { name: string; id: string };
  status: { status_list: { idx: number; uri: string } };
}

export interface CredentialClaims extends CredentialFacts {
  cnf: { jwk: Record<string, unknown> };
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The farthest from 1970 a Date can be, in seconds (ECMAScript: ±8.64e15 ms). */
const MAX_DATE_SECONDS = 8.64e12;
export const DATE_SECONDS = 'an integer number of seconds a date can show';

/** An integer number of seconds since the epoch that a date can show (2^53-1 or 1e15 cannot: no "invalid date" ever reaches a result). */
export function isDateSeconds(value: unknown): value is number {
  return Number.isSafeInteger(value) && Math.abs(value as number) <= MAX_DATE_SECONDS;
}

/** The JWT claims of an MLEG1 credential. */
export function parseCredentialClaims(c: Record<string, unknown>): Parsed<CredentialClaims> {
  const facts = parseCredentialFacts(c);
  if (!facts.ok) return facts;
  if (!isPlainObject(c.cnf) || !isPlainObject(c.cnf.jwk)) return badClaim(c, 'cnf', 'an object with a "jwk" object');
  return { ok: true, value: c as unknown as CredentialClaims };
}

function badClaim<T>(c: Record<string, unknown>, claim: string, want: string): Parsed<T> {
  return { ok: false, reason: `credential claim "${claim}" ${c[claim] === undefined ? 'is missing' : `must be ${want}`}` };
}

/** Every claim of SPEC 2 but the device key, named as SPEC 2 names them. */
export function parseCredentialFacts(c: Record<string, unknown>): Parsed<CredentialFacts> {
  const bad = (claim: string, want: string): Parsed<CredentialFacts> => badClaim(c, claim, want);
  if (typeof c.iss !== 'string' || c.iss.length === 0) return bad('iss', 'a non-empty string');
  if (typeof c.jti !== 'string' || c.jti.length < 1 || c.jti.length > 64) return bad('jti', 'a string of 1-64 characters');
  if (!isDateSeconds(c.iat)) return bad('iat', DATE_SECONDS);
  if (c.nbf !== undefined && !isDateSeconds(c.nbf)) return bad('nbf', DATE_SECONDS);
  if (!isDateSeconds(c.exp)) return bad('exp', DATE_SECONDS);
  if (c.doc !== 'school' && c.doc !== 'student') return bad('doc', '"school" or "student"');
  if (typeof c.given_name !== 'string') return bad('given_name', 'a string');
  if (typeof c.family_name !== 'string') return bad('family_name', 'a string');
  if (typeof c.birthdate !== 'string' || !isCalendarDate(c.birthdate)) return bad('birthdate', 'a date YYYY-MM-DD');
  if (typeof c.doc_no !== 'string') return bad('doc_no', 'a string');
  const org = c.org;
  if (!isPlainObject(org) || typeof org.name !== 'string' || typeof org.id !== 'string') {
    return bad('org', 'an object with string "name" and "id"');
  }
  const list = isPlainObject(c.status) ? c.status.status_list : undefined;
  if (!isPlainObject(list) || !Number.isSafeInteger(list.idx) || (list.idx as number) < 0 || typeof list.uri !== 'string') {
    return bad('status', 'an object { "status_list": { "idx": integer >= 0, "uri": string } }');
  }
  return { ok: true, value: c as unknown as CredentialFacts };
}

export function isCalendarDate(text: string): boolean {
  const m = DATE.exec(text);
  if (m === null) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

