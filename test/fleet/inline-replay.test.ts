/**
 * A lone till's presentation is verified on the main thread (src/pool/inline-rule.ts), a
 * burst's on the verifier threads: with the replay memory in Redis both take the decision
 * there, through the same replay call, so one payload is VALID once across the main
 * thread, the threads and the other gate.
 */
import t from 'tap';
import { WINDOW_MS } from '../../src/pool/inline-rule.js';
import type { Verifier } from '../../src/verifier.js';
import { startFleet } from '../helpers/fleet.js';

const pause = (ms = WINDOW_MS) => new Promise((resolve) => setTimeout(resolve, ms));
/** Clients as the HTTP route names them (sockets). */
const clients = (n: number) => Array.from({ length: n }, () => ({ destroyed: false }));
const onThreads = (v: Verifier) => v.pool!.threadStates().reduce((n, th) => n + th.verified, 0);

t.test('Redis replay: the main thread, the threads and the other gate decide as one', async (t) => {
  const fleet = await startFleet({ config: { workers: 2 } });
  t.teardown(() => fleet.close());
  const [gate1, gate2] = fleet.nodes as [(typeof fleet.nodes)[0], (typeof fleet.nodes)[0]];
  const v1 = gate1.verifier;
  t.equal(v1.pool?.threadStates().length, 2, 'gate 1 has its two threads');
  // The threads up and warm: a first burst from four clients.
  await Promise.all(clients(4).map((client) => v1.verify(fleet.site.present(), 'http', Date.now(), client)));

  // Alone: verified on gate 1's main thread, decided in Redis.
  await pause();
  const till = { destroyed: false };
  const here = v1.verifiedHere;
  const lone = fleet.site.present();
  const first = await v1.verify(lone, 'http', Date.now(), till);
  t.equal(v1.verifiedHere, here + 1, 'verified on the main thread');
  t.match(first, { verdict: 'VALID', replay: { shared: true } }, 'VALID, decided in Redis');
  // The same payload in a burst at gate 1 (on its threads) and alone at gate 2: REPLAYED.
  await pause();
  const threadsBefore = onThreads(v1);
  const burst = await Promise.all(clients(3).map((client) => v1.verify(lone, 'http', Date.now(), client)));
  t.ok(onThreads(v1) > threadsBefore, 'some on the threads');
  t.ok(burst.every((r) => r.verdict === 'REPLAYED' && r.replay.shared), 'REPLAYED on the threads, from Redis');
  t.match(await gate2.verifier.verify(lone, 'http', Date.now(), till), { verdict: 'REPLAYED', replay: { shared: true } });

  // Accepted on gate 1's threads, then shown alone to its main thread: REPLAYED.
  await pause();
  const pair = [fleet.site.present(), fleet.site.present()];
  const accepted = await Promise.all(pair.map((p, i) => v1.verify(p, 'http', Date.now(), clients(2)[i]!)));
  t.same(accepted.map((r) => r.verdict), ['VALID', 'VALID']);
  for (const p of pair) {
    await pause();
    const before = v1.verifiedHere;
    t.match(await v1.verify(p, 'http', Date.now(), till), { verdict: 'REPLAYED', replay: { shared: true } });
    t.equal(v1.verifiedHere, before + 1, 'verified on the main thread');
  }

  // Rounds of one payload from ten clients at each gate at once (each gate's first on its main thread): one VALID a round.
  for (let round = 0; round < 4; round++) {
    await pause();
    const payload = fleet.site.present();
    const answers = await Promise.all(
      [gate1, gate2].flatMap((gate) => clients(10).map((client) => Promise.resolve(gate.verifier.verify(payload, 'http', Date.now(), client)))),
    );
    const verdicts = answers.map((r) => r.verdict);
    t.equal(verdicts.filter((v) => v === 'VALID').length, 1, `round ${round}: exactly one VALID`);
    t.equal(verdicts.filter((v) => v === 'REPLAYED').length, 19, `round ${round}: 19 REPLAYED`);
    t.ok(answers.every((r) => r.replay.shared), `round ${round}: every decision in Redis`);
  }
});
