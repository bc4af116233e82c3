/**
 * Life cycle of `mleg serve` (SPEC 7): on SIGTERM it stops accepting, switches the gate
 * relays off and closes the scanners whatever clients do, answers the requests in flight,
 * ends event streams, and exits 0 within 5 s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { exited, mlegServe } from '../helpers/cli.js';
import { PtyPair } from '../helpers/pty.js';
import { until } from '../helpers/until.js';
import { STATUS_URI } from '../helpers/world.js';
import { createSite, siteStatusList } from '../helpers/site.js';
import { SseClient } from '../helpers/sse.js';
import { StatusServer } from '../helpers/status-server.js';

const ON = 'A0 01 01 A2';
const OFF = 'A0 01 00 A1';

t.test('SIGTERM with a verification in flight and an event stream open', async (t) => {
  const server = await StatusServer.start();
  t.teardown(() => server.close());
  const site = createSite();
  t.teardown(() => site.remove());
  // The in-flight verification waits on a first status list fetch, answered 0.7 s after
  // SIGTERM: within the service's 2 s of grace for such waits, with room for a loaded machine.
  const uri = `${server.base}/slow`;
  let fetched!: () => void;
  const reached = new Promise<void>((resolve) => (fetched = resolve));
  let answer!: () => void;
  server.route('/slow', (_req, res) => {
    answer = () => setTimeout(() => res.end(siteStatusList(site.issuer, uri)), 700);
    fetched();
  });
  site.configure({ status: { allowHttp: true } });
  const { child, port, output } = await mlegServe(['--config', site.configFile]);
  t.teardown(() => child.kill('SIGKILL'));
  const base = `http://127.0.0.1:${port}`;

  const stream = await SseClient.open(`${base}/v1/events`);
  await stream.until((c) => c.comments.includes('connected'));
  const inFlight = fetch(`${base}/v1/verify`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: site.present(site.credential({ status: { uri, idx: 0 } })) });
  await reached;
  const started = Date.now();
  child.kill('SIGTERM');
  answer();

  const res = await inFlight;
  t.equal(res.status, 200, 'the request in flight is finished');
  t.equal(((await res.json()) as { verdict: string }).verdict, 'VALID');
  await stream.until((c) => c.ended, 5000, 'the event stream to end');
  t.equal(await exited(child), 0, 'exit 0');
  t.ok(Date.now() - started < 5000, `stopped in ${Date.now() - started} ms`);
  await t.rejects(fetch(`${base}/healthz`), 'no longer accepting');
  const lines = output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string });
  t.ok(lines.some((l) => l.msg === 'stopping') && lines.some((l) => l.msg === 'stopped'), 'the stop is logged and the log flushed');
});

t.test('SIGINT stops an idle service too', async (t) => {
  const site = createSite();
  t.teardown(() => site.remove());
  const { child } = await mlegServe(['--config', site.configFile]);
  child.kill('SIGINT');
  t.equal(await exited(child), 0);
});

t.test('SIGTERM with a gate open, an upload that never finishes and a status host that never answers: the relay goes off at once, the waiting client gets its verdict, exit 0 within 5 s', async (t) => {
  const server = await StatusServer.start();
  t.teardown(() => server.close());
  const silent = server.route('/silent', () => {}); // accepts, then never answers
  const site = createSite();
  const dir = mkdtempSync(join(tmpdir(), 'mleg-stop-'));
  const [gate, relayPty] = await Promise.all([PtyPair.open(dir, 'gate'), PtyPair.open(dir, 'relay')]);
  t.teardown(async () => {
    await Promise.all([gate.kill(), relayPty.kill()]);
    site.remove();
    rmSync(dir, { recursive: true, force: true });
  });
  site.configure({
    status: { allowHttp: true, fetchTimeoutMs: 60000, files: { [STATUS_URI]: 'status.jwt' } },
    scanners: [{ id: 'gate-1', type: 'serial', path: gate.path }],
    outputs: [{ id: 'turnstile', type: 'serial-relay', path: relayPty.path, relay: 1 }],
    lanes: [{ id: 'entry', scanners: ['gate-1'], outputs: ['turnstile'], openMs: 9000 }],
  });
  // The device ends first, so that the relay's "off" on connect is not sent into a pty nobody reads.
  const [scanner, relay] = await Promise.all([gate.device(), relayPty.device()]);
  t.teardown(() => Promise.all([scanner.close(), relay.close()]));
  const { child, port, output } = await mlegServe(['--config', site.configFile]);
  t.teardown(() => child.kill('SIGKILL'));
  await until(() => relay.hex === OFF, 5000, 'the relay shut on connect');
  await scanner.write(`${site.present()}\r\n`);
  await until(() => relay.hex === `${OFF} ${ON}`, 5000, 'the gate open for 9 s');

  const upload = connect(port, '127.0.0.1');
  const uploadClosed = new Promise<void>((resolve) => upload.on('close', () => resolve()));
  upload.on('error', () => {});
  upload.write('POST /v1/verify HTTP/1.1\r\nHost: mleg\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\nMLEG1:');
  const waiting = fetch(`http://127.0.0.1:${port}/v1/verify`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: site.present(site.credential({ status: { uri: silent, idx: 0 } })),
  });
  await until(() => server.hitsOf('/silent') === 1, 5000, 'the verification waiting on the silent host');

  const started = Date.now();
  child.kill('SIGTERM');
  await until(() => relay.hex === `${OFF} ${ON} ${OFF}`, 1500, 'the relay off at once, not 9 s later');
  const res = await waiting;
  t.equal(res.status, 200, 'the waiting verification is answered, not reset');
  const result = (await res.json()) as { verdict: string; reason: string };
  t.equal(result.verdict, 'STATUS_UNAVAILABLE', 'without its list: STATUS_UNAVAILABLE');
  t.equal(await exited(child), 0, 'exit 0');
  const took = Date.now() - started;
  t.ok(took < 5000, `stopped in ${took} ms`);
  await uploadClosed;
  t.pass('the stalled upload was closed');
  const lines = output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string });
  t.ok(lines.some((l) => l.msg === 'stopped'), 'the stop completes and is logged');
});
