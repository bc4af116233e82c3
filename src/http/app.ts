/**
 * The Fastify application: one plugin per route group, shared schemas, one log line
 * per request, security headers on every answer, optional CORS and rate limiting, errors
 * answered with a status and a reason and never with internals.
 */
import type { ServerResponse } from 'node:http';
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
import { clientError, sendError } from './http-errors.js';
import { errorSchema, resultSchema } from './schemas.js';
import { stateRoutes } from './state-routes.js';
import { verifyRoutes } from './verify-routes.js';

declare module 'fastify' {
  interface FastifyRequest {
    verdict?: string;
  }
}

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

/** Sent with every answer: results carry personal data, so nothing is cached, framed or sniffed. */
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

export async function buildApp(o: AppOptions): Promise<FastifyInstance> {
  const { config, verifier, metrics } = o;
  const app = Fastify({
    loggerInstance: o.log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.http.bodyLimitBytes,
    // SPEC 7: a request not whole within http.requestTimeoutMs (10 s) is answered 408 and closed,
    // slow headers too; Node checks its connections for that every second (by default only every 30 s).
    requestTimeout: config.http.requestTimeoutMs,
    http: { headersTimeout: config.http.requestTimeoutMs, connectionsCheckingInterval: 1000 },
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
    return503OnClosing: true,
  });
  app.addSchema(resultSchema);
  app.addSchema(errorSchema);
  app.decorateRequest('verdict', undefined);

  // Once the service is stopping, answers close their connection: nothing keep-alive holds the stop up.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // Callback hooks, not async ones: each is run for every request (a promise apiece adds up).
  // The security headers go on first, so a route that needs its own (the display's CSP) replaces them.
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(SECURITY_HEADERS);
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unknown';
    metrics.recordRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    request.log.info(
      { method: request.method, route, status: reply.statusCode, verdict: request.verdict, ms: Math.round(reply.elapsedTime * 100) / 100 },
      'request',
    );
    done();
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const answer = clientError(error);
    if (answer === undefined) {
      request.log.error({ err: { type: error.name, message: error.message, stack: error.stack } }, 'request failed');
      return sendError(reply, 'INTERNAL', 'the request could not be completed');
    }
    if (answer.code === 'DECODE_TIMEOUT') void reply.header('retry-after', '1');
    return sendError(reply, answer.code, answer.message);
  });
  // The path is not echoed: an answer never repeats what a client sent.
  app.setNotFoundHandler((_request, reply) => sendError(reply, 'NOT_FOUND', 'no such route'));

  // CORS and rate limiting are loaded only when used (~20 ms of a start).
  if (config.http.cors.origins.length > 0) {
    const { default: cors } = await import('@fastify/cors');
    await app.register(cors, { origin: config.http.cors.origins, methods: ['GET', 'POST'] });
  }
  const limit = config.http.rateLimit;
  if (limit.mode === 'on' || (limit.mode === 'auto' && !LOOPBACK.test(config.http.host))) {
    const { default: rateLimit } = await import('@fastify/rate-limit');
    await app.register(rateLimit, {
      global: true,
      max: limit.perMinute,
      timeWindow: 60_000,
      errorResponseBuilder: (_request, context) => ({
        statusCode: 429,
        error: 'RATE_LIMITED',
        message: `more than ${context.max} requests a minute from this client; try again in ${context.after}`,
      }),
    });
  }
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
