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
});
