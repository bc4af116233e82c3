/**
 * GET /v1/events (SPEC 7): Server-Sent Events of every scan from attached scanners
 * (`event: scan`) and of scanner state changes (`event: scanner`), a heartbeat comment
 * every `heartbeatMs`, catch-up after Last-Event-ID, a clean end when the client leaves
 * or the service stops. A client that cannot keep up is disconnected, never waited for.
 *
 * `streamEvents` is that stream for any route: the display's stream (display-routes.ts)
 * is the same framing with its own choice of events.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { BusEvent, EventBus, NumberedEvent } from '../events/event-bus.js';

export interface EventsRoutesOptions {
  bus: EventBus;
  heartbeatMs: number;
  /** The open streams (counted by the metrics, ended when the service stops). */
  open: Set<ServerResponse>;
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

/** Takes over the reply and streams bus events as SSE until the client leaves or the service stops. */
export function streamEvents(request: FastifyRequest, reply: FastifyReply, o: StreamOptions): void {
  const { bus, heartbeatMs, open, select = (event) => event } = o;
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
  open.add(res);
  const send = (event: NumberedEvent, live: boolean): void => {
    const out = select(event, live);
    if (out === undefined) return;
    if (res.writableLength > MAX_BACKLOG_BYTES) {
      request.log.warn({ route: request.routeOptions.url, backlog: res.writableLength }, 'event stream client too slow; disconnecting');
      res.destroy();
      return;
    }
    res.write(`id: ${event.id}\nevent: ${out.type}\ndata: ${JSON.stringify(out.data)}\n\n`);
  };
  const lastId = Number(request.headers['last-event-id']);
  if (Number.isSafeInteger(lastId) && lastId >= 0) for (const event of bus.since(lastId)) send(event, false);
  const unsubscribe = bus.subscribe((event) => send(event, true));
  const beat = o.heartbeat === 'event' ? 'event: heartbeat\ndata: {}\n\n' : ': heartbeat\n\n';
  const heartbeat = setInterval(() => res.write(beat), heartbeatMs);
  res.on('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
    open.delete(res);
  });
}

export const eventsRoutes: FastifyPluginAsync<EventsRoutesOptions> = async (app, o) => {
  app.addHook('preClose', async () => {
    for (const res of o.open) res.end(() => res.destroy());
  });

  app.get('/v1/events', { schema: { summary: 'Server-Sent Events of scans and scanner states', tags: ['events'], produces: ['text/event-stream'] } }, async (request, reply) => {
    streamEvents(request, reply, o);
  });
};
