/** The login throttle's rule, on its own: free failures, doubling delays up to a minute, a lock, locked again by each failure after it. */
import t from 'tap';
import { addressKey, afterFailure, delayAfter, MAX_DELAY_MS, refusal, UNTOUCHED, type ThrottleState } from '../../../src/issuance/portal/login-throttle.js';

const policy = { free: 2, maxFailures: 10, lockMs: 15 * 60_000 };

t.test('delays after each failure: none for the free ones, then 1, 2, 4 … s, at most a minute', async (t) => {
  t.same([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((f) => delayAfter(f, policy)), [0, 0, 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
  t.equal(delayAfter(1000, policy), MAX_DELAY_MS, 'no overflow however many');
});

t.test('a state through failures: refused while delayed, locked at maxFailures, again after the lock ends', async (t) => {
  let state: ThrottleState = UNTOUCHED;
  let now = 1_000_000;
  for (let f = 1; f <= 9; f++) {
    t.equal(refusal(state, now), undefined, `attempt ${f} may be checked`);
    const next = afterFailure(state, now, policy);
    t.equal(next.lockedNow, false);
    state = next;
    if (f >= 3) t.same(refusal(state, now), { refused: 'delayed', until: now + delayAfter(f, policy) });
    now += delayAfter(f, policy);
  }
  const tenth = afterFailure(state, now, policy);
  t.equal(tenth.lockedNow, true, 'the tenth failure locks');
  t.same(refusal(tenth, now + 60_000), { refused: 'locked', until: now + policy.lockMs }, 'the lock outlasts the delay');
  const after = afterFailure(tenth, now + policy.lockMs, policy);
  t.equal(after.lockedNow, true, 'a failure after the lock locks again');
});

t.test('addresses are kept as HMACs: the same address the same key, another key another', async (t) => {
  const k1 = Buffer.alloc(32, 1);
  t.same(addressKey(k1, '203.0.113.7'), addressKey(k1, '203.0.113.7'));
  t.notSame(addressKey(k1, '203.0.113.7'), addressKey(k1, '203.0.113.8'));
  t.notSame(addressKey(k1, '203.0.113.7'), addressKey(Buffer.alloc(32, 2), '203.0.113.7'));
  t.equal(addressKey(k1, '::1').length, 32);
});
