/**
 * SPEC 9, replay memory shared through a real redis-server: two services of one station
 * (the same issuer, each its own node) share one replay memory; concurrent presentations
 * of one payload across both give exactly one VALID; every result says where its replay
 * decision was taken; what Redis holds is a hash and a time, nothing of the claims, and
 * each key expires by itself between the proof's end of freshness and 60 s after.
 */
import t from 'tap';
import { replayKey } from '../../src/replay/replay-store.js';
import { createRedisClient } from '../../src/fleet/redis-client.js';
import { createLogger } from '../../src/logger.js';
import { EXPIRY_MARGIN_SECONDS, SharedReplayStore, sharedReplayKey } from '../../src/replay/shared-replay-store.js';
import { decodePart, STUDENT } from '../helpers/world.js';
import { startFleet, verifyAt } from '../helpers/fleet.js';
import { until } from '../helpers/until.js';
import { startRedis } from '../helpers/redis.js';

/** The proof's claims of a payload (iat, jti), and the credential's (iss, jti). */
function claimsOf(payload: string): { iss: string; credJti: string; proofJti: string; iat: number } {
  const [credential, proof] = payload.slice('MLEG1:'.length).split('~') as [string, string];
  const cred = decodePart(credential, 1) as { iss: string; jti: string };
  const p = decodePart(proof, 1) as { jti: string; iat: number };
  return { iss: cred.iss, credJti: cred.jti, proofJti: p.jti, iat: p.iat };
}

t.test('a presentation accepted at one gate is REPLAYED at the other, and the other way round', async (t) => {
  const fleet = await startFleet();
  t.teardown(() => fleet.close());
  const [gate1, gate2] = fleet.nodes as [typeof fleet.nodes[0], typeof fleet.nodes[0]];

  const first = fleet.site.present();
  const a = (await verifyAt(gate1, first)).result;
  t.match(a, { verdict: 'VALID', valid: true, replay: { shared: true } }, 'gate 1 accepts it, decided in Redis');
  const b = (await verifyAt(gate2, first)).result;
  t.match(b, { verdict: 'REPLAYED', valid: false, replay: { shared: true } }, 'gate 2 refuses the same presentation');
  t.match(b.reason, /already accepted at /);
  t.match((await verifyAt(gate1, first)).result, { verdict: 'REPLAYED', replay: { shared: true } }, 'and gate 1 again');

  const second = fleet.site.present();
  t.match((await verifyAt(gate2, second)).result, { verdict: 'VALID', replay: { shared: true } }, 'a fresh presentation at gate 2');
  t.match((await verifyAt(gate1, second)).result, { verdict: 'REPLAYED', replay: { shared: true } }, 'is refused at gate 1');

  // A verdict decided before replay: no replay decision, so not shared.
  const revoked = fleet.site.present(fleet.site.credential({ status: { uri: 'https://status.test/lists/1', idx: 1 } }));
  t.match((await verifyAt(gate1, revoked)).result, { verdict: 'REVOKED', replay: { shared: false } });
  t.match((await verifyAt(gate1, 'MLEG1:nonsense')).result, { verdict: 'MALFORMED', replay: { shared: false } });

  const state = gate1.service.fleet!.replay.state();
  t.equal(state.decisions.local, 0, 'no decision was taken locally');
  t.ok(state.decisions.shared >= 3);
});

t.test('20 concurrent presentations of one payload split across both gates: exactly one VALID', async (t) => {
  const fleet = await startFleet();
  t.teardown(() => fleet.close());
  for (let round = 0; round < 5; round++) {
    const payload = fleet.site.present();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => verifyAt(fleet.nodes[i % 2]!, payload)));
    const verdicts = answers.map((a) => a.result.verdict as string);
    t.equal(verdicts.filter((v) => v === 'VALID').length, 1, `round ${round}: exactly one VALID`);
    t.equal(verdicts.filter((v) => v === 'REPLAYED').length, 19, `round ${round}: 19 REPLAYED`);
    t.ok(answers.every((a) => a.result.replay.shared === true), `round ${round}: every decision taken in Redis`);
  }
});

