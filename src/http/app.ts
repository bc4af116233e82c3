/**
 * The Fastify application: one plugin per route group, shared schemas, one log line
 * per request, security headers on every answer, optional CORS and rate limiting, errors
 * answered with a status and a reason and never with internals.
 */
import type { ServerResponse } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { Config } from '../config/config.js';
import type { EventBus, ScannerStatus } from '../events/event-bus.js';
import type { Fleet } from '../fleet/fleet.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Verifier } from '../verifier.js';
import { adminRoutes } from './admin-routes.js';
import { displayRoutes } from './display-routes.js';
import { eventsRoutes } from './events-routes.js';
import { fleetRoutes } from './fleet-routes.js';
import { healthRoutes } from './health-routes.js';
import { imageRoutes } from './image-routes.js';
import { metricsRoutes } from './metrics-routes.js';
import { registerOpenApi } from './openapi.js';
import { errorBody } from '../errors.js';
import { limitBodyTime, requestTimeOptions } from './body-timeout.js';
import { clientError, sendError } from './http-errors.js';
import { addServiceHooks, registerRateLimit } from './service-app.js';
import { errorSchema, resultSchema } from './schemas.js';
import { stateRoutes } from './state-routes.js';
import { verifyRoutes } from './verify-routes.js';

export interface AppOptions {
  verifier: Verifier;
  bus: EventBus;
  metrics: Metrics;
  log: Logger;
  config: Config;
  ready: () => boolean;
  scanners: () => ScannerStatus[];
  /** Open event streams, /v1/events and the display's (shared with the metrics). */
  streams: Set<ServerResponse>;
  version: string;
  startedAt: Date;
  /** With `replay.store: "redis"`: the fleet (src/fleet/). */
  fleet: Fleet | undefined;
}

export async function buildApp(o: AppOptions): Promise<FastifyInstance> {
  const { config, verifier, metrics } = o;
  const app = Fastify({
    loggerInstance: o.log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.http.bodyLimitBytes,
    // SPEC 7: a request not whole within http.requestTimeoutMs (10 s) is answered 408 and closed (body-timeout.ts).
    ...requestTimeOptions(config.http.requestTimeoutMs),
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
    return503OnClosing: true,
  });
  app.addSchema(resultSchema);
  app.addSchema(errorSchema);
  app.decorateRequest('verdict', undefined);

  addServiceHooks(app, metrics);
  limitBodyTime(app, config.http.requestTimeoutMs, (reply) => reply.send(errorBody('BODY_TIMEOUT', `the request body did not arrive whole within ${config.http.requestTimeoutMs / 1000} s`)));

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const answer = clientError(error, 'application/json or text/plain');
    if (answer === undefined) {
      request.log.error({ err: { type: error.name, message: error.message, stack: error.stack } }, 'request failed');
      return sendError(reply, 'INTERNAL', 'the request could not be completed');
    }
    if (answer.code === 'DECODE_TIMEOUT') void reply.header('retry-after', '1');
    return sendError(reply, answer.code, answer.message);
  });
  // The path is not echoed: an answer never repeats what a client sent.
  app.setNotFoundHandler((_request, reply) => sendError(reply, 'NOT_FOUND', 'no such route'));

  // CORS and rate limiting are loaded only when used (bench/results/findings.md, "modules loaded at start").
  if (config.http.cors.origins.length > 0) {
    const { default: cors } = await import('@fastify/cors');
    await app.register(cors, { origin: config.http.cors.origins, methods: ['GET', 'POST'] });
  }
  await registerRateLimit(app, config.http);
  await registerOpenApi(app, o.version);

  await app.register(healthRoutes, { ready: o.ready });
  await app.register(verifyRoutes, { verifier, bodyLimit: config.http.bodyLimitBytes, batchBodyLimit: config.http.batchBodyLimitBytes });
  await app.register(imageRoutes, { verifier, image: config.image });
  await app.register(eventsRoutes, { bus: o.bus, heartbeatMs: config.events.heartbeatSeconds * 1000, open: o.streams, fleet: o.fleet });
  await app.register(stateRoutes, { verifier, scanners: o.scanners, startedAt: o.startedAt, version: o.version, ready: o.ready, fleet: o.fleet, metrics });
  await app.register(fleetRoutes, { fleet: o.fleet });
  await app.register(metricsRoutes, { metrics });
  if (config.admin.token !== null) await app.register(adminRoutes, { token: config.admin.token, verifier });
  if (config.display.enabled) await app.register(displayRoutes, { display: config.display, bus: o.bus, heartbeatMs: config.events.heartbeatSeconds * 1000, open: o.streams, terminal: config });
  return app;
}
