import { connect } from 'node:net';
import t from 'tap';
import { parseConfig } from '../../src/config/config.js';
import { readJson, startService } from '../helpers/service.js';

const verify = (url: string, payload: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/v1/verify`, { method: 'POST', headers: { 'content-type': 'text/plain', ...headers }, body: payload });

t.test('security headers on every answer, errors included', async (t) => {
  const s = await startService();
  t.teardown(() => s.close());
  const answers = [
    await verify(s.url, s.present()),
    await fetch(`${s.url}/healthz`),
    await fetch(`${s.url}/nothing`),
    await verify(s.url, ''),
    await fetch(`${s.url}/v1/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ payload: 'A'.repeat(2 << 20) }) }),
    await fetch(`${s.url}/v1/verify`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<payload/>' }),
  ];
  t.same(answers.map((r) => r.status), [200, 200, 404, 400, 413, 415]);
  for (const res of answers) {
    t.equal(res.headers.get('x-content-type-options'), 'nosniff');
    t.equal(res.headers.get('x-frame-options'), 'DENY');
    t.equal(res.headers.get('referrer-policy'), 'no-referrer');
    t.match(res.headers.get('content-security-policy'), /default-src 'none'/);
    t.equal(res.headers.get('cache-control'), 'no-store', 'results hold personal data: never cached');
  }
});

t.test('listens on 127.0.0.1 by default', async (t) => {
  t.equal(parseConfig({ trust: { file: 'x' } }, 'c', '/').http.host, '127.0.0.1');
});

t.test('CORS is off unless explicit origins are configured', async (t) => {
  const closed = await startService();
  t.teardown(() => closed.close());
  const res = await verify(closed.url, closed.present(), { origin: 'https://till.example.pl' });
  t.equal(res.headers.get('access-control-allow-origin'), null);

  const open = await startService({ config: { http: { host: '127.0.0.1', port: 0, cors: { origins: ['https://till.example.pl'] } } } });
  t.teardown(() => open.close());
  const allowed = await verify(open.url, open.present(), { origin: 'https://till.example.pl' });
  t.equal(allowed.headers.get('access-control-allow-origin'), 'https://till.example.pl');
  const other = await verify(open.url, open.present(), { origin: 'https://evil.example' });
  t.equal(other.headers.get('access-control-allow-origin'), null, 'another origin is not allowed');
  const preflight = await fetch(`${open.url}/v1/verify`, { method: 'OPTIONS', headers: { origin: 'https://till.example.pl', 'access-control-request-method': 'POST' } });
  t.ok(preflight.status === 204 || preflight.status === 200, 'preflight answered');
  t.throws(() => parseConfig({ trust: { file: 'x' }, http: { cors: { origins: ['*'] } } }, 'c.json', '/'), { message: /"http\.cors\.origins\[0\]" must be an origin/ }, 'no wildcard');
});

t.test('rate limit: off on loopback by default, on when configured, with a reason', async (t) => {
  const loopback = await startService({ config: { http: { host: '127.0.0.1', port: 0, rateLimit: { perMinute: 3 } } } });
  t.teardown(() => loopback.close());
  const statuses = [];
  for (let i = 0; i < 6; i++) statuses.push((await verify(loopback.url, 'MLEG1:x')).status);
  t.same(statuses, [200, 200, 200, 200, 200, 200], 'auto: off on loopback');

  const limited = await startService({ config: { http: { host: '127.0.0.1', port: 0, rateLimit: { mode: 'on', perMinute: 3 } } } });
  t.teardown(() => limited.close());
  const seen = [];
  for (let i = 0; i < 4; i++) seen.push(await verify(limited.url, 'MLEG1:x'));
  t.same(seen.map((r) => r.status), [200, 200, 200, 429]);
  t.match(await readJson(seen[3]!), { error: 'RATE_LIMITED', message: /more than 3 requests a minute/ });
  t.ok(seen[3]!.headers.get('retry-after'), 'says when to retry');
  t.equal((await fetch(`${limited.url}/healthz`)).status, 200, 'health checks are never limited');
});

t.test('a crash in one request answers 500 without internals, and the service goes on', async (t) => {
  const s = await startService();
  t.teardown(() => s.close());
  const real = s.verifier.verify.bind(s.verifier);
  s.verifier.verify = () => {
    throw new Error(`boom at ${s.dir}/secret.ts:12`);
  };
  const res = await verify(s.url, s.present());
  t.equal(res.status, 500);
  const text = await res.text();
  t.same(JSON.parse(text), { error: 'INTERNAL', message: 'the request could not be completed' });
  t.notMatch(text, /boom|secret|\.ts/, 'nothing of the error leaks');
  t.ok(s.logs.some((l) => l.msg === 'request failed'), 'the operator gets the error in the log');
  s.verifier.verify = real;
  t.equal((await readJson(await verify(s.url, s.present()))).verdict, 'VALID', 'the next request is served');
});

/** Sends `text` on a raw connection and resolves with everything the server wrote and how long until it closed. */
function rawExchange(port: number, text: string): Promise<{ reply: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (reply += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve({ reply, ms: Date.now() - started }));
    socket.write(text);
  });
}

t.test('a body or headers that never arrive whole: 408 and closed (SPEC 7: 10 s by default)', async (t) => {
  const s = await startService({ config: { http: { host: '127.0.0.1', port: 0, requestTimeoutMs: 1000 } } });
  t.teardown(() => s.close());
  const port = Number(new URL(s.url).port);
  const body = await rawExchange(port, 'POST /v1/verify HTTP/1.1\r\nHost: mleg\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\nMLEG1:');
  t.match(body.reply, /^HTTP\/1\.1 408 /, 'a body that stalls: 408…');
  t.match(body.reply, /"error":"BODY_TIMEOUT"/, '…with its code');
  t.ok(body.ms >= 900 && body.ms < 4000, `closed after ${body.ms} ms`);
  const headers = await rawExchange(port, 'POST /v1/verify HTTP/1.1\r\nHost: mleg\r\nContent-Ty');
  t.match(headers.reply, /^HTTP\/1\.1 408 /, 'headers that stall: 408');
  t.ok(headers.ms < 4000, `closed after ${headers.ms} ms`);
  t.equal((await fetch(`${s.url}/healthz`)).status, 200, 'and the service goes on');

  const defaults = await startService();
  t.teardown(() => defaults.close());
  t.equal(defaults.app.server.headersTimeout, 10_000, 'by default headers have 10 s to arrive (the body\'s 10 s is a hook: the test above)');
  t.equal(defaults.app.server.requestTimeout, 15_000, 'and Node\'s own bound stays behind as a backstop');
});
