import t from 'tap';
import { IDX, STATUS_URI, STUDENT } from '../helpers/world.js';
import { readJson, startService, type TestService } from '../helpers/service.js';

let s: TestService;
t.before(async () => {
  s = await startService();
});
t.teardown(() => s.close());

const post = (body: string | Buffer, type?: string) =>
  fetch(`${s.url}/v1/verify`, { method: 'POST', body, headers: type === undefined ? {} : { 'content-type': type } });

t.test('JSON body: 200 with the result', async (t) => {
  const res = await post(JSON.stringify({ payload: s.present() }), 'application/json');
  t.equal(res.status, 200);
  const r = await readJson(res);
  t.equal(r.verdict, 'VALID');
  t.equal(r.valid, true);
  t.equal(r.holder.family_name, STUDENT.family_name);
});

t.test('text/plain body, with a scanner CRLF and charset', async (t) => {
  const res = await post(`${s.present()}\r\n`, 'text/plain; charset=utf-8');
  t.equal(res.status, 200);
  t.equal((await readJson(res)).verdict, 'VALID');
});

t.test('MLEG2: text/plain exactly as scanned (only CR/LF stripped, a trailing space is data), JSON, and a batch of both formats', async (t) => {
  const plain = await readJson(await post(`${s.presentCompact()}\r\n`, 'text/plain'));
  t.equal(plain.verdict, 'VALID', 'text/plain with CRLF');
  t.equal(plain.holder.family_name, STUDENT.family_name);
  t.equal((await readJson(await post(`${s.presentCompact()} `, 'text/plain'))).verdict, 'MALFORMED', 'a trailing space reaches the verifier (Fastify\'s text parser does not trim)');
  t.equal((await readJson(await post(` ${s.presentCompact()}`, 'text/plain'))).verdict, 'MALFORMED', 'so does a leading one');
  t.equal((await readJson(await post(JSON.stringify({ payload: s.presentCompact() }), 'application/json'))).verdict, 'VALID', 'JSON');
  const once = s.presentCompact();
  const batch = await fetch(`${s.url}/v1/verify/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ payloads: [s.present(), once, once, s.presentCompact({ status: { uri: STATUS_URI, idx: IDX.revoked } })] }) });
  t.same((await readJson(batch)).results.map((r: { verdict: string }) => r.verdict), ['VALID', 'VALID', 'REPLAYED', 'REVOKED']);
});

t.test('200 whatever the verdict, with unverified data null', async (t) => {
  const revoked = await readJson(await post(s.present(s.credential({ status: { uri: STATUS_URI, idx: IDX.revoked } })), 'text/plain'));
  t.equal(revoked.verdict, 'REVOKED');
  t.equal(revoked.valid, false);
  const malformed = await post(JSON.stringify({ payload: 'hello' }), 'application/json');
  t.equal(malformed.status, 200);
  t.match(await readJson(malformed), { verdict: 'MALFORMED', valid: false, credential: null, holder: null, presented_at: null });
});

t.test('400 when the body has no payload string', async (t) => {
  for (const body of ['{}', '{"payload": 5}', '{"payload": null}', '{"payload": ["MLEG1:"]}', '[]', '"MLEG1:abc"', '{"pay": "MLEG1:"}']) {
    const res = await post(body, 'application/json');
    t.equal(res.status, 400, body);
    const answer = await readJson(res);
    t.match(answer.error, /^BODY_(INVALID|MISSING)$/);
    t.type(answer.message, 'string');
  }
  t.equal((await post('{not json', 'application/json')).status, 400, 'invalid JSON');
  t.equal((await post('', 'application/json')).status, 400, 'empty JSON body');
  t.equal((await post('', 'text/plain')).status, 400, 'empty text body');
});

t.test('an empty body answers 400 on every route that takes one, with or without a content type (never 500)', async (t) => {
  const routes = ['/v1/verify', '/v1/verify/batch', '/v1/verify/image', '/v1/decode'];
  for (const path of routes) {
    for (const type of [undefined, 'application/json', 'text/plain', 'image/png']) {
      const res = await fetch(`${s.url}${path}`, { method: 'POST', ...(type === undefined ? {} : { headers: { 'content-type': type } }) });
      const answer = await readJson(res);
      t.ok(res.status === 400 || res.status === 415, `${path} ${type ?? 'without a content type'}: ${res.status}`);
      t.match(answer, { error: /^[A-Z_]+$/, message: String }, `${path} ${type ?? 'without a content type'}: a code and a reason`);
    }
  }
  const bare = await fetch(`${s.url}/v1/verify`, { method: 'POST' });
  t.equal(bare.status, 400, 'POST /v1/verify with nothing at all (curl -X POST)');
  t.match(await readJson(bare), { error: 'BODY_MISSING', message: /no payload/ });
  t.equal((await fetch(`${s.url}/healthz`)).status, 200, 'and the service goes on');
});

t.test('413 over 16 KiB, including a 10 MB body; the service keeps answering', async (t) => {
  t.equal((await post('A'.repeat(16 * 1024 + 1), 'text/plain')).status, 413);
  t.equal((await post(JSON.stringify({ payload: 'A'.repeat(17000) }), 'application/json')).status, 413);
  const big = await post(Buffer.alloc(10 * 1024 * 1024, 0x41), 'text/plain');
  t.equal(big.status, 413);
  t.match(await readJson(big), { error: 'BODY_TOO_LARGE', message: /too large/ });
  t.equal((await post('A'.repeat(16 * 1024), 'text/plain')).status, 200, 'exactly 16 KiB is accepted');
  t.equal((await fetch(`${s.url}/healthz`)).status, 200);
});

t.test('415 for other content types', async (t) => {
  for (const type of ['application/xml', 'application/x-www-form-urlencoded', 'image/png', 'multipart/form-data; boundary=x']) {
    const res = await post('payload=MLEG1:x', type);
    t.equal(res.status, 415, type);
    t.match(await readJson(res), { error: 'UNSUPPORTED_MEDIA_TYPE' });
  }
});

t.test('health and readiness', async (t) => {
  t.same(await readJson(await fetch(`${s.url}/healthz`)), { status: 'ok' });
  t.equal((await fetch(`${s.url}/readyz`)).status, 200);
  let ready = false;
  const starting = await startService({ ready: () => ready });
  t.teardown(() => starting.close());
  t.equal((await fetch(`${starting.url}/readyz`)).status, 503, '503 before ready');
  ready = true;
  t.equal((await fetch(`${starting.url}/readyz`)).status, 200);
});

t.test('unknown routes and errors answer without internals', async (t) => {
  const res = await fetch(`${s.url}/v2/nothing`);
  t.equal(res.status, 404);
  const text = await res.text();
  t.notMatch(text, /at .*\.(ts|js):\d+/, 'no stack trace');
  t.notMatch(text, /\/work\/|node_modules/, 'no internal paths');
  t.same(JSON.parse(text), { error: 'NOT_FOUND', message: 'no such route' }, 'the requested path is not echoed');
  const probe = await fetch(`${s.url}/v1/%3Cscript%3Ealert(1)%3C%2Fscript%3E`);
  t.notMatch(await probe.text(), /script/, 'nothing the client sent comes back');
});

t.test('one log line per request with the verdict, and no personal data', async (t) => {
  await post(s.present(), 'text/plain');
  const line = s.logs.filter((l) => l.msg === 'request' && l.route === '/v1/verify').at(-1);
  t.match(line, { method: 'POST', route: '/v1/verify', status: 200, verdict: 'VALID' });
  t.type(line?.ms, 'number');
  const all = JSON.stringify(s.logs);
  for (const secret of [STUDENT.given_name, STUDENT.family_name, STUDENT.birthdate, STUDENT.doc_no]) {
    t.notOk(all.includes(secret), `no ${secret} in the logs`);
  }
  t.notMatch(all, /MLEG1:[A-Za-z0-9_-]/, 'no payload in the logs');
  t.notMatch(all, /MLEG2:[0-9A-Z]/, 'no MLEG2 payload either');
});
