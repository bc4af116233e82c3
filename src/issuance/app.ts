/**
 * The issuing service's Fastify application, built as the verifier's (src/http/app.ts):
 * security headers on every answer, one log line per request (route template, never the
 * URL: an offer link holds its code), rate limits per client, errors answered with a code
 * and a reason and never with internals — `{"error": CODE, "message"}` on administration
 * and publishing routes, OAuth's `{"error", "error_description"}` on the OAuth routes.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { errorBody, ERRORS } from '../errors.js';
import { limitBodyTime, requestTimeOptions } from '../http/body-timeout.js';
import { healthRoutes } from '../http/health-routes.js';
import { metricsRoutes } from '../http/metrics-routes.js';
import { registerOpenApi } from '../http/openapi.js';
import { errorSchema } from '../http/schemas.js';
import { clientError, sendError } from '../http/http-errors.js';
import { addServiceHooks, registerRateLimit } from '../http/service-app.js';
import { adminRoutes } from './admin-routes.js';
import type { IssuanceAppOptions, IssuanceContext } from './context.js';
import { oauthBody } from './oauth-errors.js';
import { oid4vciRoutes } from './oid4vci-routes.js';
import { publishRoutes } from './publish-routes.js';

const BODY_TIMEOUT_MS = 10_000;


export type { IssuanceAppOptions, IssuanceContext } from './context.js';

export async function buildIssuanceApp(o: IssuanceAppOptions): Promise<FastifyInstance> {
  const { config, metrics } = o;
  const app = Fastify({
    loggerInstance: o.log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 16 * 1024,
    trustProxy: config.http.trustProxy,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
    return503OnClosing: true,
    ...requestTimeOptions(BODY_TIMEOUT_MS),
  });
  app.addSchema(errorSchema);

  addServiceHooks(app, metrics);

  // As SPEC 7 has it for the verifier: a body that has not arrived whole within 10 s is answered 408 and closed.
  limitBodyTime(app, BODY_TIMEOUT_MS, (reply) => {
    const message = `the request body did not arrive whole within ${BODY_TIMEOUT_MS / 1000} s`;
    reply.send(reply.request.routeOptions.config?.oauthError !== undefined ? oauthBody('invalid_request', message) : errorBody('BODY_TIMEOUT', message));
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const answer = clientError(error) ?? { code: 'INTERNAL' as const, message: 'the request could not be completed' };
    if (answer.code === 'INTERNAL') request.log.error({ err: { type: error.name, message: error.message, stack: error.stack } }, 'request failed');
    const oauth = request.routeOptions.config?.oauthError;
    if (oauth !== undefined) {
      const status = (ERRORS[answer.code] as { status?: number }).status ?? 500;
      const code = status === 429 ? 'RATE_LIMITED' : status >= 500 ? 'server_error' : oauth;
      return reply.code(status).send(oauthBody(code, answer.message));
    }
    return sendError(reply, answer.code, answer.message);
  });
  // The path is not echoed: an answer never repeats what a client sent.
  app.setNotFoundHandler((_request, reply) => sendError(reply, 'NOT_FOUND', 'no such route'));

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
