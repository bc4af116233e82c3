/**
 * SPEC 9 faults against a real redis-server: down at start, killed mid-run, restarted
 * empty, slow (DEBUG SLEEP), refusing writes (OOM, READONLY). No verification waits
 * longer than replay.redis.timeoutMs; meanwhile each node decides alone and stays exact
 * (`"replay": {"shared": false}`), /readyz stays 200; when Redis answers again sharing
 * resumes within 5 s without a restart, and what each node accepted meanwhile is written
 * back, so that the other node refuses it.
 */
import t from 'tap';
import { readJson, type TestService } from '../helpers/service.js';
import { startFleet, verifyAt } from '../helpers/fleet.js';
import { until } from '../helpers/until.js';

/** Verifies in process (no HTTP in the timing): the result and the milliseconds it took. */
async function timed(node: TestService, payload: string) {
  const started = performance.now();
  const result = await node.verifier.verify(payload, 'test');
  return { result, ms: performance.now() - started };
}

/** Several payloads in one request (/v1/verify/batch): their replay checks reach the store in one turn, one pipeline. */
async function timedBatch(node: TestService, payloads: string[]) {
  const started = performance.now();
  const res = await fetch(`${node.url}/v1/verify/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ payloads }) });
  const { results } = (await res.json()) as { results: { verdict: string; replay: { shared: boolean } }[] };
  return { results: results.map((x) => [x.verdict, x.replay.shared]), ms: performance.now() - started };
}

const shared = (node: TestService) => node.service.fleet!.replay.state();
const sharing = (node: TestService) => () => shared(node).sharing;
const readyz = async (node: TestService) => (await fetch(`${node.url}/readyz`)).status;

/** Sharing resumes within 5 s of Redis answering (SPEC 9); a little more on a loaded machine, reported. */
const RESUME_MS = 5000;

t.test('Redis down at start: the gates start and decide alone; when it comes, sharing resumes and the outage is written back', async (t) => {
  const fleet = await startFleet({ nodes: [] });
  t.teardown(() => fleet.close());
  await fleet.redis.kill(); // nothing listens on its port now
  const gate1 = await fleet.add('gate-1');
  const gate2 = await fleet.add('gate-2');
  t.equal(await readyz(gate1), 200, '/readyz 200 without Redis');
  t.equal(await readyz(gate2), 200);

  const p1 = fleet.site.present();
  const first = await verifyAt(gate1, p1);
  t.match(first.result, { verdict: 'VALID', replay: { shared: false } }, 'accepted, decided by gate 1 alone');
  t.match((await verifyAt(gate1, p1)).result, { verdict: 'REPLAYED', replay: { shared: false } }, 'gate 1 alone is still exact');
  const state = await readJson(await fetch(`${gate1.url}/v1/state`));
  t.match(state.replay, { store: 'redis', shared: { connected: false, sharing: false, local_because: { offline: 2 } } }, '/v1/state: not connected, decisions taken locally');
  t.match(state.replay.shared.last_error.message, /ECONNREFUSED/, 'and the last error');

  await fleet.redis.restart();
  const took = await until(() => sharing(gate1)() && sharing(gate2)(), RESUME_MS + 2000, 'both gates to share again');
  t.ok(took <= RESUME_MS, `sharing resumed ${took} ms after Redis answered, without a restart`);
  await until(() => shared(gate1).written_back >= 1, 5000, 'gate 1 to write back what it accepted');
  t.match((await verifyAt(gate2, p1)).result, { verdict: 'REPLAYED', replay: { shared: true } }, 'gate 2 refuses what gate 1 accepted before Redis was there');
  t.match((await verifyAt(gate2, fleet.site.present())).result, { verdict: 'VALID', replay: { shared: true } }, 'and shares again');
});

t.test('Redis killed mid-run: answers at once, each gate exact alone; restarted empty: the outage is written back', async (t) => {
  const fleet = await startFleet({ redis: { timeoutMs: 300 } });
  t.teardown(() => fleet.close());
  const [gate1, gate2] = fleet.nodes as [TestService, TestService];
  const before = fleet.site.present();
  t.match((await timed(gate2, fleet.site.present())).result, { verdict: 'VALID', replay: { shared: true } }, 'gate 2 warmed up, shared');
  const acceptedBefore = (await verifyAt(gate1, before)).result;
  t.match(acceptedBefore, { verdict: 'VALID', replay: { shared: true } }, 'accepted through Redis before the crash');

  await fleet.redis.kill();
  const p1 = fleet.site.present();
  const p2 = fleet.site.present();
  const answers = [await timed(gate1, p1), await timed(gate1, p1), await timed(gate2, p2), await timed(gate2, p2)];
  t.same(answers.map((a) => a.result.verdict), ['VALID', 'REPLAYED', 'VALID', 'REPLAYED'], 'each gate still refuses what it accepted itself');
  t.ok(answers.every((a) => !a.result.replay.shared), 'decided locally');
  const slowest = Math.max(...answers.map((a) => a.ms));
  t.ok(slowest < 300, `no verification waited for the dead Redis (slowest ${slowest.toFixed(1)} ms; timeout 300 ms)`);
  t.equal(await readyz(gate1), 200, '/readyz stays 200');

  await fleet.redis.restart(); // empty: the key of `before` is lost too
  // Empty as it started (no keys loaded from disk): the gates may already be writing back by
  // the time the test could look at the keys themselves.
  const persistence = String(await fleet.redis.command('INFO', 'persistence'));
  t.match(persistence, /^rdb_last_load_keys_loaded:0\r?$/m, 'Redis came back empty');
  const took = await until(() => sharing(gate1)() && sharing(gate2)(), RESUME_MS + 2000, 'both gates to share again');
  t.ok(took <= RESUME_MS, `sharing resumed ${took} ms after the restart`);
  await until(() => shared(gate1).written_back >= 2 && shared(gate2).written_back >= 1, 5000, 'both gates to write back');
  t.match((await verifyAt(gate2, p1)).result, { verdict: 'REPLAYED', replay: { shared: true } }, 'gate 2 refuses what gate 1 accepted during the outage');
  t.match((await verifyAt(gate1, p2)).result, { verdict: 'REPLAYED', replay: { shared: true } }, 'gate 1 refuses what gate 2 accepted during the outage');
  const lost = (await verifyAt(gate2, before)).result;
  t.match(lost, { verdict: 'REPLAYED', replay: { shared: true } }, 'and what Redis lost in the restart');
  t.ok(lost.reason.endsWith(`accepted at ${acceptedBefore.checked_at.slice(0, 19)}.000Z`), `written back with the time it was first accepted (${lost.reason})`);
  const logs = JSON.stringify(gate1.logs);
  t.match(logs, /shared replay memory unavailable/, 'the operator is told when sharing stops…');
  t.match(logs, /written back to Redis/, '…and when it is written back');
});

t.test('Redis slower than the timeout: no verification waits longer; after a second of late answers Redis is not asked until it answers in time', async (t) => {
  const fleet = await startFleet({ nodes: ['gate-1'], redis: { timeoutMs: 200 } });
  t.teardown(() => fleet.close());
  const [gate1] = fleet.nodes as [TestService];
  t.match((await timed(gate1, fleet.site.present())).result, { verdict: 'VALID', replay: { shared: true } }, 'warmed up, shared');

  const sleeping = fleet.redis.command('DEBUG', 'SLEEP', '3'); // Redis answers nothing for 3 s
  await new Promise((r) => setTimeout(r, 50));
  // A pipeline of three (one repeated) waits no longer than one check, and each is decided here, exactly.
  const [q, r] = [fleet.site.present(), fleet.site.present()];
  const inBatch = await timedBatch(gate1, [q, r, q]);
  t.same(inBatch.results, [['VALID', false], ['VALID', false], ['REPLAYED', false]], 'a batch while Redis sleeps: local and exact');
  t.ok(inBatch.ms < 1000, `the batch waited for the timeout only (${inBatch.ms.toFixed(0)} ms, timeout 200)`);
  const answers = [];
  const slept = Date.now();
  while (shared(gate1).sharing && answers.length < 20) answers.push(await timed(gate1, fleet.site.present()));
  t.notOk(shared(gate1).sharing, `Redis no longer asked after ${answers.length} late answers, ${Date.now() - slept} ms (a second without an answer in time)`);
  t.ok(answers.every((a) => a.result.verdict === 'VALID' && !a.result.replay.shared), 'each decided locally');
  const slowest = Math.max(...answers.map((a) => a.ms));
  t.ok(slowest < 1000, `none waited for the sleeping Redis (3 s): slowest ${slowest.toFixed(0)} ms with a 200 ms timeout`);
  t.equal(shared(gate1).local_because.timeout, answers.length + 3, 'each one a timeout (the batch\'s three too)');
  const after = [await timed(gate1, fleet.site.present()), await timed(gate1, fleet.site.present())];
  t.equal(shared(gate1).local_because.offline, 2, 'then not asked at all…');
  t.ok(after.every((a) => a.ms < 200), `…so answered without waiting (${after.map((a) => a.ms.toFixed(1)).join(', ')} ms)`);

  await sleeping;
  const took = await until(sharing(gate1), RESUME_MS + 2000, 'sharing to resume');
  t.ok(took <= RESUME_MS, `resumed ${took} ms after Redis woke`);
  t.match((await timed(gate1, fleet.site.present())).result, { replay: { shared: true } });
  t.ok(shared(gate1).late_answers >= answers.length, 'the late answers were counted');
  const metrics = await (await fetch(`${gate1.url}/metrics`)).text();
  t.match(metrics, new RegExp(`mleg_replay_local_decisions\\{reason="timeout"\\} ${answers.length + 3}\n`), 'the metrics count the timeouts');
  t.match(metrics, /mleg_replay_shared_round_trip_seconds_bucket\{le="0\.0005"\} \d+/);
  t.match(metrics, /mleg_replay_shared_in_use 1/);
});

t.test('Redis refusing writes (OOM, then READONLY): decided locally, and shared again once it accepts', async (t) => {
  const fleet = await startFleet({ nodes: ['gate-1'], redis: { timeoutMs: 500 } });
  t.teardown(() => fleet.close());
  const [gate1] = fleet.nodes as [TestService];
  t.match((await timed(gate1, fleet.site.present())).result, { verdict: 'VALID', replay: { shared: true } }, 'warmed up, shared');

  for (const [refuse, allow, error] of [
    [['CONFIG', 'SET', 'maxmemory', '1'], ['CONFIG', 'SET', 'maxmemory', '0'], /OOM/],
    // A replica of a master that does not exist: it refuses every write.
    [['REPLICAOF', '127.0.0.1', '1'], ['REPLICAOF', 'NO', 'ONE'], /READONLY/],
  ] as const) {
    await fleet.redis.command(...refuse);
    const p = fleet.site.present();
    const answers = [await timed(gate1, p), await timed(gate1, p)];
    t.same(answers.map((a) => [a.result.verdict, a.result.replay.shared]), [['VALID', false], ['REPLAYED', false]], `${refuse.join(' ')}: decided locally, and exact`);
    t.ok(answers.every((a) => a.ms < 500), `at once: a refusal is an answer (${answers.map((a) => a.ms.toFixed(1)).join(', ')} ms; timeout 500)`);
    // Checks of one turn go out as one pipeline: each refused command in it is decided here, in order.
    const [q, r] = [fleet.site.present(), fleet.site.present()];
    const refusedBefore = shared(gate1).local_because.error;
    t.same((await timedBatch(gate1, [q, r, q])).results, [['VALID', false], ['VALID', false], ['REPLAYED', false]], `${refuse.join(' ')}: a batch, decided locally and exact`);
    t.equal(shared(gate1).local_because.error - refusedBefore, 3, 'each of the three sent to Redis and refused there');
    t.match(shared(gate1).last_error?.message, error, `the last error says why (${error})`);
    t.equal(await readyz(gate1), 200);
    for (let i = 0; i < 40 && shared(gate1).sharing; i++) {
      await timed(gate1, fleet.site.present());
      await new Promise((r) => setTimeout(r, 50));
    }
    t.notOk(shared(gate1).sharing, 'after a second of refusals Redis is not asked');

    await fleet.redis.command(...allow);
    await until(sharing(gate1), RESUME_MS + 2000, 'sharing to resume');
    await until(async () => (await fleet.redis.dump()).size >= 5, 5000, 'the write-back');
    t.match((await timed(gate1, p)).result, { verdict: 'REPLAYED', replay: { shared: true } }, 'accepting again: shared, and knows what was accepted meanwhile');
  }
});
