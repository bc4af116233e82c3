/**
 * SPEC 8: the configuration keys the contract relies on take effect in a running service.
 * Each value is chosen so that its default would give a different verdict.
 */
import t from 'tap';
import { readJson, startService, type TestService } from '../helpers/service.js';
import { STATUS_URI } from '../helpers/world.js';

const now = () => Math.floor(Date.now() / 1000);
const verdictOf = async (s: TestService, payload: string) =>
  readJson(await fetch(`${s.url}/v1/verify`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: payload }));

t.test('presentation.*, clockSkewSeconds and status.onUnavailable', async (t) => {
  const s = await startService({
    config: {
      presentation: { requireProof: false, maxAgeSeconds: 10, futureSkewSeconds: 5 },
      clockSkewSeconds: 0,
      status: { files: { [STATUS_URI]: 'status.jwt' }, onUnavailable: 'accept' },
    },
  });
  t.teardown(() => s.close());
  t.equal((await verdictOf(s, s.present(undefined, { iat: now() - 20 }))).verdict, 'PROOF_STALE', 'presentation.maxAgeSeconds 10 (default 90)');
  t.equal((await verdictOf(s, s.present(undefined, { iat: now() + 15 }))).verdict, 'PROOF_STALE', 'presentation.futureSkewSeconds 5 (default 30)');
  t.equal((await verdictOf(s, s.present(s.credential({ exp: now() - 10 })))).verdict, 'EXPIRED', 'clockSkewSeconds 0 (default 30)');
  t.equal((await verdictOf(s, s.present(s.credential({ nbf: now() + 10 })))).verdict, 'NOT_YET_VALID', 'clockSkewSeconds 0 for nbf');
  t.equal((await verdictOf(s, `MLEG1:${s.credential()}`)).verdict, 'VALID', 'presentation.requireProof false (default: PROOF_MISSING)');
  const unchecked = await verdictOf(s, s.present(s.credential({ status: { uri: 'http://status.test/none', idx: 0 } })));
  t.match(unchecked, { verdict: 'VALID', status: { checked: false } }, 'status.onUnavailable accept (default: STATUS_UNAVAILABLE)');
});

t.test('status.maxAgeSeconds', async (t) => {
  // The site's status list was issued 60 s ago.
  const s = await startService({ config: { status: { files: { [STATUS_URI]: 'status.jwt' }, maxAgeSeconds: 30 } } });
  t.teardown(() => s.close());
  t.match(await verdictOf(s, s.present()), { verdict: 'STATUS_UNAVAILABLE', reason: /at most 30 s/ }, 'a list older than status.maxAgeSeconds is not used');
});
