/** Configuration defaults, the rate limits, metrics after known traffic, health and security headers. */
import { connect } from 'node:net';
import t from 'tap';
import { parseIssuanceConfig } from '../../src/issuance/config.js';
import { accessTokenFor, credentialRequest, json, keyProof, makeOffer, nonce, redeem, registerStudent, startIssuer } from '../helpers/issuance.js';
import { makeDevice } from '../helpers/world.js';

t.test('configuration: SPEC 10 defaults; the database in the issuer folder; the URL an origin', async (t) => {
  const c = parseIssuanceConfig({ issuer: { url: 'https://Legitymacje.Szkola.example', dir: 'school' } }, 'test.json', '/etc/mleg');
  t.same(c.http, { host: '127.0.0.1', port: 8090, trustProxy: false, rateLimit: { mode: 'auto', perMinute: 600, tokenPerMinute: 30 } });
  t.same(c.issuer, { url: 'https://legitymacje.szkola.example', dir: '/etc/mleg/school' });
  t.equal(c.database.file, '/etc/mleg/school/issuer.db');
  t.same(c.activation, { offerTtlSeconds: 1209600, maxAttempts: 5, accessTokenTtlSeconds: 300, txCodeDescription: c.activation.txCodeDescription });
  t.ok(c.activation.txCodeDescription.length <= 300);
  t.same(c.status, { ttlSeconds: 3600, listSize: 100000, cacheSeconds: 60 });
  t.same(c.admin, { token: null, tokenFile: null });
  t.equal(parseIssuanceConfig({ issuer: { url: 'http://localhost:8090', dir: '.' }, database: { file: 'data/x.db' } }, 't', '/srv').database.file, '/srv/data/x.db');
  for (const [url, why] of [
    ['ftp://x.example', /https URL/],
    ['https://x.example/', /origin/],
    ['https://x.example?a=1', /query/],
    ['https://user:pw@x.example', /user name/],
    ['not a url', /must be a URL/],
  ] as const) {
    t.throws(() => parseIssuanceConfig({ issuer: { url, dir: '.' } }, 't', '/'), { code: 'CONFIG_INVALID', message: why }, url);
  }
  t.throws(() => parseIssuanceConfig({ issuer: { url: 'https://x.example', dir: '.' }, admin: { token: 'a'.repeat(20), tokenFile: 'f' } }, 't', '/'), { message: /not both/ });
});

t.test('per-client rate limits: the token endpoint more tightly; OAuth-shaped 429s; health never limited', async (t) => {
  const s = await startIssuer({ config: { http: { rateLimit: { mode: 'on', perMinute: 40, tokenPerMinute: 3 } } } });
  t.teardown(() => s.close());
  const offer = await makeOffer(s, await registerStudent(s));
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) statuses.push((await redeem(s, offer.code, '00000000')).status);
  t.same(statuses, [400, 400, 400, 429], 'the fourth token request in a minute is refused');
  const limited = await redeem(s, offer.code, offer.tx_code);
  t.equal(limited.status, 429);
  t.match(await json(limited), { error: 'RATE_LIMITED', error_description: /more than 3 requests a minute from this client; try again in/ });
  t.ok(limited.headers.get('retry-after'), 'with Retry-After');
  t.equal((await fetch(`${s.url}/nonce`, { method: 'POST' })).status, 200, 'the other routes have their own, wider limit');
  const many = await Promise.all(Array.from({ length: 45 }, () => fetch(`${s.url}/.well-known/openid-credential-issuer`)));
  t.ok(many.some((r) => r.status === 429), 'the wider limit too');
  const limitedAdmin = await s.admin('GET', '/students');
  t.equal(limitedAdmin.status, 429);
  t.match(await json(limitedAdmin), { error: 'RATE_LIMITED', message: /requests a minute/ });
  t.equal((await fetch(`${s.url}/healthz`)).status, 200, 'health checks are never limited');
  t.equal((await fetch(`${s.url}/readyz`)).status, 200);
});

