import t from 'tap';
import { loadConfig } from '../../src/config/config.js';
import { MemoryReplayStore, NOT_SEEN_HERE, replayKey } from '../../src/replay/replay-store.js';
import { Verifier } from '../../src/verifier.js';
import { captureLog } from '../helpers/log.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { createSite } from '../helpers/site.js';
import { NOW, NOW_S, World } from '../helpers/world.js';

t.test('remembers a key until its time, and forgets it at most 10 s later', async (t) => {
  const store = new MemoryReplayStore();
  t.equal(store.remember('a', 1000, 1090), undefined, 'first time: not seen');
  t.equal(store.remember('a', 1050, 1140), 1000, 'seen: answers when it was first remembered');
  t.equal(store.remember('a', 1090, 1180), 1000, 'still remembered at its last second');
  t.equal(store.remember('a', 1100, 1190), undefined, 'forgotten 10 s after');
  t.equal(store.size, 1, 'remembered again, once');
  // Every `until` over a few generations: remembered through `until`, forgotten by `until` + 10.
  for (let until = 2000; until < 2030; until++) {
    const timed = new MemoryReplayStore();
    timed.remember('k', until - 90, until);
    for (let now = until - 90; now <= until; now += 7) t.equal(timed.remember('k', now, now + 90), until - 90, `until ${until}: remembered at ${now}`);
    t.equal(timed.remember('k', until, until + 90), until - 90, `until ${until}: remembered at its last second`);
    t.equal(timed.remember('k', until + 10, until + 100), undefined, `until ${until}: forgotten 10 s after`);
  }
  t.equal(store.remember('told', 1200, 1290, 1185), undefined, 'remembered as first seen when told (another verifier accepted it)…');
  t.equal(store.remember('told', 1201, 1291), 1185, '…and answers that time');
  t.equal(store.remember('past', 5000, 4999), undefined, 'a key already past its time…');
  t.equal(store.remember('past', 5000, 5090), undefined, '…is not remembered');
});

t.test('as a replay store: answers at once, never shared, the first answer the same object every time', async (t) => {
  const store = new MemoryReplayStore();
  const first = store.rememberOnce('a', 1000, 1090);
  t.equal(first, NOT_SEEN_HERE, 'new: the one constant answer, no object made per verification');
  t.same(first, { firstAt: undefined, shared: false });
  t.same(store.rememberOnce('a', 1001, 1091), { firstAt: 1000, shared: false }, 'seen: when, decided here');
  t.notOk(store.rememberOnce('b', 1000, 1090) instanceof Promise, 'never a promise');
});

t.test('lists what it still remembers, each with the end of its generation', async (t) => {
  const store = new MemoryReplayStore();
  store.remember('a', 1000, 1090);
  store.remember('b', 1001, 1099);
  store.remember('c', 1002, 1100);
  store.remember('gone', 900, 990);
  t.same([...store.entries(1005)].sort(), [['a', 1000, 1099], ['b', 1001, 1099], ['c', 1002, 1109]], 'kept until at most 9 s after its own time; a past key is not listed');
  t.same([...store.entries(1100)], [['c', 1002, 1109]], 'a generation past is not listed, even before it is dropped');
});

t.test('forgets expired keys so memory follows traffic', async (t) => {
  const store = new MemoryReplayStore();
  for (let i = 0; i < 900; i++) store.remember(`k${i}`, 1000, 1090 + (i % 30));
  t.equal(store.size, 900);
  store.remember('later', 1115, 1205);
  t.equal(store.size, 1 + 300, 'the keys due by 1109 are gone, those due from 1110 on kept');
  t.equal(store.remember('k29', 1115, 1205), 1000, 'a kept key still answers');
  store.remember('later still', 2000, 2090);
  t.equal(store.size, 1, 'every expired key was forgotten');
});

t.test('a presentation shown again after its proof went stale is PROOF_STALE, though replay memory may still hold it', async (t) => {
  const w = new World();
  t.teardown(() => w.close());
  const payload = w.present(undefined, { iat: NOW_S - 85, jti: 'stale-not-replayed-01' });
  t.equal(w.verify(payload).verdict, 'VALID');
  t.equal(w.verify(payload, NOW + 5_000).verdict, 'REPLAYED', 'still fresh: REPLAYED');
  t.equal(w.verify(payload, NOW + 6_000).verdict, 'PROOF_STALE', 'past its time: PROOF_STALE, whatever replay memory holds');
  t.ok(w.deps.replay.size >= 1, 'replay memory still holds it');
});

t.test('the key is the (iss, credential jti, proof jti) triple, unambiguously', async (t) => {
  t.not(replayKey('a', 'b\u0000c', 'd'), replayKey('a\u0000b', 'c', 'd'));
  t.not(replayKey('a","b', 'c', 'd'), replayKey('a', 'b","c', 'd'));
  t.equal(replayKey('PL', 'x', 'y'), replayKey('PL', 'x', 'y'));
  // Every triple of short strings over digits, ':' and a letter: no two share a key.
  const words = [''];
  for (let length = 1; length <= 3; length++) for (const w of words.filter((x) => x.length === length - 1)) for (const c of ['1', ':', 'a']) words.push(w + c);
  const keys = new Set<string>();
  let triples = 0;
  for (const a of words) for (const b of words) for (const c of words) {
    keys.add(replayKey(a, b, c));
    triples++;
  }
  t.equal(keys.size, triples, `${triples} triples, as many keys`);
});

t.test('an idle verifier forgets too: replay memory is trimmed on a timer, not only on the next scan', async (t) => {
  const clock = new ManualClock();
  const site = createSite();
  t.teardown(() => site.remove());
  const verifier = new Verifier(loadConfig(site.configFile), captureLog('warn').log, { clock });
  verifier.start();
  t.teardown(() => verifier.close());
  for (let i = 0; i < 50; i++) t.equal((await verifier.verify(site.present(undefined, { iat: clock.seconds - 1 }), 'test', clock.now())).verdict, 'VALID');
  t.equal(verifier.replay.size, 50, 'remembered while their proofs could be fresh');
  await clock.advance(60_000);
  t.equal(verifier.replay.size, 50, 'still within 90 s');
  await clock.advance(50_000);
  t.equal(verifier.replay.size, 0, 'forgotten once past, with no scan in between');
  verifier.close();
  t.equal(clock.timers, 0, 'closing stops the timer');
});
