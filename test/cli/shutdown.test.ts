/**
 * Life cycle of `mleg serve`: on SIGTERM it stops accepting, finishes the requests in
 * flight, ends event streams, and exits 0 within 5 s.
 */
import t from 'tap';
import { exited, mlegServe } from '../helpers/cli.js';
import { createSite, siteStatusList } from '../helpers/site.js';
import { SseClient } from '../helpers/sse.js';
import { StatusServer } from '../helpers/status-server.js';

t.test('SIGTERM with a verification in flight and an event stream open', async (t) => {
  const server = await StatusServer.start();
  t.teardown(() => server.close());
  const site = createSite();
  t.teardown(() => site.remove());
  // The in-flight verification waits on a first status list fetch that takes 1.5 s.
  const uri = `${server.base}/slow`;
  server.route('/slow', (_req, res) => setTimeout(() => res.end(siteStatusList(site.issuer, uri)), 1500));
  site.configure({ status: { allowHttp: true } });
  const { child, port, output } = await mlegServe(['--config', site.configFile]);
  t.teardown(() => child.kill('SIGKILL'));
  const base = `http://127.0.0.1:${port}`;

  const stream = await SseClient.open(`${base}/v1/events`);
  await stream.until((c) => c.comments.includes('connected'));
  const inFlight = fetch(`${base}/v1/verify`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: site.present(site.credential({ status: { uri, idx: 0 } })) });
  await new Promise((r) => setTimeout(r, 300));
  const started = Date.now();
  child.kill('SIGTERM');

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
