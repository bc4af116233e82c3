/**
 * SPEC 9 fleet state and events against a real redis-server: each node's heartbeat,
 * `GET /v1/fleet` on any node (both listed, in the SPEC shape, a node that stops
 * dropped), the fleet's scans on `GET /v1/events?scope=fleet` (every node's, nothing
 * personal, one stream reader per process, catch-up after Last-Event-ID), the shared
 * store in /v1/state and /metrics, and what a node without a fleet answers. Scans come
 * from real serial scanners on socat ptys.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { exited, mlegServe } from '../helpers/cli.js';
import { nodeConfigFile, startFleet, startStation, type Gate } from '../helpers/fleet.js';
import { until } from '../helpers/until.js';
import { readJson, startService, type TestService } from '../helpers/service.js';
import { SseClient } from '../helpers/sse.js';
import { STATUS_URI, STUDENT } from '../helpers/world.js';

/** Two gates, each with one serial scanner (a socat pty) in its lane, heartbeating every second. */
const station = async (t: Test) => {
  const { fleet, gates } = await startStation(t, [1, 2].map((n) => ({ id: `gate-${n}`, scanner: `scanner-${n}`, lane: `entry-${n}` })));
  return { fleet, gates: gates as [Gate, Gate] };
};

const fleetOf = async (node: TestService) => readJson(await fetch(`${node.url}/v1/fleet`));

t.test('GET /v1/fleet on either gate lists both, in the shape of SPEC 9, with their scanners and last verdicts', async (t) => {
  const { fleet, gates } = await station(t);
  const [g1, g2] = gates;
  await g1.device.write(`${fleet.site.present()}\r\n`);
  await until(async () => (await fleetOf(g2.node)).nodes[0]?.lanes[0]?.last_scan !== null, 5000, 'gate 1 to heartbeat its scan');
  await until(async () => (await fleetOf(g1.node)).nodes[1]?.scanners[0]?.connected === true, 5000, 'gate 2 to heartbeat its scanner connected');
  for (const g of gates) {
    const { nodes } = await fleetOf(g.node);
    t.same(nodes.map((n: { id: string }) => n.id), ['gate-1', 'gate-2'], `listed on ${g.node.service.fleet!.nodeId}`);
    for (const n of nodes) {
      t.ok(Date.now() - Date.parse(n.seen_at) < 30_000, `${n.id}: seen within 30 s`);
      t.equal(n.version, '0.1.0');
      t.same(n.status_lists.map((s: { uri: string; usable: boolean }) => [s.uri, s.usable]), [[STATUS_URI, true]], `${n.id}: its status list, usable`);
      t.type(n.status_lists[0].age_seconds, 'number', 'and its age');
      t.ok(n.status_lists[0].age_seconds >= 60, 'the site list was issued a minute ago');
      t.equal(n.scanners.length, 1);
      t.match(n.scanners[0], { id: n.id.replace('gate', 'scanner'), connected: true, lane: n.id.replace('gate', 'entry') });
      t.equal(n.sharing, true);
    }
    t.match(nodes[0].lanes, [{ id: 'entry-1', last_scan: { verdict: 'VALID', scanner: 'scanner-1' } }], 'gate 1: its lane and last verdict');
    t.same(nodes[1].lanes, [{ id: 'entry-2', last_scan: null }], 'gate 2: nothing scanned yet');
  }
  const text = JSON.stringify(await fleetOf(g1.node));
  for (const secret of [STUDENT.given_name, STUDENT.family_name, STUDENT.birthdate, STUDENT.doc_no]) t.notOk(text.includes(secret), `nothing personal: no ${secret}`);
});

