/**
 * CSRF tokens: every form carries one in a hidden field, checked on every POST (403
 * FORBIDDEN without it or with a wrong one). A token is an HMAC of the session id (or, on
 * the login form, of a nonce in its own cookie) under a key derived from the service's
 * secret: nothing to store, different for every session, and useless without the cookie
 * that SameSite=Strict keeps to this site's own pages.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type CsrfPurpose = 'session' | 'login';

export function csrfToken(key: Buffer, purpose: CsrfPurpose, value: string): string {
  return createHmac('sha256', key).update(`csrf:${purpose}:${value}`).digest('base64url');
}

export function csrfMatches(key: Buffer, purpose: CsrfPurpose, value: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const expected = Buffer.from(csrfToken(key, purpose, value));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

