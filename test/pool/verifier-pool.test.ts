/**
 * `workers: N` (mleg serve --workers N): verifications on threads, through the real
 * service over HTTP. Replay stays exact across threads, status lists are fetched once
 * and reach every thread, the trust list follows changes, batches keep their order, a
 * lost thread loses no answer.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { trustListEntry } from '../../src/issuer/keys.js';
import { WINDOW_MS } from '../../src/pool/inline-rule.js';
import { signStatusList } from '../../src/issuer/status-list.js';
import { readJson, startService, type TestService } from '../helpers/service.js';
import { siteStatusList } from '../helpers/site.js';
import { StatusServer } from '../helpers/status-server.js';
import { IDX, makeIssuer } from '../helpers/world.js';

async function post(s: TestService, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${s.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  t.equal(res.status, 200, `${path} answers 200`);
  return readJson(res);
}

const verdict = async (s: TestService, payload: string): Promise<string> => ((await post(s, '/v1/verify', { payload })) as { verdict: string }).verdict;

async function perThread(s: TestService): Promise<{ verified: number; restarts: number }[]> {
  const state = await readJson(await fetch(`${s.url}/v1/state`));
  return state.verifier.per_thread;
}

async function verifiedOnMain(s: TestService): Promise<number> {
  return (await readJson(await fetch(`${s.url}/v1/state`))).verifier.verified_on_main_thread;
}

t.test('two threads: a presentation is accepted once, whichever thread sees it', async (t) => {
  const s = await startService({ config: { workers: 2 } });
  t.teardown(() => s.close());
  t.equal(s.verifier.pool?.size, 2, 'two verifier threads');
  const credential = s.credential();
  // Each payload sent 6 times at once: concurrent requests go to the thread with the fewest jobs, so both threads see copies
  // (the first may be verified on the main thread, if it finds the threads idle).
  const payloads = Array.from({ length: 10 }, () => s.present(credential));
  const verdicts = await Promise.all(payloads.flatMap((p) => Array.from({ length: 6 }, () => verdict(s, p))));
  const count = (v: string) => verdicts.filter((x) => x === v).length;
  t.equal(count('VALID'), 10, 'each presentation VALID exactly once');
  t.equal(count('REPLAYED'), 50, 'every other copy REPLAYED');
  const threads = await perThread(s);
  const onMain = await verifiedOnMain(s);
  t.equal(threads.length, 2);
  t.ok(threads.every((th) => th.verified > 0), `both threads verified (${threads.map((th) => th.verified).join(' + ')})`);
  t.equal(threads.reduce((n, th) => n + th.verified, onMain), 60, 'every verification counted once');
  // One at a time on one connection, as at a till, once the burst's other connections are quiet: on the main thread,
  // replay memory the same.
  const p = s.present(credential);
  const alone = async (payload: string) => {
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
    return verdict(s, payload);
  };
  t.equal(await alone(p), 'VALID');
  t.equal(await alone(p), 'REPLAYED');
  t.equal(await alone(p), 'REPLAYED');
  t.equal(await verifiedOnMain(s), onMain + 3, 'a lone request is verified on the main thread');
  t.same((await perThread(s)).map((th) => th.verified), threads.map((th) => th.verified), 'not on a thread');
  // Accepted on a thread, then shown alone: REPLAYED on the main thread.
  t.same(await Promise.all(Array.from({ length: 6 }, () => verdict(s, s.present(credential)))), Array(6).fill('VALID'));
  const beforeAlone = await verifiedOnMain(s);
  t.equal(await alone(payloads[9]!), 'REPLAYED');
  t.equal(await verifiedOnMain(s), beforeAlone + 1, 'on the main thread');
  // The credential caches of the threads and the main thread, summed in /metrics: the credential new to each once.
  const metrics = await (await fetch(`${s.url}/metrics`)).text();
  const sample = (name: string) => Number(new RegExp(`^${name.replace(/[{}"]/g, (c) => `\\${c}`)} (\\S+)$`, 'm').exec(metrics)?.[1]);
  t.equal(sample('mleg_credential_cache_lookups{outcome="miss"}'), 3, 'one miss per thread and one on the main thread');
  t.equal(sample('mleg_credential_cache_lookups{outcome="hit"}'), 70 - 3);
  t.equal(sample('mleg_credential_cache_entries'), 3);
});

t.test('a batch split over the threads keeps its order for replay', async (t) => {
  const s = await startService({ config: { workers: 2 } });
  t.teardown(() => s.close());
  const credential = s.credential();
  const payloads = Array.from({ length: 40 }, () => s.present(credential));
  payloads[35] = payloads[2]!; // a repeat in the second half: the other thread's chunk
  payloads[36] = 'garbage';
  const { results } = (await post(s, '/v1/verify/batch', { payloads })) as { results: { verdict: string }[] };
  t.equal(results.length, 40);
  t.equal(results[2]!.verdict, 'VALID', 'the first copy is VALID');
  t.equal(results[35]!.verdict, 'REPLAYED', 'the later copy REPLAYED, though another thread verified it');
  t.equal(results[36]!.verdict, 'MALFORMED', 'each result in its own place');
  t.equal(results.filter((r) => r.verdict === 'VALID').length, 38);
  const threads = await perThread(s);
  t.ok(threads.every((th) => th.verified >= 15), 'both threads took part of the batch');
});

t.test('a status list is fetched once for all threads, and its changes reach every thread', async (t) => {
  const server = await StatusServer.start();
  t.teardown(() => server.close());
  let token = '';
  const s = await startService({ config: { workers: 2, status: { allowHttp: true, fetchTimeoutMs: 2000 } } });
  t.teardown(() => s.close());
  const uri = server.token('/list', () => token);
  token = siteStatusList(s.issuer, uri);
  const at = (idx: number) => s.credential({ status: { uri, idx } });
  const valid = at(IDX.valid);
  const revoked = at(IDX.revoked);
  // 20 first verifications at once, over both threads: one fetch.
  const first = await Promise.all(Array.from({ length: 20 }, (_, i) => verdict(s, s.present(i % 2 === 0 ? valid : revoked))));
  t.same(new Set(first), new Set(['VALID', 'REVOKED']));
  t.equal(first.filter((v) => v === 'REVOKED').length, 10);
  t.equal(server.hits.get('/list'), 1, 'fetched once, not once per thread');
  t.ok((await perThread(s)).every((th) => th.verified > 0), 'both threads verified');

  // The issuer revokes index 0; an operator refresh: every thread answers from the new list.
  const statuses = new Uint8Array(64);
  statuses[IDX.valid] = 1;
  token = signStatusList(s.issuer, { uri, bits: 2, statuses, iat: Math.floor(Date.now() / 1000) });
  await s.verifier.status.refresh(uri);
  t.equal(server.hits.get('/list'), 2, 'refreshed once');
  const after = await Promise.all(Array.from({ length: 12 }, () => verdict(s, s.present(valid))));
  t.same(after, Array(12).fill('REVOKED'), 'no thread answers from the old list');
});

t.test('a trust list change reaches every thread', async (t) => {
  const s = await startService({ config: { workers: 2 } });
  t.teardown(() => s.close());
  const credential = s.credential();
  t.same(await Promise.all([1, 2, 3, 4].map(() => verdict(s, s.present(credential)))), Array(4).fill('VALID'));
  // The issuer's key is replaced by another issuer's: its credentials are no longer trusted anywhere.
  writeFileSync(join(s.dir, 'trust.json'), JSON.stringify({ keys: [trustListEntry(makeIssuer({ kid: 'other', iss: 'PL-OTHER' }))] }));
  t.equal(s.verifier.trust.reload().changed, true);
  const verdicts = await Promise.all(Array.from({ length: 8 }, () => verdict(s, s.present(credential))));
  t.same(verdicts, Array(8).fill('UNKNOWN_ISSUER'), 'every thread uses the new trust list');
});

t.test('a thread that is lost: its jobs are answered, it is started again', async (t) => {
  const s = await startService({ config: { workers: 2 } });
  t.teardown(() => s.close());
  const pool = s.verifier.pool!;
  const credential = s.credential();
  t.equal(await verdict(s, s.present(credential)), 'VALID', 'threads running');
  const payloads = Array.from({ length: 30 }, () => s.present(credential));
  const pending = s.verifier.verifyAll(payloads, 'test');
  await pool.crashThread(0);
  const results = await pending;
  t.same(
    results.map((r) => r.verdict),
    Array(30).fill('VALID'),
    'every job answered, none twice',
  );
  const threads = await perThread(s);
  t.equal(threads.length, 2);
  t.equal(threads.filter((th) => th.restarts === 1).length, 1, 'the lost thread was started again');
  t.same(await Promise.all([1, 2, 3, 4].map(() => verdict(s, s.present(credential)))), Array(4).fill('VALID'), 'and verifies');
  t.ok(
    s.logs.some((l) => l.msg === 'verifier thread lost; its jobs are verified on the main thread and the thread is started again'),
    'the operator is told',
  );
  // Nothing replayed twice: the crashed thread's presentations are remembered.
  t.equal(await verdict(s, payloads[0]!), 'REPLAYED');
  // Both lost at once: the main thread verifies until they are back.
  await Promise.all([pool.crashThread(0), pool.crashThread(1)]);
  t.same(await Promise.all([1, 2, 3].map(() => verdict(s, s.present(credential)))), Array(3).fill('VALID'), 'still verifying with every thread lost');
  await new Promise((r) => setTimeout(r, 1500));
  t.equal((await perThread(s)).length, 2, 'both started again');
});

t.test('workers: 1 verifies on the main thread; a bad value names the key', async (t) => {
  const s = await startService({ config: { workers: 1 } });
  t.teardown(() => s.close());
  t.equal(s.verifier.pool, undefined);
  t.equal(await verdict(s, s.present()), 'VALID');
  const state = await readJson(await fetch(`${s.url}/v1/state`));
  t.same(state.verifier, { threads: 0, verified_on_main_thread: 1, per_thread: [] });
  // A batch on the main thread: in order, a repeat REPLAYED, each presentation counted.
  const [a, b] = [s.present(), s.present()];
  const batch = (await post(s, '/v1/verify/batch', { payloads: [a, b, a] })) as { results: { verdict: string }[] };
  t.same(batch.results.map((r) => r.verdict), ['VALID', 'VALID', 'REPLAYED']);
  const metrics = await (await fetch(`${s.url}/metrics`)).text();
  t.match(metrics, /mleg_verifications_total\{verdict="VALID",source="batch"\} 2\n/);
  t.match(metrics, /mleg_verifications_total\{verdict="REPLAYED",source="batch"\} 1\n/);
  t.match(metrics, /mleg_verify_duration_seconds_count\{source="batch"\} 3\n/);
  await t.rejects(startService({ config: { workers: 0 } }), /"workers" must be an integer/);
});
