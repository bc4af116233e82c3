import t from 'tap';
import { MemoryReplayStore, replayKey } from '../../src/replay/replay-store.js';

t.test('remembers a key until its time, then forgets it', async (t) => {
  const store = new MemoryReplayStore();
  t.equal(store.rememberOnce('a', 1000, 1090), undefined, 'first time: not seen');
  t.equal(store.rememberOnce('a', 1050, 1140), 1000, 'seen: answers when it was first remembered');
  t.equal(store.rememberOnce('a', 1090, 1180), 1000, 'still remembered at its last second');
  t.equal(store.rememberOnce('a', 1091, 1181), undefined, 'forgotten after');
  t.equal(store.size, 1);
});

t.test('sweeps expired keys so memory follows traffic', async (t) => {
  const store = new MemoryReplayStore();
  for (let i = 0; i < 1000; i++) store.rememberOnce(`k${i}`, 1000, 1090);
  t.equal(store.size, 1000);
  store.rememberOnce('later', 2000, 2090);
  t.equal(store.size, 1, 'every expired key was swept');
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
