/** POST /v1/verify (SPEC 7): one payload, as JSON or as text/plain, one result. */
import type { FastifyPluginAsync } from 'fastify';
import type { Verifier } from '../verifier.js';
import { errorReplies } from './schemas.js';

export interface VerifyRoutesOptions {
  verifier: Verifier;
  bodyLimit: number;
}

export const verifyRoutes: FastifyPluginAsync<VerifyRoutesOptions> = async (app, { verifier, bodyLimit }) => {
  app.post<{ Body: { payload: string } | string }>(
    '/v1/verify',
    {
      bodyLimit,
      schema: {
        body: {
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['payload'],
                properties: { payload: { type: 'string', description: 'The QR text, MLEG1:…' } },
              },
            },
            'text/plain': { schema: { type: 'string', minLength: 1 } },
          },
        },
        response: { 200: { $ref: 'result#' }, ...errorReplies(400, 413, 415) },
      },
    },
    async (request) => {
      const payload = typeof request.body === 'string' ? request.body : request.body.payload;
      const result = await verifier.verify(payload, 'http');
      request.verdict = result.verdict;
      return result;
    },
  );
};
