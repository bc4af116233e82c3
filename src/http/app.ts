/**
 * The Fastify application: one plugin per route group, shared schemas, one log line
 * per request, errors answered with a status and a reason and never with internals.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { Logger } from '../logger.js';
import type { ImageOptions } from '../scan/image/decode-image.js';
import type { Verifier } from '../verifier.js';
import { healthRoutes } from './health-routes.js';
import { imageRoutes } from './image-routes.js';
import { errorSchema, resultSchema } from './schemas.js';
import { verifyRoutes } from './verify-routes.js';

declare module 'fastify' {
  interface FastifyRequest {
    verdict?: string;
  }
}

export interface AppOptions {
  verifier: Verifier;
  log: Logger;
  bodyLimit: number;
  ready: () => boolean;
  /** Config `image`: the decoder and limits of the image routes. */
  image: ImageOptions;
}

export async function buildApp({ verifier, log, bodyLimit, ready, image }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
    return503OnClosing: true,
  });
  app.addSchema(resultSchema);
  app.addSchema(errorSchema);
  app.decorateRequest('verdict', undefined);

  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unknown',
        status: reply.statusCode,
        verdict: request.verdict,
        ms: Math.round(reply.elapsedTime * 100) / 100,
      },
      'request',
    );
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) {
      request.log.error({ err: { type: error.name, message: error.message, stack: error.stack } }, 'request failed');
      return reply.code(500).send({ error: 'Internal Server Error', message: 'the request could not be completed' });
    }
    return reply.code(status).send({ error: httpReason(status), message: clientMessage(error) });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: 'Not Found', message: `no route ${request.method} ${request.url.split('?')[0]}` });
  });

  await app.register(healthRoutes, { ready });
  await app.register(verifyRoutes, { verifier, bodyLimit });
  await app.register(imageRoutes, { verifier, image });
  return app;
}

function clientMessage(error: FastifyError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'request body is too large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported content type; send application/json or text/plain';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'the body is empty';
    default:
      return error.message;
  }
}

function httpReason(status: number): string {
  return (
    { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests' }[
      status
    ] ?? 'Client Error'
  );
}
