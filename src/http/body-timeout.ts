/**
 * SPEC 7's life-cycle rule as Fastify hooks: a request whose body has not arrived whole
 * within `ms` is answered 408 and its connection closed, at once (Node's own
 * `requestTimeout` is only checked every 30 s, and a slow sender held a connection for 90 s).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';

export function limitBodyTime(app: FastifyInstance, ms: number, answer: (reply: FastifyReply) => void): void {
  const timers = new WeakMap<object, NodeJS.Timeout>();
  app.addHook('preParsing', (request, reply, payload, done) => {
    timers.set(
      request,
      setTimeout(() => {
        if (reply.sent) return;
        request.log.info({ route: request.routeOptions.url, ms }, 'request body too slow: 408');
        reply.raw.once('finish', () => request.raw.socket?.destroy());
        reply.header('connection', 'close');
        answer(reply.code(408));
      }, ms).unref(),
    );
    done(null, payload);
  });
  const clear = (request: object) => {
    clearTimeout(timers.get(request));
    timers.delete(request);
  };
  app.addHook('preValidation', (request, _reply, done) => {
    clear(request);
    done();
  });
  app.addHook('onResponse', (request, _reply, done) => {
    clear(request);
    done();
  });
}
