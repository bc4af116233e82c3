/** The OpenAPI document, generated from the routes' own JSON schemas, at GET /openapi.json. */
import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';

const VERIFIER = {
  title: 'mleg — mLegitymacja verifier',
  description: 'Verifies mLegitymacja presentations (MLEG1:<credential>~<proof>) and reports scans from attached scanners.',
};

export interface OpenApiAbout {
  title: string;
  description: string;
  /** Bearer schemes beside `adminToken` that routes name in their `security`. */
  bearerSchemes?: string[];
}

export async function registerOpenApi(app: FastifyInstance, version: string, about: OpenApiAbout = VERIFIER): Promise<void> {
  const { bearerSchemes = [], ...info } = about;
  const bearer = { type: 'http', scheme: 'bearer' } as const;
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { ...info, version },
      components: { securitySchemes: Object.fromEntries(['adminToken', ...bearerSchemes].map((name) => [name, bearer])) },
    },
    // Shared schemas appear under their own names (result, error) instead of def-0, def-1.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
