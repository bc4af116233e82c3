/** GET /healthz (the process runs) and GET /readyz (trust list loaded, accepting scans). */
import type { FastifyPluginAsync } from 'fastify';

export interface HealthRoutesOptions {
  ready: () => boolean;
}

const stateSchema = { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] };

export const healthRoutes: FastifyPluginAsync<HealthRoutesOptions> = async (app, { ready }) => {
  app.get('/healthz', { config: { rateLimit: false }, schema: { summary: 'The process runs', tags: ['operations'], response: { 200: stateSchema } } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { rateLimit: false }, schema: { summary: 'Trust list loaded and accepting scans', tags: ['operations'], response: { 200: stateSchema, 503: stateSchema } } }, async (_request, reply) => {
    if (ready()) return { status: 'ready' };
    return reply.code(503).send({ status: 'not ready' });
  });
};
