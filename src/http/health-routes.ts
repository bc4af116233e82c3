/** GET /healthz (the process runs) and GET /readyz (trust list loaded, accepting scans). */
import type { FastifyPluginAsync } from 'fastify';

export interface HealthRoutesOptions {
  ready: () => boolean;
}

const stateSchema = { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] };

export const healthRoutes: FastifyPluginAsync<HealthRoutesOptions> = async (app, { ready }) => {
  app.get('/healthz', { schema: { response: { 200: stateSchema } } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { response: { 200: stateSchema, 503: stateSchema } } }, async (_request, reply) => {
    if (ready()) return { status: 'ready' };
    return reply.code(503).send({ status: 'not ready' });
  });
};
