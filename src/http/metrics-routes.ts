/** GET /metrics: Prometheus text format. */
import type { FastifyPluginAsync } from 'fastify';

/** What /metrics serves: a Prometheus registry's text (the verifier's Metrics, the issuing service's). */
export interface MetricsText {
  readonly contentType: string;
  text(): Promise<string>;
}

export const metricsRoutes: FastifyPluginAsync<{ metrics: MetricsText }> = async (app, { metrics }) => {
  app.get('/metrics', { schema: { summary: 'Prometheus metrics', tags: ['operations'], response: { 200: { type: 'string' } } } }, async (_request, reply) => {
    reply.type(metrics.contentType);
    return metrics.text();
  });
};
