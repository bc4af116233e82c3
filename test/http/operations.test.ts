import t from 'tap';
import { makeResult } from '../../src/verify/result.js';
import { readJson, startService } from '../helpers/service.js';
import { IDX, STATUS_URI } from '../helpers/world.js';

/** Prometheus text → sample name with sorted labels → value. */
function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (m === null) throw new Error(`not a Prometheus sample line: ${line}`);
    samples.set(`${m[1]}${m[2] ?? ''}`, Number(m[3]));
  }
  return samples;
}

t.test('/metrics after known traffic', async (t) => {
  // One thread: the credential cache counts below are exact (test/pool/ sums them over threads).
  const s = await startService({ config: { workers: 1 } });
  t.teardown(() => s.close());
  const verify = (payload: string) => fetch(`${s.url}/v1/verify`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: payload });
  const cred = s.credential();
  await verify(s.present(cred));
  await verify(s.present(cred));
  const replayed = s.present(cred);
  await verify(replayed);
  await verify(replayed);
  await verify('MLEG1:nope');
  await fetch(`${s.url}/v1/verify/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ payloads: [s.present(s.credential({ status: { uri: STATUS_URI, idx: IDX.revoked } })), 'x'] }) });
  await s.verifier.verify(s.present(), 'gate-7');

  const res = await fetch(`${s.url}/metrics`);
  t.equal(res.status, 200);
  t.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const m = parseMetrics(await res.text());
  t.equal(m.get('mleg_verifications_total{verdict="VALID",source="http"}'), 3);
  t.equal(m.get('mleg_verifications_total{verdict="REPLAYED",source="http"}'), 1);
  t.equal(m.get('mleg_verifications_total{verdict="MALFORMED",source="http"}'), 1);
  t.equal(m.get('mleg_verifications_total{verdict="REVOKED",source="batch"}'), 1);
  t.equal(m.get('mleg_verifications_total{verdict="MALFORMED",source="batch"}'), 1);
  t.equal(m.get('mleg_verifications_total{verdict="VALID",source="gate-7"}'), 1, 'a scanner id is a source');
  t.equal(m.get('mleg_verify_duration_seconds_count{source="http"}'), 5);
  t.equal(m.get('mleg_http_request_duration_seconds_count{method="POST",route="/v1/verify",status="200"}'), 5);
  t.equal(m.get('mleg_http_request_duration_seconds_count{method="POST",route="/v1/verify/batch",status="200"}'), 1);
  // Credentials: cred (1 miss, 3 hits), "nope" (a MALFORMED outcome is cached too), the revoked one, the scanner's.
  t.equal(m.get('mleg_credential_cache_lookups{outcome="miss"}'), 4, 'four distinct credentials');
  t.equal(m.get('mleg_credential_cache_lookups{outcome="hit"}'), 3);
  t.equal(m.get('mleg_credential_cache_hit_ratio'), 3 / 7);
  t.equal(m.get('mleg_replay_store_entries'), 4);
  t.equal(m.get(`mleg_status_list_entries{uri="${STATUS_URI}"}`), 64);
  t.equal(m.get(`mleg_status_list_usable{uri="${STATUS_URI}"}`), 1);
  t.equal(m.get(`mleg_status_list_last_fetch_ok{uri="${STATUS_URI}"}`), 1);
  const age = m.get(`mleg_status_list_age_seconds{uri="${STATUS_URI}"}`)!;
  t.ok(age >= 60 && age < 120, `status list age ${age} s`);
  t.equal(m.get('mleg_trust_list_keys'), 1);
  t.ok(m.has('mleg_process_resident_memory_bytes'), 'process metrics too');
});

t.test('/v1/state: trust list, status lists, scanners — and no internal paths', async (t) => {
  const s = await startService();
  t.teardown(() => s.close());
  s.service.scanners = () => [{ id: 'gate-1', type: 'serial', lane: 'lane-1', state: 'connected', detail: null, since: new Date().toISOString(), scans: 3 }];
  const res = await fetch(`${s.url}/v1/state`);
  t.equal(res.status, 200);
  const state = await readJson(res);
  t.match(state.service, { ready: true, version: /^\d+\.\d+\.\d+/ });
  t.match(state.trust.keys, [{ kid: 'issuer-1', iss: 'PL-TEST', alg: 'ES256', name: null }]);
  t.match(state.status_lists, [{ uri: STATUS_URI, iss: 'PL-TEST', bits: 2, entries: 64, usable: true, why_not: null, last_fetch: { ok: true } }]);
  t.type(state.status_lists[0].next_refresh, 'string');
  t.match(state.scanners, [{ id: 'gate-1', state: 'connected', scans: 3 }]);
  t.notMatch(JSON.stringify(state), new RegExp(s.dir.replaceAll('/', '\\/')), 'no file paths');
});

t.test('/openapi.json is generated from the route schemas', async (t) => {
  const s = await startService({ config: { admin: { token: 'a-long-enough-admin-token' } } });
  t.teardown(() => s.close());
  const doc = await readJson(await fetch(`${s.url}/openapi.json`));
  t.equal(doc.openapi, '3.0.3');
  for (const path of ['/v1/verify', '/v1/verify/batch', '/v1/events', '/v1/state', '/metrics', '/healthz', '/readyz', '/v1/admin/refresh']) {
    t.ok(doc.paths[path], `documents ${path}`);
  }
  t.notOk(doc.paths['/openapi.json'], 'not itself');
  const verify = doc.paths['/v1/verify'].post;
  t.ok(verify.requestBody.content['application/json'], 'JSON body');
  t.ok(verify.requestBody.content['text/plain'], 'text body');
  t.ok(verify.responses['200'] && verify.responses['413'] && verify.responses['415']);
  t.equal(verify.responses['200'].content['application/json'].schema.$ref, '#/components/schemas/result');
  const result = doc.components.schemas.result;
  t.same(Object.keys(result.properties).sort(), ['checked_at', 'credential', 'first_accepted_at', 'holder', 'presented_at', 'reason', 'replay', 'status', 'valid', 'verdict']);
  t.same(result.properties.replay.required, ['shared'], 'every result says where its replay decision was taken (SPEC 9)');
  t.same(result.properties.verdict.enum.length, 13, 'the thirteen verdicts');
  t.match(JSON.stringify(doc.paths['/v1/verify/batch'].post.requestBody), /"maxItems":1000/);
  t.same(doc.paths['/v1/admin/refresh'].post.security, [{ adminToken: [] }]);
});

t.test('a scan event carries the scanner and the result; metrics count open streams', async (t) => {
  const s = await startService();
  t.teardown(() => s.close());
  const { SseClient } = await import('../helpers/sse.js');
  const client = await SseClient.open(`${s.url}/v1/events`);
  await client.until((c) => c.comments.includes('connected'));
  const m = parseMetrics(await (await fetch(`${s.url}/metrics`)).text());
  t.equal(m.get('mleg_event_stream_clients'), 1);
  s.bus.publish({ type: 'scan', data: { scanner: 'gate-2', result: makeResult('VALID', 'valid', Date.now()) } });
  await client.until((c) => c.events.length === 1);
  client.close();
});
