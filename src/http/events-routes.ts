/**
 * GET /v1/events (SPEC 7): Server-Sent Events of every scan from attached scanners
 * (`event: scan`) and of scanner state changes (`event: scanner`), a heartbeat comment
 * every `heartbeatMs`, catch-up after Last-Event-ID, a clean end when the client leaves
 * or the service stops. A client that cannot keep up is disconnected, never waited for.
 *
 * `streamEvents` is that stream for any route: the display's stream (display-routes.ts)
 * is the same framing with its own choice of events. With `scope=fleet`, the scans of
 * every node sharing the fleet's Redis (src/fleet/fleet-events.ts), in the same framing.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import { errorBody, isMlegError } from '../errors.js';
import type { BusEvent, EventBus, NumberedEvent } from '../events/event-bus.js';
import { compareStreamIds, type FleetEvents, type FleetScan } from '../fleet/fleet-events.js';
import { FLEET_READ_TIMEOUT_MS, type Fleet } from '../fleet/fleet.js';
import { NO_FLEET } from './fleet-routes.js';
import { errorReplies } from './schemas.js';

export interface EventsRoutesOptions {
  bus: EventBus;
  heartbeatMs: number;
  /** The open streams (counted by the metrics, ended when the service stops). */
  open: Set<ServerResponse>;
  /** With a fleet (replay.store "redis"): its events, for scope=fleet. */
  fleet?: Fleet | undefined;
}

export interface StreamOptions extends EventsRoutesOptions {
  /**
   * What a bus event becomes on this stream (undefined: not sent). `live` is false for
   * events sent as catch-up after Last-Event-ID. Default: every event as it is.
   */
  select?: (event: NumberedEvent, live: boolean) => BusEvent | { type: string; data: unknown } | undefined;
  /** The heartbeat as a comment (invisible to browsers) or as `event: heartbeat` (a page can watch for it). */
  heartbeat?: 'comment' | 'event';
}

/** Unsent bytes a client may fall behind by before it is dropped. */
const MAX_BACKLOG_BYTES = 1024 * 1024;

/** An SSE stream on a reply taken over: its framing, heartbeat, backlog limit and end. */
export interface EventStream {
  /** Sends one event, or drops the client when it has fallen MAX_BACKLOG_BYTES behind. */
  send(id: string | number, type: string, data: unknown): void;
  /** Called once when the client leaves or the service stops. */
  onClose(listener: () => void): void;
}

/** Takes over the reply and opens an SSE stream on it. */
export function openEventStream(request: FastifyRequest, reply: FastifyReply, o: Pick<StreamOptions, 'heartbeatMs' | 'open' | 'heartbeat'>): EventStream {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-content-type-options': 'nosniff',
  });
  res.write('retry: 2000\n: connected\n\n');
  o.open.add(res);
  const beat = o.heartbeat === 'event' ? 'event: heartbeat\ndata: {}\n\n' : ': heartbeat\n\n';
  const heartbeat = setInterval(() => res.write(beat), o.heartbeatMs);
  res.on('close', () => {
    clearInterval(heartbeat);
    o.open.delete(res);
  });
  return {
    send(id, type, data) {
      if (res.destroyed) return;
      if (res.writableLength > MAX_BACKLOG_BYTES) {
        request.log.warn({ route: request.routeOptions.url, backlog: res.writableLength }, 'event stream client too slow; disconnecting');
        res.destroy();
        return;
      }
      res.write(`id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    onClose(listener) {
      res.on('close', listener);
    },
  };
}

/** Takes over the reply and streams bus events as SSE until the client leaves or the service stops. */
export function streamEvents(request: FastifyRequest, reply: FastifyReply, o: StreamOptions): void {
  const { bus, select = (event) => event } = o;
  const stream = openEventStream(request, reply, o);
  const send = (event: NumberedEvent, live: boolean): void => {
    const out = select(event, live);
    if (out !== undefined) stream.send(event.id, out.type, out.data);
  };
  const lastId = Number(request.headers['last-event-id']);
  if (Number.isSafeInteger(lastId) && lastId >= 0) for (const event of bus.since(lastId)) send(event, false);
  stream.onClose(bus.subscribe((event) => send(event, true)));
}

/**
 * The fleet's scans (every node sharing the Redis) as SSE `event: scan` with
 * {id, node, scanner, lane, verdict, at}, ids those of the Redis stream; after
 * Last-Event-ID, the scans missed that the stream still holds, then the live ones.
 */
async function streamFleetScans(request: FastifyRequest, reply: FastifyReply, events: FleetEvents, o: EventsRoutesOptions): Promise<void> {
  const header = request.headers['last-event-id'];
  const lastId = typeof header === 'string' && STREAM_ID.test(header) ? header : undefined;
  // Listening first, so that nothing falls between the catch-up and the live scans.
  let stream: EventStream | undefined;
  const held: FleetScan[] = [];
  let sentUpTo = lastId ?? '0-0';
  const send = (scan: FleetScan): void => {
    if (compareStreamIds(scan.id, sentUpTo) <= 0) return; // sent already, as catch-up
    sentUpTo = scan.id;
    stream!.send(scan.id, 'scan', scan);
  };
  const unsubscribe = events.subscribe((scan) => (stream === undefined ? held.push(scan) : send(scan)));
  let missed: FleetScan[];
  try {
    missed = lastId === undefined ? [] : await events.since(lastId, FLEET_READ_TIMEOUT_MS);
  } catch (err) {
    unsubscribe();
    throw err;
  }
  stream = openEventStream(request, reply, o);
  stream.onClose(unsubscribe);
  for (const scan of [...missed, ...held]) send(scan);
}

const STREAM_ID = /^\d{1,16}-\d{1,16}$/;

export const eventsRoutes: FastifyPluginAsync<EventsRoutesOptions> = async (app, o) => {
  app.addHook('preClose', async () => {
    for (const res of o.open) res.end(() => res.destroy());
  });

  app.get<{ Querystring: { scope?: 'node' | 'fleet' } }>(
    '/v1/events',
    {
      schema: {
        summary: 'Server-Sent Events of scans and scanner states',
        description:
          'scope=node (default): this node\'s scans `event: scan` {scanner, lane, result} and scanner states `event: scanner`. ' +
          'scope=fleet (replay.store "redis"): every node\'s scans `event: scan` {id, node, scanner, lane, verdict, at}, nothing personal; 404 without a fleet, 503 when Redis does not answer a catch-up.',
        tags: ['events'],
        querystring: { type: 'object', additionalProperties: false, properties: { scope: { type: 'string', enum: ['node', 'fleet'] } } },
        produces: ['text/event-stream'],
        response: errorReplies(400, 404, 503),
      },
    },
    async (request, reply) => {
      if (request.query.scope !== 'fleet') return streamEvents(request, reply, o);
      const events = o.fleet?.events;
      if (events === undefined) return reply.code(404).send(errorBody('NOT_FOUND', NO_FLEET));
      try {
        await streamFleetScans(request, reply, events, o);
      } catch (err) {
        if (isMlegError(err, 'FLEET_UNAVAILABLE')) return reply.code(503).header('retry-after', '2').send(errorBody('FLEET_UNAVAILABLE', err.message));
        throw err;
      }
    },
  );
};
