/**
 * SPEC 7's life-cycle rule, for the verifier's and the issuing service's apps alike: a
 * request whose body has not arrived whole within `ms` is answered 408 with a coded body and
 * its connection closed, at once (a hook: Node's own `requestTimeout` is checked only every
 * `connectionsCheckingInterval`). Headers that do not arrive whole within `ms` get Node's 408
 * (headersTimeout, checked every second here instead of every 30 s); Node's requestTimeout
 * stays as a backstop a little later.
 */
import type { FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify';

/** The Fastify server options of the header bound and the backstop. */
export function requestTimeOptions(ms: number): Pick<FastifyServerOptions, 'requestTimeout'> & { http: { headersTimeout: number; connectionsCheckingInterval: number } } {
  return { requestTimeout: ms + 5000, http: { headersTimeout: ms, connectionsCheckingInterval: 1000 } };
}

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
