/**
 * The administration routes' bearer token (the verifier's and the issuing service's): the
 * header checked against the configured token in constant time (both hashed first, so that
 * neither the length nor a prefix of the token can be timed).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sendError } from './http-errors.js';

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

/** Every route of `app` needs the admin token: 401 (with a Bearer challenge of `realm`) without it, 403 with a wrong one (logged). */
export function requireAdminToken(app: FastifyInstance, token: string, realm: string): void {
  const check = bearerTokenCheck(token);
  app.addHook('onRequest', async (request, reply) => {
    const outcome = check(request.headers.authorization);
    if (outcome === 'missing') {
      reply.header('www-authenticate', `Bearer realm="${realm}"`);
      return sendError(reply, 'UNAUTHORIZED', 'this route needs "Authorization: Bearer <admin token>"');
    }
    if (outcome === 'wrong') {
      request.log.warn({ route: request.routeOptions.url }, 'admin request with a wrong token');
      return sendError(reply, 'FORBIDDEN', 'wrong admin token');
    }
  });
}
