import t from 'tap';
import { readJson, startService, type TestService } from '../helpers/service.js';
import { IDX, STATUS_URI } from '../helpers/world.js';

let s: TestService;
t.before(async () => {
  s = await startService();
});
t.teardown(() => s.close());
const batch = (body: unknown) => fetch(`${s.url}/v1/verify/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

t.test('mixed verdicts come back in the order sent', async (t) => {
  const valid = s.present();
  const payloads = [
    valid,
    'MLEG1:garbage',
    s.present(s.credential({ status: { uri: STATUS_URI, idx: IDX.revoked } })),
    valid,
    s.present(s.credential({ exp: Math.floor(Date.now() / 1000) - 3600 })),
    s.present(s.credential({ status: { uri: STATUS_URI, idx: IDX.suspended } })),
    s.present(),
  ];
  const res = await batch({ payloads });
  t.equal(res.status, 200);
  const { results } = await readJson(res);
  t.same(
    results.map((r: { verdict: string }) => r.verdict),
    ['VALID', 'MALFORMED', 'REVOKED', 'REPLAYED', 'EXPIRED', 'SUSPENDED', 'VALID'],
  );
  t.equal(results[1].credential, null);
});

t.test('up to 1000 payloads; more, or a bad body, is a 400 with a reason', async (t) => {
  const many = Array.from({ length: 1000 }, (_, i) => `MLEG1:x${i}`);
  const ok = await batch({ payloads: many });
  t.equal(ok.status, 200);
  t.equal((await readJson(ok)).results.length, 1000);
  const over = await batch({ payloads: [...many, 'MLEG1:one-more'] });
  t.equal(over.status, 400);
  t.match(await readJson(over), { error: 'BODY_INVALID', message: /must NOT have more than 1000 items/ });
  for (const body of [{}, { payloads: 'MLEG1:x' }, { payloads: [1, 2] }, { payloads: [], extra: true }]) {
    t.equal((await batch(body)).status, 400, JSON.stringify(body));
  }
  t.same(await readJson(await batch({ payloads: [] })), { results: [] }, 'an empty batch is fine');
});

t.test('413 over the batch body limit; 415 for other types', async (t) => {
  const huge = { payloads: Array.from({ length: 900 }, () => 'A'.repeat(6000)) };
  t.equal((await batch(huge)).status, 413);
  const text = await fetch(`${s.url}/v1/verify/batch`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'MLEG1:x' });
  t.equal(text.status, 415);
});
