/**
 * The fleet (SPEC 9), on any node with `replay.store: "redis"` (404 on the others):
 *
 * - GET /v1/fleet          every node sharing the Redis and prefix, seen within 30 s;
 * - GET /v1/fleet/config   what the supervisor's page needs: this node, the heartbeat,
 *                          each verdict's words in Polish and English;
 * - GET /fleet             the supervisor's page: a tile per node and lane (./display/fleet.*).
 *
 * The fleet's scans are `GET /v1/events?scope=fleet` (events-routes.ts).
 */
import type { FastifyPluginAsync, FastifySchema } from 'fastify';
import { errorBody, isMlegError } from '../errors.js';
import { SEEN_WITHIN_SECONDS } from '../fleet/fleet-state.js';
import { FLEET_READ_TIMEOUT_MS, type Fleet } from '../fleet/fleet.js';
import { VERDICTS } from '../verify/verdicts.js';
import { VERDICT_TEXTS } from './display-view.js';
import { loadPageAssets, sendAsset } from './page-assets.js';
import { errorReplies } from './schemas.js';

export const NO_FLEET = 'no fleet here: replay.store is "memory" (with "redis", verifiers share replay memory and see each other)';

export interface FleetRoutesOptions {
  fleet: Fleet | undefined;
}

const obj = (properties: Record<string, unknown>, description?: string) => ({
  type: 'object',
  additionalProperties: false,
  required: Object.keys(properties),
  properties,
  ...(description === undefined ? {} : { description }),
});

const nodeSchema = obj({
  id: { type: 'string', description: 'fleet.nodeId (default: host name and port)' },
  seen_at: { type: 'string', format: 'date-time', description: "the node's clock at its last heartbeat" },
  version: { type: 'string' },
  heartbeat_seconds: { type: 'integer' },
  sharing: { type: 'boolean', description: 'whether its replay decisions are being taken in Redis now (false: by itself alone)' },
  status_lists: { type: 'array', items: obj({ uri: { type: 'string' }, usable: { type: 'boolean' }, age_seconds: { type: ['integer', 'null'] } }) },
  scanners: { type: 'array', items: obj({ id: { type: 'string' }, connected: { type: 'boolean' }, lane: { type: ['string', 'null'] } }) },
  lanes: {
    type: 'array',
    items: obj({
      id: { type: 'string' },
      last_scan: {
        type: ['object', 'null'],
        additionalProperties: false,
        required: ['verdict', 'scanner', 'at'],
        properties: { verdict: { type: 'string', enum: [...VERDICTS] }, scanner: { type: 'string' }, at: { type: 'string', format: 'date-time' } },
      },
    }),
  },
});

const textsSchema = obj(Object.fromEntries(VERDICTS.map((v) => [v, obj({ pl: { type: 'string' }, en: { type: 'string' } })])));

// Typed as FastifySchema: the replies are not then narrowed to the 200 schema (404 and 503 are sent too).
const listSchema: FastifySchema = {
  summary: `Every verifier sharing this Redis and prefix, seen within the last ${SEEN_WITHIN_SECONDS} s`,
  tags: ['fleet'],
  response: { 200: obj({ nodes: { type: 'array', items: nodeSchema } }), ...errorReplies(404, 503) },
};

const configSchema: FastifySchema = {
  summary: 'What the fleet page needs to know',
  tags: ['fleet'],
  response: { 200: obj({ node: { type: 'string' }, seenWithinSeconds: { type: 'integer' }, verdicts: textsSchema }), ...errorReplies(404) },
};

export const fleetRoutes: FastifyPluginAsync<FleetRoutesOptions> = async (app, { fleet }) => {
  const assets = loadPageAssets();

  app.get(
    '/v1/fleet',
    { schema: listSchema },
    async (_request, reply) => {
      if (fleet?.state === undefined) return reply.code(404).send(errorBody('NOT_FOUND', NO_FLEET));
      try {
        return { nodes: await fleet.state.nodes(FLEET_READ_TIMEOUT_MS) };
      } catch (err) {
        if (isMlegError(err, 'FLEET_UNAVAILABLE')) return reply.code(503).header('retry-after', '2').send(errorBody('FLEET_UNAVAILABLE', err.message));
        throw err;
      }
    },
  );

  app.get(
    '/v1/fleet/config',
    { schema: configSchema },
    async (_request, reply) => {
      if (fleet?.nodeId === undefined) return reply.code(404).send(errorBody('NOT_FOUND', NO_FLEET));
      return { node: fleet.nodeId, seenWithinSeconds: SEEN_WITHIN_SECONDS, verdicts: VERDICT_TEXTS };
    },
  );

  app.get('/fleet', { schema: { hide: true } }, async (_request, reply) => {
    if (fleet === undefined) return reply.code(404).send(errorBody('NOT_FOUND', NO_FLEET));
    return sendAsset(assets, 'fleet.html', reply);
  });
  // The page's own files and the display's style sheet it builds on; nothing else from the folder.
  app.get<{ Params: { file: string } }>('/fleet/:file', { schema: { hide: true } }, async (request, reply) => {
    const { file } = request.params;
    if (!file.startsWith('fleet.') && file !== 'display.css') return reply.callNotFound();
    return sendAsset(assets, file, reply);
  });
};