t.test('a node that stops is dropped from /v1/fleet: at once when it stops, within 30 s when it crashes', async (t) => {
  const fleet = await startFleet({ nodes: ['gate-1', 'gate-2'] });
  t.teardown(() => fleet.close());
  const [gate1, gate2] = fleet.nodes as [TestService, TestService];
  t.same((await fleetOf(gate1)).nodes.map((n: { id: string }) => n.id), ['gate-1', 'gate-2']);
  await gate2.close();
  fleet.nodes.pop();
  t.same((await fleetOf(gate1)).nodes.map((n: { id: string }) => n.id), ['gate-1'], 'a node that stops takes itself off the list');

  // A crash: `mleg serve` killed, no goodbye; its last heartbeat expires by itself.
  const dir = mkdtempSync(join(tmpdir(), 'mleg-crash-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const gate3 = await mlegServe(['--config', nodeConfigFile(fleet.site, dir, fleet.redis.url, 'gate-3')]);
  await until(async () => (await fleetOf(gate1)).nodes.some((n: { id: string }) => n.id === 'gate-3'), 10_000, 'gate 3 to appear');
  gate3.child.kill('SIGKILL');
  await exited(gate3.child);
  const killedAt = Date.now();
  t.ok((await fleetOf(gate1)).nodes.some((n: { id: string }) => n.id === 'gate-3'), 'listed just after the crash: seen within 30 s');
  // Its last heartbeat lives 30 s at most (the key's own expiry, set by each heartbeat);
  // rather than wait those 30 s, the test lets the rest of that time pass in Redis.
  const left = Number(await fleet.redis.command('PTTL', 'mleg:fleet:node:gate-3'));
  t.ok(left > 0 && left <= 30_000 - (Date.now() - killedAt) + 50, `its heartbeat expires by itself, in ${left} ms`);
  await fleet.redis.command('PEXPIRE', 'mleg:fleet:node:gate-3', 1);
  await until(async () => !(await fleetOf(gate1)).nodes.some((n: { id: string }) => n.id === 'gate-3'), 5_000, 'gate 3 to drop off');
  t.same((await fleetOf(gate1)).nodes.map((n: { id: string }) => n.id), ['gate-1']);
  t.same(await fleet.redis.command('ZRANGE', 'mleg:fleet:nodes', 0, -1), ['gate-1'], 'and from the index');
});

t.test('GET /v1/events?scope=fleet on any gate streams every gate\'s scans, nothing personal', async (t) => {
  const { fleet, gates } = await station(t);
  const [g1, g2] = gates;
  const clients = await Promise.all([0, 1, 2].map(() => SseClient.open(`${g2.node.url}/v1/events?scope=fleet`)));
  t.teardown(() => clients.forEach((c) => c.close()));
  const [watch] = clients as [SseClient];
  t.equal(watch.response.statusCode, 200);
  t.match(watch.response.headers['content-type'], /^text\/event-stream/);
  await until(() => g2.node.service.fleet!.events !== undefined, 1000, 'the fleet events');
  await new Promise((r) => setTimeout(r, 300)); // the reader's first XREAD

  const p = fleet.site.present();
  await g1.device.write(`${p}\r\n`);
  await watch.until((c) => c.events.length >= 1, 5000, 'gate 1\'s scan');
  await g2.device.write(`${p}\r\n`); // the same code at the other gate: REPLAYED
  await g2.device.write(`${fleet.site.present(fleet.site.credential({ status: { uri: STATUS_URI, idx: 1 } }))}\r\n`);
  await watch.until((c) => c.events.length >= 3, 5000, 'three scans');
  const scans = watch.data<Record<string, string>>();
  t.same(
    scans.map((s) => [s.node, s.scanner, s.lane, s.verdict]),
    [
      ['gate-1', 'scanner-1', 'entry-1', 'VALID'],
      ['gate-2', 'scanner-2', 'entry-2', 'REPLAYED'],
      ['gate-2', 'scanner-2', 'entry-2', 'REVOKED'],
    ],
    'every gate\'s scans, in order',
  );
  for (const s of scans) t.same(Object.keys(s).sort(), ['at', 'id', 'lane', 'node', 'scanner', 'verdict'], 'node, scanner, lane, verdict, time: nothing personal');
  t.same(watch.events.map((e) => e.id), scans.map((s) => s.id), 'the SSE ids are the stream ids');
  for (const c of clients) await c.until((x) => x.events.length >= 3, 5000, 'every client to get them');

  const clientList = String(await fleet.redis.command('CLIENT', 'LIST'));
  t.equal(clientList.match(/name=mleg-events/g)?.length, 1, 'three fleet streams on gate 2, one stream reader (gate 1 has no listener: none)');

  // A client that reconnects after the first scan gets the two it missed.
  const again = await SseClient.open(`${g1.node.url}/v1/events?scope=fleet`, { 'last-event-id': scans[0]!.id! });
  t.teardown(() => again.close());
  await again.until((c) => c.events.length >= 2, 5000, 'the missed scans');
  t.same(again.data<{ verdict: string }>().map((s) => s.verdict), ['REPLAYED', 'REVOKED'], 'caught up from the stream, without the one it had');

  const stream = JSON.stringify(await fleet.redis.command('XRANGE', 'mleg:fleet:events', '-', '+'));
  for (const secret of [STUDENT.given_name, STUDENT.family_name, STUDENT.birthdate, STUDENT.doc_no, p.slice(6, 40)]) t.notOk(stream.includes(secret), `the stream holds no ${secret}`);
});

t.test('/v1/state and /metrics show the shared store, never the password', async (t) => {
  const fleet = await startFleet({ nodes: [], redisOptions: { password: 'station-secret-7' } });
  t.teardown(() => fleet.close());
  const gate1 = await fleet.add('gate-1');
  t.match((await (await fetch(`${gate1.url}/v1/verify`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: fleet.site.present() })).json()), { verdict: 'VALID', replay: { shared: true } }, 'the password works');
  const state = await readJson(await fetch(`${gate1.url}/v1/state`));
  t.match(state.replay, {
    store: 'redis',
    remembered: 1,
    shared: { where: `redis://127.0.0.1:${fleet.redis.port}/0 (with a password)`, connected: true, sharing: true, decisions: { shared: 1, local: 0 }, last_error: null },
  });
  t.match(state.replay.shared.round_trip, [{ le_ms: 0.1 }], 'the round-trip histogram');
  t.equal(state.replay.shared.round_trip.at(-1).le_ms, null);
  t.equal(state.replay.shared.round_trip.at(-1).count, 1, 'one round trip so far');
  t.match(state.fleet, { node_id: 'gate-1', heartbeat_seconds: 5 });
  const metrics = await (await fetch(`${gate1.url}/metrics`)).text();
  for (const line of ['mleg_replay_shared_connected 1', 'mleg_replay_shared_in_use 1', 'mleg_replay_decisions{where="shared"} 1', 'mleg_replay_decisions{where="local"} 0', 'mleg_replay_shared_round_trip_seconds_count 1']) {
    t.ok(metrics.includes(line), line);
  }
  const everything = JSON.stringify(state) + metrics + JSON.stringify(gate1.logs);
  t.notOk(everything.includes('station-secret-7'), 'the password is in no answer and no log line');

  const wrong = await fleet.add('gate-2', { redis: { url: `redis://:not-the-password@127.0.0.1:${fleet.redis.port}` } });
  const refused = await readJson(await fetch(`${wrong.url}/v1/verify`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: fleet.site.present() }));
  t.match(refused, { verdict: 'VALID', replay: { shared: false } }, 'a wrong password: decided locally');
  t.equal((await fetch(`${wrong.url}/readyz`)).status, 200);
  const wrongState = await readJson(await fetch(`${wrong.url}/v1/state`));
  t.match(wrongState.replay.shared.last_error.message, /WRONGPASS/, 'the reason, from Redis');
  t.notOk(JSON.stringify(wrongState).includes('not-the-password') || JSON.stringify(wrong.logs).includes('not-the-password'), 'and not the password');
  t.match(JSON.stringify(wrong.logs), /the fleet's Redis failed/, 'the operator is told');
});

t.test('/v1/fleet answers 503 while Redis is away, and lists again when it is back', async (t) => {
  const fleet = await startFleet({ nodes: ['gate-1'] });
  t.teardown(() => fleet.close());
  const [gate1] = fleet.nodes as [TestService];
  await fleet.redis.kill();
  const started = Date.now();
  const res = await fetch(`${gate1.url}/v1/fleet`);
  t.equal(res.status, 503);
  t.match(await res.json(), { error: 'FLEET_UNAVAILABLE', message: /Redis did not answer/ });
  t.ok(Date.now() - started < 3000, 'at once, or after its timeout at most');
  const events = await fetch(`${gate1.url}/v1/events?scope=fleet`, { headers: { 'last-event-id': '1-0' } });
  t.equal(events.status, 503, 'a catch-up it cannot read: 503');
  await fleet.redis.restart();
  await until(async () => (await fetch(`${gate1.url}/v1/fleet`)).status === 200, 8000, '/v1/fleet to answer again');
  await until(async () => (await fleetOf(gate1)).nodes.length === 1, 8000, 'the node to heartbeat into the new Redis');
});

t.test('without a fleet (replay.store "memory"): 404 with the reason; a scope that does not exist: 400', async (t) => {
  const s = await startService();
  t.teardown(() => s.close());
  for (const path of ['/v1/fleet', '/v1/fleet/config', '/fleet', '/v1/events?scope=fleet']) {
    const res = await fetch(`${s.url}${path}`);
    t.equal(res.status, 404, path);
    t.match(await res.json(), { error: 'NOT_FOUND', message: /replay.store is "memory"/ }, `${path}: says why`);
  }
  const bad = await fetch(`${s.url}/v1/events?scope=everything`);
  t.equal(bad.status, 400);
  t.match(await bad.json(), { message: /scope/ });
  const state = await readJson(await fetch(`${s.url}/v1/state`));
  t.same(state.replay, { store: 'memory', remembered: 0, shared: null });
  t.equal(state.fleet, null);
  t.notMatch(await (await fetch(`${s.url}/metrics`)).text(), /mleg_replay_shared/, 'no shared-store metrics');
});