t.test('metrics after known traffic; health; security headers on every answer', async (t) => {
  const s = await startIssuer();
  t.teardown(() => s.close());
  const a = await registerStudent(s);
  const b = await registerStudent(s);
  await registerStudent(s);
  const offer = await makeOffer(s, a);
  await redeem(s, offer.code, offer.tx_code === '00000000' ? '00000001' : '00000000');
  const token = await accessTokenFor(s, offer);
  await credentialRequest(s, token, { credential_configuration_id: offer.configuration_id, proofs: { jwt: [keyProof(makeDevice(), s.url, 'bad-nonce')] } });
  await credentialRequest(s, token, { credential_configuration_id: offer.configuration_id, proofs: { jwt: [keyProof(makeDevice(), s.url, await nonce(s))] } });
  const second = await makeOffer(s, a);
  await credentialRequest(s, await accessTokenFor(s, second), { credential_configuration_id: second.configuration_id, proofs: { jwt: [keyProof(makeDevice(), s.url, await nonce(s))] } });
  await makeOffer(s, b);
  await s.admin('POST', `/students/${a}/suspend`);

  const res = await fetch(`${s.url}/metrics`);
  t.equal(res.status, 200);
  const text = await res.text();
  const metric = (line: string) => Number(new RegExp(`^${line.replace(/[{}"]/g, (c) => `\\${c}`)} (\\S+)$`, 'm').exec(text)?.[1]);
  t.equal(metric('mleg_issuer_token_requests_total{outcome="issued"}'), 2);
  t.equal(metric('mleg_issuer_token_requests_total{outcome="wrong_tx_code"}'), 1);
  t.equal(metric('mleg_issuer_credential_requests_total{outcome="issued",configuration="mlegitymacja_szkolna"}'), 2);
  t.equal(metric('mleg_issuer_credential_requests_total{outcome="invalid_nonce",configuration=""}'), 1);
  t.equal(metric('mleg_issuer_credentials_replaced_total'), 1);
  t.equal(metric('mleg_issuer_status_changes_total{change="suspend"}'), 1);
  t.equal(metric('mleg_issuer_students{state="suspended"}'), 1);
  t.equal(metric('mleg_issuer_students{state="offered"}'), 1);
  t.equal(metric('mleg_issuer_students{state="registered"}'), 1);
  t.equal(metric('mleg_issuer_credentials{status="suspended"}'), 1);
  t.equal(metric('mleg_issuer_credentials{status="revoked"}'), 1);
  t.equal(metric('mleg_issuer_status_list_entries_used{list="1"}'), 2);
  t.equal(metric('mleg_issuer_status_list_size{list="1"}'), 100000);
  t.ok(/^mleg_issuer_http_request_duration_seconds_count\{method="POST",route="\/token",status="200"\} 2$/m.test(text));
  t.ok(text.includes('mleg_issuer_process_resident_memory_bytes'), 'process metrics');
  t.notMatch(text, /Kunegunda|Wydawnicza|WYD\/77/, 'nothing personal');

  t.same(await json(await fetch(`${s.url}/healthz`)), { status: 'ok' });
  t.same(await json(await fetch(`${s.url}/readyz`)), { status: 'ready' });
  for (const path of ['/healthz', '/status/1', '/token', '/admin/v1/students', '/nowhere']) {
    const r = await fetch(`${s.url}${path}`, { method: path === '/token' ? 'POST' : 'GET' });
    t.equal(r.headers.get('x-content-type-options'), 'nosniff', path);
    t.equal(r.headers.get('x-frame-options'), 'DENY', path);
    t.equal(r.headers.get('referrer-policy'), 'no-referrer', path);
    t.match(r.headers.get('content-security-policy'), /default-src 'none'/, path);
  }
});

t.test('a request whose body has not arrived within 10 s is answered 408 and closed; the service goes on', async (t) => {
  const s = await startIssuer();
  t.teardown(() => s.close());
  const socket = connect(s.port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write('POST /token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ngrant_type=');
  const started = Date.now();
  let answer = '';
  socket.setEncoding('utf8').on('data', (c: string) => (answer += c));
  await new Promise((resolve) => socket.once('close', resolve));
  const waited = Date.now() - started;
  t.match(answer, /^HTTP\/1\.1 408 /);
  t.match(answer, /\{"error":"invalid_request","error_description":"the request body did not arrive whole within 10 s"\}$/, 'an OAuth route answers OAuth-style');
  t.ok(waited >= 9_500 && waited < 15_000, `closed after ${waited} ms`);
  t.equal((await fetch(`${s.url}/healthz`)).status, 200);
});
