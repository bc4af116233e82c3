/**
 * The administration routes' bearer token (the verifier's and the issuing service's): the
 * header checked against the configured token in constant time (both hashed first, so that
 * neither the length nor a prefix of the token can be timed).
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export type BearerCheck = 'missing' | 'wrong' | 'ok';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** The token a header carries (`Bearer <token>`), or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer +(\S+)\s*$/i.exec(header);
  return match === null ? undefined : match[1];
}

export function bearerTokenCheck(token: string): (header: string | undefined) => BearerCheck {
  const expected = digest(token);
  return (header) => {
    const given = bearerToken(header);
    if (given === undefined) return 'missing';
    return timingSafeEqual(digest(given), expected) ? 'ok' : 'wrong';
  };
}
