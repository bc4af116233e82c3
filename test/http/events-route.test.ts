import t from 'tap';
import { makeResult } from '../../src/verify/result.js';
import type { Verdict } from '../../src/verify/verdicts.js';
import { until } from '../helpers/until.js';
import { startService } from '../helpers/service.js';
import { SseClient } from '../helpers/sse.js';

const scan = (scanner: string, verdict: Verdict) => ({ type: 'scan' as const, data: { scanner, result: makeResult(verdict, 'test', Date.now()) } });

t.test('scans are delivered in order as event: scan with {scanner, result}', async (t) => {
  const s = await startService();
  t.teardown(() => s.close());
  const client = await SseClient.open(`${s.url}/v1/events`);
  t.equal(client.response.statusCode, 200);
  t.match(client.response.headers['content-type'], /^text\/event-stream/);
  t.match(client.response.headers['cache-control'], /no-cache/);
  await client.until(() => client.comments.includes('connected'), 2000, 'the opening comment');
  const verdicts: Verdict[] = ['VALID', 'REVOKED', 'MALFORMED', 'REPLAYED', 'VALID'];
  verdicts.forEach((v, i) => s.bus.publish(scan(`gate-${i % 2}`, v)));
  await client.until((c) => c.events.length === verdicts.length, 5000, 'five events');
  t.same(client.events.map((e) => e.event), verdicts.map(() => 'scan'));
  const data = client.data<{ scanner: string; result: { verdict: string; valid: boolean } }>();
  t.same(data.map((d) => d.result.verdict), verdicts, 'in publishing order');
  t.same(data.map((d) => d.scanner), ['gate-0', 'gate-1', 'gate-0', 'gate-1', 'gate-0']);
  t.equal(data[0]!.result.valid, true);
  const ids = client.events.map((e) => Number(e.id));
  t.same(ids, [...ids].sort((a, b) => a - b), 'ids increase');
  client.close();
  // The server learns of the close when the socket's end reaches it: poll, do not guess a delay.
  await until(() => s.bus.subscribers === 0, 5000, 'the stream to be unsubscribed');
  t.equal(s.bus.subscribers, 0, 'a client that leaves is unsubscribed');
});

t.test('heartbeat comment at the configured interval', async (t) => {
  const s = await startService({ config: { events: { heartbeatSeconds: 1 } } });
  t.teardown(() => s.close());
  const client = await SseClient.open(`${s.url}/v1/events`);
  const started = Date.now();
  await client.until((c) => c.comments.filter((x) => x === 'heartbeat').length >= 2, 5000, 'two heartbeats');
  t.ok(Date.now() - started >= 1500, 'heartbeats are spaced by the interval, not sent at once');
  t.equal(client.events.length, 0, 'a heartbeat is a comment, not an event');
  client.close();
});

t.test('Last-Event-ID catches up on what was missed', async (t) => {
  const s = await startService();
  t.teardown(() => s.close());
  const first = s.bus.publish(scan('gate-1', 'VALID'));
  s.bus.publish(scan('gate-1', 'EXPIRED'));
  s.bus.publish(scan('gate-1', 'REVOKED'));
  const client = await SseClient.open(`${s.url}/v1/events`, { 'last-event-id': String(first.id) });
  await client.until((c) => c.events.length === 2, 2000, 'two missed events');
  t.same(client.data<{ result: { verdict: string } }>().map((d) => d.result.verdict), ['EXPIRED', 'REVOKED']);
  client.close();
});

t.test('scanner state changes are events too', async (t) => {
  const s = await startService();
  t.teardown(() => s.close());
  const client = await SseClient.open(`${s.url}/v1/events`);
  await client.until(() => client.comments.includes('connected'));
  s.bus.publish({ type: 'scanner', data: { scanner: 'gate-1', state: 'disconnected', reason: 'unplugged', at: new Date().toISOString() } });
  await client.until((c) => c.events.length === 1);
  t.equal(client.events[0]!.event, 'scanner');
  t.match(JSON.parse(client.events[0]!.data), { scanner: 'gate-1', state: 'disconnected' });
  client.close();
});

t.test('stopping the service ends open streams cleanly', async (t) => {
  const s = await startService();
  const client = await SseClient.open(`${s.url}/v1/events`);
  await client.until(() => client.comments.includes('connected'));
  const started = Date.now();
  await s.close();
  await client.until((c) => c.ended, 2000, 'the stream to end');
  t.ok(Date.now() - started < 2000, 'stop did not wait for the client');
});
