/**
 * GET /v1/events (SPEC 7): Server-Sent Events of every scan from attached scanners
 * (`event: scan`) and of scanner state changes (`event: scanner`), a heartbeat comment
 * every `heartbeatMs`, catch-up after Last-Event-ID, a clean end when the client leaves
 * or the service stops. A client that cannot keep up is disconnected, never waited for.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { EventBus, NumberedEvent } from '../events/event-bus.js';

export interface EventsRoutesOptions {
  bus: EventBus;
  heartbeatMs: number;
  /** The open streams (counted by the metrics, ended when the service stops). */
  open: Set<ServerResponse>;
}

/** Unsent bytes a client may fall behind by before it is dropped. */
const MAX_BACKLOG_BYTES = 1024 * 1024;

export const eventsRoutes: FastifyPluginAsync<EventsRoutesOptions> = async (app, { bus, heartbeatMs, open }) => {
  app.addHook('preClose', async () => {
    for (const res of open) res.end(() => res.destroy());
  });

  app.get('/v1/events', { schema: { summary: 'Server-Sent Events of scans and scanner states', tags: ['events'], produces: ['text/event-stream'] } }, async (request, reply) => {
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
    const send = (event: NumberedEvent): void => {
      if (res.writableLength > MAX_BACKLOG_BYTES) {
        request.log.warn({ route: '/v1/events', backlog: res.writableLength }, 'event stream client too slow; disconnecting');
        res.destroy();
        return;
      }
      res.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
    };
    const lastId = Number(request.headers['last-event-id']);
    if (Number.isSafeInteger(lastId) && lastId >= 0) for (const event of bus.since(lastId)) send(event);
    const unsubscribe = bus.subscribe(send);
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
    res.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      open.delete(res);
    });
  });
};
