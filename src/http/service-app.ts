/**
 * What the verifier's and the issuing service's Fastify apps share. Every request: security headers first (a route that needs its own, the display's CSP, replaces them),
 * `Connection: close` once stopping (nothing keep-alive holds the stop up), and one log
 * line and one latency sample per answer, by route template (never the URL, which may
 * carry a code). Callback hooks, not async ones: a promise apiece adds up on the hot path.
 */
import type { FastifyInstance } from 'fastify';
import { isLoopbackHost, SECURITY_HEADERS } from './security-headers.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verdict of a verification route, for its log line. */
    verdict?: string;
  }
}

export interface RequestMetrics {
  recordRequest(method: string, route: string, status: number, seconds: number): void;
}

export function addServiceHooks(app: FastifyInstance, metrics: RequestMetrics): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
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
}

/**
 * A per-client limit of `http.rateLimit.perMinute` requests on every route that does not
 * set its own (health checks set none): on with mode "on", or "auto" on a host others reach.
 * A refusal reaches the app's error handler as a 429 saying when to try again. The plugin
 * is loaded only when the limit is on (bench/results/findings.md, "modules loaded at start").
 */
export async function registerRateLimit(app: FastifyInstance, http: { host: string; rateLimit: { mode: string; perMinute: number } }): Promise<void> {
  const limit = http.rateLimit;
  if (limit.mode !== 'on' && !(limit.mode === 'auto' && !isLoopbackHost(http.host))) return;
  const { default: rateLimit } = await import('@fastify/rate-limit');
  await app.register(rateLimit, {
    global: true,
    max: limit.perMinute,
    timeWindow: 60_000,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      message: `more than ${context.max} requests a minute from this client; try again in ${context.after}`,
    }),
  });
}
