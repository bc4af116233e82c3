/**
 * The display's routes over plain HTTP: the page and its assets with their own CSP,
 * /v1/display/config, the display stream (lane filter, redaction, framing, catch-up,
 * end), and `display.enabled: false`.
 */
import { readFileSync } from 'node:fs';
import t from 'tap';
import { DISPLAY_CSP } from '../../src/http/display-routes.js';
import { VERDICT_TEXTS } from '../../src/http/display-view.js';
import { makeResult } from '../../src/verify/result.js';
import { VERDICTS } from '../../src/verify/verdicts.js';
import { readJson, startService, type TestService } from '../helpers/service.js';
import { SseClient } from '../helpers/sse.js';
import { STUDENT } from '../helpers/world.js';

const source = (name: string) => readFileSync(new URL(`../../src/http/display/${name}`, import.meta.url), 'utf8');

async function publishVerified(s: TestService, data: { scanner: string; lane?: string }) {
  const result = await s.verifier.verify(s.present(), data.scanner);
  return s.bus.publish({ type: 'scan', data: { ...data, result } });
}

t.test('/ is the page, with its own strict CSP; its assets come from the service', async (t) => {
  const s = await startService();
  t.teardown(() => s.close());
  const page = await fetch(`${s.url}/?lane=gate-2`);
  t.equal(page.status, 200);
  t.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
  t.equal(page.headers.get('content-security-policy'), DISPLAY_CSP);
  t.match(DISPLAY_CSP, /script-src 'self'; style-src 'self'; connect-src 'self'/);
  t.notMatch(DISPLAY_CSP, /unsafe-inline|unsafe-eval/);
  t.equal(page.headers.get('x-frame-options'), 'DENY', 'the other safe defaults stay');
  t.equal(page.headers.get('cache-control'), 'no-store');
  const html = await page.text();
  t.equal(html, source('index.html'));
  t.notMatch(html, /<script(?![^>]*\bsrc=)/, 'no inline script');
  t.notMatch(html, /<style|\sstyle=|\son[a-z]+=/i, 'no inline style or handler');

  for (const [name, type] of [
    ['display.css', 'text/css; charset=utf-8'],
    ['display.js', 'text/javascript; charset=utf-8'],
  ] as const) {
    t.match(html, `/display/${name}`, `the page loads ${name}`);
    const res = await fetch(`${s.url}/display/${name}`);
    t.equal(res.status, 200);
    t.equal(res.headers.get('content-type'), type);
    const body = await res.text();
    t.equal(body, source(name));
    t.notMatch(body, /https?:\/\/|@import|url\(/, `${name}: no external assets`);
  }
  t.notMatch(html, /https?:\/\//, 'index.html: no external assets');
  t.equal((await fetch(`${s.url}/display/missing.js`)).status, 404);
  t.equal((await fetch(`${s.url}/display/..%2F..%2Fpackage.json`)).status, 404, 'only the page files');
});

t.test('/v1/display/config: the lane, how long a result stays, what the screen shows, the verdict texts', async (t) => {
  const s = await startService({
    config: {
      display: { holdSeconds: 7, show: { default: ['given_name', 'family_name'], lanes: { 'gate-2': [] } } },
      events: { heartbeatSeconds: 3 },
    },
  });
  t.teardown(() => s.close());
  const all = await readJson(await fetch(`${s.url}/v1/display/config`));
  t.match(all, { lane: null, known: true, lanes: [], holdSeconds: 7, heartbeatSeconds: 3, show: ['given_name', 'family_name'] });
  t.same(Object.keys(all.verdicts).sort(), [...VERDICTS].sort(), 'a text for every verdict');
  t.same(all.verdicts.REVOKED, { pl: 'Unieważniona przez wystawcę', en: 'Revoked by the issuer' });
  for (const v of VERDICTS) t.ok(VERDICT_TEXTS[v].pl !== '' && VERDICT_TEXTS[v].en !== '' && VERDICT_TEXTS[v].pl !== VERDICT_TEXTS[v].en, `${v}: Polish and English`);
  const gate2 = await readJson(await fetch(`${s.url}/v1/display/config?lane=gate-2`));
  t.match(gate2, { lane: 'gate-2', known: false, show: [] });
  t.match(all, { layout: 'desk', timeZone: 'Europe/Warsaw', statusWarnAgeSeconds: 86400 }, 'the default layout, zone and warning age');
  t.equal((await fetch(`${s.url}/v1/display/config?lane=`)).status, 400, 'an empty lane is refused');
  const openapi = await readJson(await fetch(`${s.url}/openapi.json`));
  t.ok(openapi.paths['/v1/display/config'] && openapi.paths['/v1/display/events'], 'documented in the OpenAPI document');
  t.notOk(openapi.paths['/'], 'the page itself is not an API');
});

t.test('the display stream: one lane, holder fields cut to display.show, never the document number', async (t) => {
  const s = await startService({ config: { display: { show: { default: ['given_name', 'family_name', 'birthdate'], lanes: { 'gate-2': ['birthdate'] } } } } });
  t.teardown(() => s.close());
  const gate2 = await SseClient.open(`${s.url}/v1/display/events?lane=gate-2`);
  const till = await SseClient.open(`${s.url}/v1/display/events?lane=till-1`);
  const all = await SseClient.open(`${s.url}/v1/display/events`);
  t.teardown(() => [gate2, till, all].forEach((c) => c.close()));
  t.equal(gate2.response.headers['content-type'], 'text/event-stream; charset=utf-8');
  await gate2.until((c) => c.comments.includes('connected'));

  await publishVerified(s, { scanner: 'gate-1', lane: 'gate-1' });
  await publishVerified(s, { scanner: 'scanner-b', lane: 'gate-2' });
  await publishVerified(s, { scanner: 'till-1' }); // a scanner in no lane: its id is its lane on screens
  s.bus.publish({ type: 'scanner', data: { scanner: 'gate-1', state: 'disconnected', at: new Date().toISOString() } });
  await all.until((c) => c.events.length === 3, 5000, 'three scans');
  await Promise.all([gate2, till].map((c) => c.until((x) => x.events.length === 1, 5000, 'one scan')));
  await new Promise((r) => setTimeout(r, 100)); // room for anything that should not come

  t.same(all.events.map((e) => e.event), ['scan', 'scan', 'scan'], 'scans only, no scanner states');
  t.same(all.data<{ lane: string; scanner: string }>().map((d) => [d.lane, d.scanner]), [['gate-1', 'gate-1'], ['gate-2', 'scanner-b'], ['till-1', 'till-1']]);
  t.same(gate2.data<{ scanner: string }>().map((d) => d.scanner), ['scanner-b'], 'gate-2 gets its own lane only');
  t.same(till.data<{ scanner: string }>().map((d) => d.scanner), ['till-1']);
  t.same(gate2.events.map((e) => e.id), [all.events[1]!.id], 'same ids as the bus (Last-Event-ID works)');

  const [shown] = gate2.data<{ result: Record<string, unknown> }>();
  t.same(shown!.result.holder, { birthdate: STUDENT.birthdate }, 'gate-2 may show the birthdate only');
  t.same(Object.keys(shown!.result.credential as object).sort(), ['doc', 'org', 'valid_until']);
  t.match(shown!.result, { verdict: 'VALID', valid: true, credential: { doc: 'school', org: { name: STUDENT.org.name } }, status: { checked: true } });
  t.same(all.data<{ result: { holder: unknown } }>()[0]!.result.holder, { given_name: STUDENT.given_name, family_name: STUDENT.family_name, birthdate: STUDENT.birthdate });
  const bytes = [gate2, till, all].flatMap((c) => c.events.map((e) => e.data)).join('\n');
  t.notOk(bytes.includes(STUDENT.doc_no), 'no document number on any screen stream');
  t.notOk(bytes.includes('RSPO-777'), 'nor what the screen does not use');

  await s.close();
  await Promise.all([gate2, till, all].map((c) => c.until((x) => x.ended, 3000, 'the stream to end')));
  t.pass('stopping the service ends display streams');
});

t.test("/v1/display/config: each lane's layout; the zone and the warning age as configured", async (t) => {
  const s = await startService({ config: { display: { layout: { lanes: { 'gate-1': 'gate' } }, timeZone: 'UTC', statusWarnAgeSeconds: 3600 } } });
  t.teardown(() => s.close());
  const config = async (lane: string) => readJson(await fetch(`${s.url}/v1/display/config${lane === '' ? '' : `?lane=${lane}`}`));
  t.match(await config('gate-1'), { layout: 'gate', timeZone: 'UTC', statusWarnAgeSeconds: 3600 });
  t.match(await config('till'), { layout: 'desk' });
  t.match(await config(''), { layout: 'desk' });
  t.ok(s.logs.some((l) => l.level === 40 && l.lane === 'gate-1' && String(l.msg).startsWith('display.layout.lanes names a lane no scanner is in')), 'a layout for a lane no scanner is in is logged');
});

t.test("the display stream carries what the page's small print is made of: the list's freshness, a replay's first acceptance", async (t) => {
  const s = await startService();
  t.teardown(() => s.close());
  const client = await SseClient.open(`${s.url}/v1/display/events?lane=gate-1`);
  t.teardown(() => client.close());
  const payload = s.present();
  const first = await s.verifier.verify(payload, 'gate-1');
  const again = await s.verifier.verify(payload, 'gate-1');
  for (const result of [first, again]) s.bus.publish({ type: 'scan', data: { scanner: 'gate-1', lane: 'gate-1', result } });
  await client.until((c) => c.events.length === 2, 5000, 'two scans');
  const [valid, replayed] = client.data<{ result: Record<string, unknown> }>().map((d) => d.result);
  t.match(valid!.status, { checked: true, iat: first.status.iat, age_seconds: first.status.age_seconds });
  t.notOk('first_accepted_at' in valid!, 'only a replay has a first acceptance');
  t.equal(again.verdict, 'REPLAYED');
  t.equal(replayed!.first_accepted_at, new Date(Math.floor(Date.parse(first.checked_at) / 1000) * 1000).toISOString(), 'when the VALID one was accepted');
  t.match(replayed!.status, { checked: true, iat: first.status.iat });
});

t.test('the display stream: a heartbeat the page can see, and catch-up only of what would still be on screen', async (t) => {
  const s = await startService({ config: { events: { heartbeatSeconds: 1 }, display: { holdSeconds: 5 } } });
  t.teardown(() => s.close());
  const old = makeResult('REVOKED', 'revoked by its issuer', Date.now() - 10_000);
  const first = s.bus.publish({ type: 'scan', data: { scanner: 'gate-1', lane: 'gate-1', result: old } });
  const fresh = await publishVerified(s, { scanner: 'gate-1', lane: 'gate-1' });
  const client = await SseClient.open(`${s.url}/v1/display/events?lane=gate-1`, { 'last-event-id': String(first.id - 1) });
  t.teardown(() => client.close());
  await client.until((c) => c.events.some((e) => e.event === 'heartbeat'), 3000, 'a heartbeat event');
  t.same(client.data().length, 1, 'the scan older than holdSeconds is not caught up');
  t.equal(client.events.find((e) => e.event === 'scan')!.id, String(fresh.id));
  t.same(client.data('heartbeat'), [{}]);
  t.notOk(client.comments.includes('heartbeat'), 'a heartbeat event, not a comment');
  const streams = await (await fetch(`${s.url}/metrics`)).text();
  t.match(streams, /mleg_event_stream_clients 1/, 'counted with the event streams');
});

t.test('display.enabled: false leaves an API-only service', async (t) => {
  const s = await startService({ config: { display: { enabled: false } } });
  t.teardown(() => s.close());
  for (const path of ['/', '/display/display.js', '/v1/display/config', '/v1/display/events']) t.equal((await fetch(`${s.url}${path}`)).status, 404, `${path}: 404`);
  const events = await SseClient.open(`${s.url}/v1/events`);
  t.teardown(() => events.close());
  t.equal(events.response.statusCode, 200, '/v1/events stays');
});

t.test('a display.show lane that names no lane or scanner is logged at start', async (t) => {
  const s = await startService({ config: { display: { show: { lanes: { 'gate-9': [] } } } } });
  t.teardown(() => s.close());
  t.ok(s.logs.some((l) => l.level === 40 && l.lane === 'gate-9' && String(l.msg).startsWith('display.show.lanes names a lane no scanner is in')));
});
