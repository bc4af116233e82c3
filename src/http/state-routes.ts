/** GET /v1/state: what the service runs on — trust list, verifier threads, status lists, scanners, replay memory and the fleet. */
import type { FastifyPluginAsync } from 'fastify';
import type { ScannerStatus } from '../events/event-bus.js';
import type { Fleet } from '../fleet/fleet.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Verifier } from '../verifier.js';

export interface StateRoutesOptions {
  verifier: Verifier;
  scanners: () => ScannerStatus[];
  startedAt: Date;
  version: string;
  ready: () => boolean;
  fleet: Fleet | undefined;
  metrics: Metrics;
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
  replay: obj({
    store: { type: 'string', enum: ['memory', 'redis'] },
    remembered: { type: 'integer', description: 'accepted presentations this process remembers' },
    shared: {
      ...obj({
        where: { type: 'string', description: 'the Redis URL without its password' },
        connected: { type: 'boolean' },
        sharing: { type: 'boolean', description: 'whether replay decisions are taken in Redis now (false: by this node alone)' },
        since: { type: 'string', format: 'date-time', description: 'when sharing last started or stopped' },
        last_error: { type: ['object', 'null'], additionalProperties: false, required: ['message', 'at'], properties: { message: { type: 'string' }, at: { type: 'string', format: 'date-time' } } },
        decisions: obj({ shared: { type: 'integer' }, local: { type: 'integer' } }),
        local_because: obj({ offline: { type: 'integer' }, timeout: { type: 'integer' }, error: { type: 'integer' } }),
        late_answers: { type: 'integer' },
        written_back: { type: 'integer' },
        round_trip: { type: 'array', description: 'round trips of the replay check, cumulative per bucket (le_ms null: all)', items: obj({ le_ms: nullable('number'), count: { type: 'integer' } }) },
      }),
      type: ['object', 'null'],
    },
  }),
  fleet: { ...obj({ node_id: nullable('string'), heartbeat_seconds: { type: 'integer' }, events_not_appended: { type: 'integer' } }), type: ['object', 'null'] },
});

export const stateRoutes: FastifyPluginAsync<StateRoutesOptions> = async (app, o) => {
  app.get('/v1/state', { schema: { summary: 'Trust list, status lists and scanners in use', tags: ['operations'], response: { 200: stateSchema } } }, async () => {
    const trust = o.verifier.trust.current;
    const { fleet } = o;
    return {
      service: { version: o.version, started_at: o.startedAt.toISOString(), ready: o.ready() },
      trust: {
        loaded_at: new Date(trust.loadedAt).toISOString(),
        keys: [...trust.keys.values()].map((k) => ({ kid: k.kid, iss: k.iss, alg: k.alg, name: k.name ?? null })),
      },
      verifier: { threads: o.verifier.pool?.size ?? 0, verified_on_main_thread: o.verifier.verifiedHere, per_thread: o.verifier.pool?.threadStates() ?? [] },
      status_lists: o.verifier.status.state(),
      scanners: o.scanners(),
      replay: {
        store: fleet === undefined ? 'memory' : 'redis',
        remembered: o.verifier.replay.size,
        shared: fleet === undefined ? null : { ...fleet.replay.state(), round_trip: await o.metrics.roundTrips() },
      },
      fleet: fleet === undefined ? null : { node_id: fleet.nodeId ?? null, heartbeat_seconds: fleet.heartbeatSeconds, events_not_appended: fleet.events?.appendFailures ?? 0 },
    };
  });
};
