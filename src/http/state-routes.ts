/** GET /v1/state: what the service runs on — trust list, verifier threads, status lists, scanners. */
import type { FastifyPluginAsync } from 'fastify';
import type { ScannerStatus } from '../events/event-bus.js';
import type { Verifier } from '../verifier.js';

export interface StateRoutesOptions {
  verifier: Verifier;
  scanners: () => ScannerStatus[];
  startedAt: Date;
  version: string;
  ready: () => boolean;
}

const nullable = (type: string, format?: string) => ({ type: [type, 'null'], ...(format !== undefined ? { format } : {}) });
const obj = (properties: Record<string, unknown>) => ({ type: 'object', additionalProperties: false, required: Object.keys(properties), properties });

const stateSchema = obj({
  service: obj({ version: { type: 'string' }, started_at: { type: 'string', format: 'date-time' }, ready: { type: 'boolean' } }),
  trust: obj({
    loaded_at: { type: 'string', format: 'date-time' },
    keys: { type: 'array', items: obj({ kid: { type: 'string' }, iss: { type: 'string' }, alg: { type: 'string' }, name: nullable('string') }) },
  }),
  verifier: obj({
    threads: { type: 'integer', description: 'verifier threads (0: verifications run on the main thread)' },
    verified_on_main_thread: {
      type: 'integer',
      description: 'presentations the main thread verified itself: all of them without threads; with threads, those that came alone while the threads were idle (a till, one gate) and those of a lost thread',
    },
    per_thread: { type: 'array', items: obj({ verified: { type: 'integer' }, in_hand: { type: 'integer' }, restarts: { type: 'integer' } }) },
  }),
  status_lists: {
    type: 'array',
    items: obj({
      uri: { type: 'string' },
      iss: nullable('string'),
      iat: nullable('integer'),
      exp: nullable('integer'),
      ttl: nullable('integer'),
      bits: nullable('integer'),
      entries: nullable('integer'),
      fetched_at: nullable('string', 'date-time'),
      next_refresh: nullable('string', 'date-time'),
      usable: { type: 'boolean' },
      why_not: nullable('string'),
      last_fetch: { type: ['object', 'null'], properties: { at: { type: 'string' }, ok: { type: 'boolean' }, error: nullable('string') } },
    }),
  },
  scanners: {
    type: 'array',
    items: obj({
      id: { type: 'string' },
      type: { type: 'string' },
      lane: nullable('string'),
      state: { type: 'string', enum: ['connected', 'disconnected', 'unavailable'] },
      detail: nullable('string'),
      since: { type: 'string', format: 'date-time' },
      scans: { type: 'integer' },
    }),
  },
});

export const stateRoutes: FastifyPluginAsync<StateRoutesOptions> = async (app, o) => {
  app.get('/v1/state', { schema: { summary: 'Trust list, status lists and scanners in use', tags: ['operations'], response: { 200: stateSchema } } }, async () => {
    const trust = o.verifier.trust.current;
    return {
      service: { version: o.version, started_at: o.startedAt.toISOString(), ready: o.ready() },
      trust: {
        loaded_at: new Date(trust.loadedAt).toISOString(),
        keys: [...trust.keys.values()].map((k) => ({ kid: k.kid, iss: k.iss, alg: k.alg, name: k.name ?? null })),
      },
      verifier: { threads: o.verifier.pool?.size ?? 0, verified_on_main_thread: o.verifier.verifiedHere, per_thread: o.verifier.pool?.threadStates() ?? [] },
      status_lists: o.verifier.status.state(),
      scanners: o.scanners(),
    };
  });
};
