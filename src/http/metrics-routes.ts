/** GET /metrics: Prometheus text format. */
import type { FastifyPluginAsync } from 'fastify';
import type { Metrics } from '../metrics/metrics.js';

export const metricsRoutes: FastifyPluginAsync<{ metrics: Metrics }> = async (app, { metrics }) => {
  app.get('/metrics', { schema: { summary: 'Prometheus metrics', tags: ['operations'], response: { 200: { type: 'string' } } } }, async (_request, reply) => {
    reply.type(metrics.contentType);
    return metrics.text();
  });
};
