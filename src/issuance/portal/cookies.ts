/**
 * The portal's cookies: every one `HttpOnly`, `SameSite=Strict` and `Path=/portal`, and
 * `Secure` when the service's public address (`issuer.url`) is https. None holds anything
 * personal: a session id, a login form's nonce, the chosen language.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PORTAL_PATH } from './layout.js';

export const SESSION_COOKIE = 'mleg_portal';
export const LOGIN_COOKIE = 'mleg_portal_login';
export const LANG_COOKIE = 'mleg_portal_lang';

/** The cookies a request carries (first value of each name; values as sent). */
export function readCookies(request: FastifyRequest): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim());
  }
  return cookies;
}

export interface CookieOptions {
  secure: boolean;
  /** Seconds; absent: a session cookie (gone when the browser closes). */
  maxAge?: number;
}

/** Values are base64url or a language code: nothing to escape. */
export function setCookie(reply: FastifyReply, name: string, value: string, o: CookieOptions): void {
  const attributes = [`${name}=${value}`, `Path=${PORTAL_PATH}`, 'HttpOnly', 'SameSite=Strict'];
  if (o.maxAge !== undefined) attributes.push(`Max-Age=${o.maxAge}`);
  if (o.secure) attributes.push('Secure');
  reply.header('set-cookie', attributes.join('; '));
}

export function clearCookie(reply: FastifyReply, name: string, o: Pick<CookieOptions, 'secure'>): void {
  setCookie(reply, name, '', { ...o, maxAge: 0 });
}
