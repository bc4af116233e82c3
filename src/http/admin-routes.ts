/**
 * Administration behind a bearer token (config `admin.token` or `admin.tokenFile`); the
 * routes do not exist when no token is configured. 401 without a token, 403 with a wrong one.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Verifier } from '../verifier.js';
import { requireAdminToken } from './bearer-auth.js';
import { errorReplies } from './schemas.js';

export interface AdminRoutesOptions {
  token: string;
  verifier: Verifier;
}

export const adminRoutes: FastifyPluginAsync<AdminRoutesOptions> = async (app, { token, verifier }) => {
  requireAdminToken(app, token, 'mleg admin');

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
