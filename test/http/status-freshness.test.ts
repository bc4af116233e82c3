/**
 * Every result says how fresh its revocation data was (issue 22, item 8): `status.iat`,
 * when the deciding list was issued, and `status.age_seconds`, through the HTTP answers'
 * schemas (which drop what they do not declare) and the event stream, on the main thread
 * and on verifier threads (whose lists are shared copies of the main thread's).
 */
import t from 'tap';
import { readJson, startService } from '../helpers/service.js';
import { SseClient } from '../helpers/sse.js';
import { IDX, STATUS_URI } from '../helpers/world.js';

for (const workers of [1, 2]) {
  t.test(`workers: ${workers}: /v1/verify, the batch and /v1/events carry the list's iat and age`, async (t) => {
    const s = await startService({ config: { workers } });
    t.teardown(() => s.close());
    const listIat = s.verifier.status.state()[0]!.iat! * 1000; // the site's list, issued a minute before it was written
    const fresh = (status: { checked: boolean; iat?: string; age_seconds?: number }, checked: boolean, what: string) => {
      t.equal(status.checked, checked, `${what}: checked ${checked}`);
      t.equal(status.iat, new Date(listIat).toISOString(), `${what}: the list's iat`);
      const age = Math.floor((Date.now() - listIat) / 1000);
      t.ok(status.age_seconds! >= 55 && status.age_seconds! <= age, `${what}: age ${status.age_seconds} s (the site's list is a minute old)`);
    };

    const post = (payload: string) => fetch(`${s.url}/v1/verify`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: payload }).then(readJson);
    fresh((await post(s.present())).status, true, 'VALID');
    fresh((await post(s.present(s.credential({ status: { uri: STATUS_URI, idx: IDX.revoked } })))).status, true, 'REVOKED');
    fresh((await post(s.present(s.credential({ status: { uri: STATUS_URI, idx: 64 } })))).status, false, 'index past the end');
    const expired = await post(s.present(s.credential({ exp: Math.floor(Date.now() / 1000) - 86400 })));
    t.same(expired.status, { checked: false }, 'EXPIRED: no list asked, nothing claimed');

    const batch = await readJson(await fetch(`${s.url}/v1/verify/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ payloads: [s.present(), s.present()] }) }));
    for (const r of batch.results) fresh(r.status, true, 'batch');

    const events = await SseClient.open(`${s.url}/v1/events`);
    t.teardown(() => events.close());
    s.bus.publish({ type: 'scan', data: { scanner: 'gate-1', lane: 'gate-1', result: await s.verifier.verify(s.present(), 'gate-1') } });
    await events.until((c) => c.events.length === 1, 5000, 'one scan');
    fresh(events.data<{ result: { status: { checked: boolean; iat: string; age_seconds: number } } }>()[0]!.result.status, true, '/v1/events');

    const openapi = await readJson(await fetch(`${s.url}/openapi.json`));
    t.match(JSON.stringify(openapi), /"age_seconds"/, 'documented in the OpenAPI document');
  });
}
