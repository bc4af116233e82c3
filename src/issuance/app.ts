/**
 * The issuing service's Fastify application, built as the verifier's (src/http/app.ts):
 * security headers on every answer, one log line per request (route template, never the
 * URL: an offer link holds its code), rate limits per client, errors answered with a code
 * and a reason and never with internals — `{"error": CODE, "message"}` on administration
 * and publishing routes, OAuth's `{"error", "error_description"}` on the OAuth routes.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { errorBody, isMlegError, type ErrorCode } from '../errors.js';
import { limitBodyTime } from '../http/body-timeout.js';
import { healthRoutes } from '../http/health-routes.js';
import { metricsRoutes } from '../http/metrics-routes.js';
import { registerOpenApi } from '../http/openapi.js';
import { errorSchema } from '../http/schemas.js';
import { addServiceHooks, fastifyErrorMessage, registerRateLimit } from '../http/service-app.js';
import type { IssuerKey } from '../issuer/keys.js';
import type { Logger } from '../logger.js';
import { adminRoutes } from './admin-routes.js';
import type { IssuanceConfig } from './config.js';
import type { IssuanceMetrics } from './metrics.js';
import { oauthBody } from './oauth-errors.js';
import { oid4vciRoutes } from './oid4vci-routes.js';
import { publishRoutes } from './publish-routes.js';
import type { IssuanceKeys } from './secret.js';
import type { StatusPublisher } from './status-publisher.js';
import type { IssuanceStore } from './store.js';

export interface IssuanceAppOptions {
  config: IssuanceConfig;
  log: Logger;
  store: IssuanceStore;
  publisher: StatusPublisher;
  issuer: IssuerKey;
  keys: IssuanceKeys;
  metrics: IssuanceMetrics;
  /** Milliseconds since the epoch. */
  clock: () => number;
  ready: () => boolean;
  version: string;
}

const BODY_TIMEOUT_MS = 10_000;

/** What the issuing service's routes share. */
export type IssuanceContext = Omit<IssuanceAppOptions, 'ready' | 'version' | 'log'>;

export async function buildIssuanceApp(o: IssuanceAppOptions): Promise<FastifyInstance> {
  const { config, metrics } = o;
  const app = Fastify({
    loggerInstance: o.log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 16 * 1024,
    trustProxy: config.http.trustProxy,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
    return503OnClosing: true,
  });
  app.addSchema(errorSchema);

  addServiceHooks(app, metrics);

  // As SPEC 7 has it for the verifier: a body that has not arrived whole within 10 s is answered 408 and closed.
  limitBodyTime(app, BODY_TIMEOUT_MS, (reply) => {
    const message = `the request body did not arrive whole within ${BODY_TIMEOUT_MS / 1000} s`;
    reply.send(reply.request.routeOptions.config?.oauthError !== undefined ? oauthBody('invalid_request', message) : errorBody('BODY_TIMEOUT', message));
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = isMlegError(error) ? error.status : error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: { type: error.name, message: error.message, stack: error.stack } }, 'request failed');
    const message = status >= 500 ? 'the request could not be completed' : fastifyErrorMessage(error);
    const oauth = request.routeOptions.config?.oauthError;
    if (oauth !== undefined) {
      const code = status === 429 ? 'RATE_LIMITED' : status >= 500 ? 'server_error' : oauth;
      return reply.code(status).send(oauthBody(code, message));
    }
    return sendError(reply, status, isMlegError(error) ? error.code : codeForStatus(status, error), message);
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, 'NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`));

  await registerRateLimit(app, config.http);
  await registerOpenApi(app, o.version, {
    title: 'mleg issuer — mLegitymacja issuing service',
    description: 'Issues mLegitymacja credentials with OpenID4VCI 1.0 (pre-authorized code flow with an activation code), keeps the school\'s records and publishes the status list and trust list for verifiers.',
    bearerSchemes: ['accessToken'],
  });
  await app.register(healthRoutes, { ready: o.ready });
  await app.register(metricsRoutes, { metrics });
  const context: IssuanceContext = { config, store: o.store, publisher: o.publisher, issuer: o.issuer, keys: o.keys, metrics, clock: o.clock };
  await app.register(publishRoutes, context);
  await app.register(oid4vciRoutes, context);
  if (config.admin.token !== null) await app.register(adminRoutes, { ...context, token: config.admin.token, prefix: '/admin/v1' });
  return app;
}

export function sendError(reply: FastifyReply, status: number, code: ErrorCode, message: string): FastifyReply {
  return reply.code(status).send(errorBody(code, message));
}

function codeForStatus(status: number, error: FastifyError): ErrorCode {
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'BODY_MISSING';
  return (
    ({ 400: 'BODY_INVALID', 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 409: 'CONFLICT', 413: 'BODY_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE', 429: 'RATE_LIMITED' } as Record<number, ErrorCode>)[status] ??
    (status >= 500 ? 'INTERNAL' : 'BODY_INVALID')
  );
}
