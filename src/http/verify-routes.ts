/**
 * POST /v1/verify (one payload, as JSON or as text/plain) and POST /v1/verify/batch
 * (up to 1000 payloads, results in the same order), SPEC 7.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from '../logger.js';
import type { Verifier } from '../verifier.js';
import { resultLogFields } from '../verify/result.js';
import { sendError } from './http-errors.js';
import { errorReplies } from './schemas.js';

export interface VerifyRoutesOptions {
  verifier: Verifier;
  bodyLimit: number;
  batchBodyLimit: number;
}

export const MAX_BATCH = 1000;

export const verifyRoutes: FastifyPluginAsync<VerifyRoutesOptions> = async (app, { verifier, bodyLimit, batchBodyLimit }) => {
  app.post<{ Body: { payload: string } | string }>(
    '/v1/verify',
    {
      bodyLimit,
      schema: {
        summary: 'Verify one presentation',
        description: 'The QR text (MLEG1:… or MLEG2:…) as JSON {"payload": "…"} or as text/plain, exactly as scanned (only a final CR/LF is stripped). 200 whatever the verdict.',
        tags: ['verification'],
        body: {
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['payload'],
                properties: { payload: { type: 'string', description: 'The QR text, MLEG1:… or MLEG2:…' } },
              },
            },
            'text/plain': { schema: { type: 'string', minLength: 1, description: 'The QR text, MLEG1:… or MLEG2:…' } },
          },
        },
        response: { 200: { $ref: 'result#' }, ...errorReplies(400, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      // Without a content type Fastify parses nothing and checks nothing: the body is undefined.
      const body: unknown = request.body;
      const payload = typeof body === 'string' ? body : (body as { payload?: unknown } | undefined)?.payload;
      if (typeof payload !== 'string') return sendError(reply, 'BODY_MISSING', 'no payload: send {"payload": "MLEG1:…"} as application/json or the payload as text/plain');
      // The connection is who asks: one connection at a time is verified without a thread hop (src/pool/inline-rule.ts).
      const result = await verifier.verify(payload, 'http', Date.now(), request.raw.socket);
      request.verdict = result.verdict;
      // The hashed reference costs a SHA-256: made only when the line will be written.
      if ((request.log as Logger).isLevelEnabled('debug')) request.log.debug({ ...resultLogFields(result), reason: result.reason }, 'verified');
      return result;
    },
  );

  // The batch takes JSON only: in its own context without the text/plain parser, anything else is a 415.
  await app.register(async (json) => {
    json.removeContentTypeParser('text/plain');
    json.post<{ Body: { payloads: string[] } }>(
      '/v1/verify/batch',
      {
        bodyLimit: batchBodyLimit,
        schema: {
          summary: 'Verify up to 1000 presentations',
          description: 'Results in the order of the payloads. A payload repeated within a batch is REPLAYED the second time, as it would be at a gate.',
          tags: ['verification'],
          body: {
            type: 'object',
            required: ['payloads'],
            additionalProperties: false,
            properties: { payloads: { type: 'array', maxItems: MAX_BATCH, items: { type: 'string' } } },
          },
          response: {
            200: { type: 'object', required: ['results'], properties: { results: { type: 'array', items: { $ref: 'result#' } } } },
            ...errorReplies(400, 413, 415, 429),
          },
        },
      },
      async (request) => {
        // In order: replay memory decides between repeats exactly as at a gate.
        return { results: await verifier.verifyAll(request.body.payloads, 'batch') };
      },
    );
  });
};
