/**
 * The Fastify application: one plugin per route group, shared schemas, one log line
 * per request, security headers on every answer, optional CORS and rate limiting, errors
 * answered with a status and a reason and never with internals.
 */
import type { ServerResponse } from 'node:http';
import cors from '@fastify/cors';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { Config } from '../config/config.js';
import type { EventBus, ScannerStatus } from '../events/event-bus.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Verifier } from '../verifier.js';
import { adminRoutes } from './admin-routes.js';
import { displayRoutes } from './display-routes.js';
import { eventsRoutes } from './events-routes.js';
import { healthRoutes } from './health-routes.js';
import { imageRoutes } from './image-routes.js';
import { metricsRoutes } from './metrics-routes.js';
import { registerOpenApi } from './openapi.js';
import { addServiceHooks, fastifyErrorMessage, registerRateLimit } from './service-app.js';
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
}

export async function buildApp(o: AppOptions): Promise<FastifyInstance> {
  const { config, verifier, metrics } = o;
  const app = Fastify({
    loggerInstance: o.log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.http.bodyLimitBytes,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
    return503OnClosing: true,
  });
  app.addSchema(resultSchema);
  app.addSchema(errorSchema);
  app.decorateRequest('verdict', undefined);

  addServiceHooks(app, metrics);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) {
      request.log.error({ err: { type: error.name, message: error.message, stack: error.stack } }, 'request failed');
      return reply.code(500).send({ error: 'Internal Server Error', message: 'the request could not be completed' });
    }
    return reply.code(status).send({ error: httpReason(status), message: fastifyErrorMessage(error, 'application/json or text/plain') });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: 'Not Found', message: `no route ${request.method} ${request.url.split('?')[0]}` });
  });

  if (config.http.cors.origins.length > 0) {
    await app.register(cors, { origin: config.http.cors.origins, methods: ['GET', 'POST'] });
  }
  await registerRateLimit(app, config.http);
  await registerOpenApi(app, o.version);

  await app.register(healthRoutes, { ready: o.ready });
  await app.register(verifyRoutes, { verifier, bodyLimit: config.http.bodyLimitBytes, batchBodyLimit: config.http.batchBodyLimitBytes });
  await app.register(imageRoutes, { verifier, image: config.image });
  await app.register(eventsRoutes, { bus: o.bus, heartbeatMs: config.events.heartbeatSeconds * 1000, open: o.streams });
  await app.register(stateRoutes, { verifier, scanners: o.scanners, startedAt: o.startedAt, version: o.version, ready: o.ready });
  await app.register(metricsRoutes, { metrics });
  if (config.admin.token !== null) await app.register(adminRoutes, { token: config.admin.token, verifier });
  if (config.display.enabled) await app.register(displayRoutes, { display: config.display, bus: o.bus, heartbeatMs: config.events.heartbeatSeconds * 1000, open: o.streams, terminal: config });
  return app;
}

function httpReason(status: number): string {
  return (
    { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests' }[
      status
    ] ?? 'Client Error'
  );
}
