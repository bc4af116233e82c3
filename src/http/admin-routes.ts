/**
 * Administration behind a bearer token (config `admin.token` or `admin.tokenFile`); the
 * routes do not exist when no token is configured. 401 without a token, 403 with a wrong one.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { Verifier } from '../verifier.js';
import { sendError } from './http-errors.js';
import { errorReplies } from './schemas.js';

export interface AdminRoutesOptions {
  token: string;
  verifier: Verifier;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

export const adminRoutes: FastifyPluginAsync<AdminRoutesOptions> = async (app, { token, verifier }) => {
  const expected = digest(token);
  app.addHook('onRequest', async (request, reply) => {
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer +(\S+)\s*$/i.exec(header);
    if (match === null) {
      reply.header('www-authenticate', 'Bearer realm="mleg admin"');
      return sendError(reply, 'UNAUTHORIZED', 'this route needs "Authorization: Bearer <admin token>"');
    }
    if (!timingSafeEqual(digest(match[1]!), expected)) {
      request.log.warn({ route: request.routeOptions.url }, 'admin request with a wrong token');
      return sendError(reply, 'FORBIDDEN', 'wrong admin token');
    }
  });

  app.post(
    '/v1/admin/refresh',
    {
      schema: {
        summary: 'Reload the trust list and refetch every status list now',
        tags: ['administration'],
        security: [{ adminToken: [] }],
        response: {
          200: {
            type: 'object',
            properties: {
              trust: {
                type: 'object',
                properties: { ok: { type: 'boolean' }, changed: { type: 'boolean' }, keys: { type: 'integer' }, error: { type: ['string', 'null'] } },
              },
              status_lists: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { uri: { type: 'string' }, ok: { type: 'boolean' }, changed: { type: 'boolean' }, error: { type: ['string', 'null'] } },
                },
              },
            },
          },
          ...errorReplies(401, 403),
        },
      },
    },
    async (request) => {
      const trust = verifier.trust.reload();
      const lists = await verifier.status.refreshAll();
      request.log.info({ trust_changed: trust.changed, trust_ok: trust.ok, lists: lists.length, lists_changed: lists.filter((l) => l.changed).length }, 'admin refresh');
      return {
        trust: {
          ok: trust.ok,
          changed: trust.changed,
          keys: trust.list.keys.size,
          error: trust.error === undefined ? null : trust.error.replaceAll(verifier.trust.file, 'trust list'),
        },
        status_lists: lists,
      };
    },
  );
};
