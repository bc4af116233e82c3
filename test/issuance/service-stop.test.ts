/**
 * The issuing service's stop is bounded, as the verifier's is: a request still in flight (a
 * phone on a dying connection whose upload never ends) holds nothing up. The service waits
 * STOP_GRACE_MS for it, then closes the connection, says so in the log, and closes its
 * database. (Before, the stop waited for the request's own timeout, or for ever.)
 */
import { once } from 'node:events';
import { connect } from 'node:net';
import t from 'tap';
import { settlesWithin, STOP_GRACE_MS } from '../../src/stop-grace.js';
import { ADMIN_TOKEN, startIssuer } from '../helpers/issuance.js';
import { until } from '../helpers/until.js';

t.test('a request whose body never comes: closed after the grace, and the stop ends', async (t) => {
  const s = await startIssuer();
  t.teardown(() => s.close());
  const socket = connect(Number(new URL(s.url).port), '127.0.0.1');
  t.teardown(() => socket.destroy());
  let received = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
  const closedByServer = once(socket, 'close');
  await once(socket, 'connect');
  // Ten bytes of a thousand, and then nothing; "100 Continue" says the service holds the request.
  socket.write(`POST /admin/v1/students HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nExpect: 100-continue\r\n\r\n{"given_na`);
  await until(() => received.startsWith('HTTP/1.1 100 Continue'), 5000, 'the request to be in flight');

  const started = Date.now();
  t.ok(await settlesWithin(s.stop(), STOP_GRACE_MS + 3000), 'the stop ends');
  const took = Date.now() - started;
  t.ok(took >= STOP_GRACE_MS - 50, `it waited the grace for the request first (${took} ms)`);
  t.ok(await settlesWithin(closedByServer, 1000), 'the connection closed by the service');
  t.match(s.logs.find((l) => String(l.msg).startsWith('closing connections still open at stop')), { level: 40 }, 'a warning for the operator');
  await t.rejects(async () => s.service.store.counts(), 'the database is closed');
});

t.test('a stop with nothing in flight does not wait', async (t) => {
  const s = await startIssuer();
  t.teardown(() => s.close());
  const res = await fetch(`${s.url}/wallet/zxing_reader.wasm`);
  await res.arrayBuffer();
  const started = Date.now();
  await s.stop();
  t.ok(Date.now() - started < STOP_GRACE_MS, 'no grace to wait out');
  t.notOk(s.logs.some((l) => String(l.msg).startsWith('closing connections')), 'and nothing to warn about');
});
