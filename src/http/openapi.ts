/** The OpenAPI document, generated from the routes' own JSON schemas, at GET /openapi.json. */
import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';

const VERIFIER = {
  title: 'mleg — mLegitymacja verifier',
  description: 'Verifies mLegitymacja presentations (MLEG1:<credential>~<proof>) and reports scans from attached scanners.',
};

export async function registerOpenApi(app: FastifyInstance, version: string, about: { title: string; description: string } = VERIFIER): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { ...about, version },
      components: { securitySchemes: { adminToken: { type: 'http', scheme: 'bearer' } } },
    },
    // Shared schemas appear under their own names (result, error) instead of def-0, def-1.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