t.test('a batch on verifier threads shares replay too, in its order', async (t) => {
  const fleet = await startFleet({ config: { workers: 2 } });
  t.teardown(() => fleet.close());
  const [gate1, gate2] = fleet.nodes as [typeof fleet.nodes[0], typeof fleet.nodes[0]];
  t.equal(gate1.verifier.pool?.size, 2, 'gate 1 verifies on two threads');
  const payloads = Array.from({ length: 12 }, () => fleet.site.present());
  const res = await fetch(`${gate1.url}/v1/verify/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ payloads: [...payloads, payloads[3]] }),
  });
  const { results } = (await res.json()) as { results: { verdict: string; replay: { shared: boolean } }[] };
  t.same(results.slice(0, 12).map((r) => r.verdict), payloads.map(() => 'VALID'), 'a batch split over the threads: all VALID');
  t.equal(results[12]!.verdict, 'REPLAYED', 'a repeat in the same batch is REPLAYED');
  t.ok(results.every((r) => r.replay.shared), 'all decided in Redis');
  const again = await Promise.all(payloads.map((p) => verifyAt(gate2, p)));
  t.same(again.map((a) => a.result.verdict), payloads.map(() => 'REPLAYED'), 'the other gate refuses each of them');
});

t.test('Redis holds a hash and a time per presentation, nothing of the claims, each expiring by itself', async (t) => {
  const fleet = await startFleet();
  t.teardown(() => fleet.close());
  const [gate1] = fleet.nodes;
  const payload = fleet.site.present();
  const { result } = await verifyAt(gate1!, payload);
  t.equal(result.verdict, 'VALID');
  const claims = claimsOf(payload);
  const key = sharedReplayKey('mleg:', replayKey(claims.iss, claims.credJti, claims.proofJti));
  t.match(key, /^mleg:[A-Za-z0-9_-]{43}$/, 'the key: the prefix and base64url(SHA-256(triple))');

  const stored = await fleet.redis.command('GET', key);
  const acceptedAt = Math.floor(Date.parse(result.checked_at) / 1000);
  t.equal(stored, String(acceptedAt), 'its value: when it was first accepted (seconds), nothing else');

  // Fresh until iat + presentation.maxAgeSeconds (90): the key must outlive that, by at most 60 s.
  const freshUntilMs = (claims.iat + 90 + 1) * 1000;
  const expiresAtMs = Number(await fleet.redis.command('PEXPIRETIME', key));
  t.ok(expiresAtMs >= freshUntilMs, `expires (${expiresAtMs}) not before the proof stops being fresh (${freshUntilMs})`);
  t.ok(expiresAtMs <= freshUntilMs + 60_000, 'and at most 60 s after');
  t.equal(expiresAtMs, (claims.iat + 90 + EXPIRY_MARGIN_SECONDS) * 1000, `exactly ${EXPIRY_MARGIN_SECONDS} s after the proof's last fresh second`);

  // Every key and value in Redis, the fleet's state and events included: nothing of the holder or the credential.
  const secrets = [claims.iss, claims.credJti, claims.proofJti, STUDENT.given_name, STUDENT.family_name, STUDENT.birthdate, STUDENT.doc_no, STUDENT.org.name, payload.slice(6, 60)];
  const dump = await fleet.redis.dump();
  t.ok(dump.size >= 2, `${dump.size} keys to look through`);
  for (const [k, v] of dump) {
    for (const secret of secrets) {
      t.notOk(k.includes(secret), `key ${k} holds no "${secret}"`);
      t.notOk(v.includes(secret), `the value of ${k} holds no "${secret}"`);
    }
  }
});

t.test('a key carries its own expiry in Redis: once its proof is stale, and at most 30 s later', async (t) => {
  const fleet = await startFleet({ nodes: ['gate-1'] });
  t.teardown(() => fleet.close());
  const [gate1] = fleet.nodes;
  // A proof made 89 s ago: fresh for one second more; its key lives EXPIRY_MARGIN_SECONDS beyond.
  const payload = fleet.site.present(undefined, { iat: Math.floor(Date.now() / 1000) - 89 });
  t.equal((await verifyAt(gate1!, payload)).result.verdict, 'VALID');
  const claims = claimsOf(payload);
  const key = sharedReplayKey('mleg:', replayKey(claims.iss, claims.credJti, claims.proofJti));
  t.equal(await fleet.redis.command('EXISTS', key), 1, 'remembered in Redis');
  const staleAt = (claims.iat + 91) * 1000;
  // Its own expiry (Redis removes it then; the test reads the time rather than wait 30 s).
  const expiresAt = Number(await fleet.redis.command('PEXPIRETIME', key));
  t.ok(expiresAt >= staleAt, 'kept until the proof stops being fresh');
  t.ok(expiresAt <= staleAt + (EXPIRY_MARGIN_SECONDS + 1) * 1000, `and at most ${EXPIRY_MARGIN_SECONDS} s more`);
  await until(() => Date.now() >= staleAt, 5000, 'the proof to go stale');
  t.equal((await verifyAt(gate1!, payload)).result.verdict, 'PROOF_STALE', 'shown again now: stale');
});

t.test('the checks of one turn of the event loop go to Redis together, each with its own answer', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.stop());
  const client = createRedisClient({ url: redis.url }, 'test-batch');
  t.teardown(() => client.disconnect());
  const store = new SharedReplayStore({ client, keyPrefix: 'batch:', timeoutMs: 1000, log: createLogger('silent'), where: 'test' });
  t.teardown(() => store.close());
  await client.connect();
  await until(() => store.sharing, 5000, 'sharing');

  const now = Math.floor(Date.now() / 1000);
  const keys = Array.from({ length: 40 }, (_, i) => `key-${i % 30}`); // the last ten repeat the first ten
  const reads = async (): Promise<number> => Number(/total_reads_processed:(\d+)/.exec(String(await redis.command('INFO', 'stats')))![1]);
  const before = await reads();
  const answers = await Promise.all(keys.map((k) => store.rememberOnce(k, now, now + 90)));
  const after = await reads();
  t.same(answers.map((a) => a.firstAt === undefined), keys.map((_, i) => i < 30), 'first sight of 30 keys, then 10 repeats seen');
  t.ok(answers.every((a) => a.shared), 'all decided in Redis');
  // The INFO after is a read of its own; the forty SETs a read or a few (as the socket splits the write), not forty.
  t.ok(after - before - 1 <= 4, `40 checks were ${after - before - 1} read(s) at Redis, not one each`);
  t.equal(Number(await redis.command('DBSIZE')), 30, 'one key per presentation');
});
