import { once } from 'node:events';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import t from 'tap';
import { exited, mleg, mlegServe } from '../helpers/cli.js';
import { createSite } from '../helpers/site.js';

t.test('mleg serve --config FILE: ready, verifies, stops cleanly on SIGTERM', async (t) => {
  const site = createSite();
  t.teardown(() => site.remove());
  const { child, port } = await mlegServe(['--config', site.configFile]);
  t.teardown(() => child.kill('SIGKILL'));
  const base = `http://127.0.0.1:${port}`;
  t.equal((await fetch(`${base}/readyz`)).status, 200);
  const res = await fetch(`${base}/v1/verify`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: site.present() });
  t.equal(((await res.json()) as { verdict: string }).verdict, 'VALID');
  child.kill('SIGTERM');
  t.equal(await exited(child), 0, 'exit 0 after SIGTERM');
});

t.test('refuses to start on a bad trust list, naming the key', async (t) => {
  const site = createSite();
  t.teardown(() => site.remove());
  const { writeFileSync } = await import('node:fs');
  writeFileSync(`${site.dir}/trust.json`, JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', kid: 'no-alg', iss: 'X', x: 'x', y: 'y' }] }));
  const run = await mleg(['serve', '--config', site.configFile]);
  t.equal(run.code, 2);
  t.match(run.stderr, /key #1 \(kid "no-alg"\) has no "alg"/);
});

t.test('exit 1 with a clear message when the port is taken', async (t) => {
  const blocker = createServer().listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  t.teardown(() => blocker.close());
  const site = createSite({ http: { host: '127.0.0.1', port: (blocker.address() as { port: number }).port } });
  t.teardown(() => site.remove());
  const run = await mleg(['serve', '--config', site.configFile]);
  t.equal(run.code, 1);
  t.match(run.stderr, /cannot listen on 127\.0\.0\.1:\d+ \(EADDRINUSE\)/);
});

t.test('--workers N: that many verifier threads; the default is one per core; a bad N is a usage error', async (t) => {
  const site = createSite();
  t.teardown(() => site.remove());
  const threads = async (args: string[]): Promise<number> => {
    const { child, port } = await mlegServe(['--config', site.configFile, ...args]);
    t.teardown(() => child.kill('SIGKILL'));
    const base = `http://127.0.0.1:${port}`;
    const res = await fetch(`${base}/v1/verify`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: site.present() });
    t.equal(((await res.json()) as { verdict: string }).verdict, 'VALID', `VALID with ${args.join(' ') || 'the default'}`);
    const state = (await (await fetch(`${base}/v1/state`)).json()) as { verifier: { threads: number } };
    child.kill('SIGTERM');
    t.equal(await exited(child), 0);
    return state.verifier.threads;
  };
  t.equal(await threads(['--workers', '3']), 3);
  t.equal(await threads(['--workers', '1']), 0, '1: verified on the main thread');
  const cores = availableParallelism();
  t.equal(await threads([]), cores > 1 ? cores : 0, `default on this machine (${cores} cores)`);
  for (const bad of ['0', 'two', '-1']) {
    const run = await mleg(['serve', '--config', site.configFile, '--workers', bad]);
    t.equal(run.code, 2, `--workers ${bad}: exit 2`);
    t.match(run.stderr, /--workers/, 'the message names the option');
  }
});

t.test('--host and --port override http.host and http.port; bad values are usage errors', async (t) => {
  // The config's own port is taken: only the override lets the service start.
  const blocker = createServer().listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  t.teardown(() => blocker.close());
  const site = createSite({ http: { host: '127.0.0.1', port: (blocker.address() as { port: number }).port } });
  t.teardown(() => site.remove());
  const { child, port, address } = await mlegServe(['--config', site.configFile, '--host', '127.0.0.2', '--port', '0']);
  t.teardown(() => child.kill('SIGKILL'));
  t.equal(address, `127.0.0.2:${port}`, 'listens where the options say');
  t.not(port, (blocker.address() as { port: number }).port);
  const res = await fetch(`http://127.0.0.2:${port}/v1/verify`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: site.present() });
  t.equal(((await res.json()) as { verdict: string }).verdict, 'VALID');
  await t.rejects(fetch(`http://127.0.0.1:${port}/healthz`), 'not on the config\'s host');
  child.kill('SIGTERM');
  t.equal(await exited(child), 0);

  for (const [args, message] of [
    [['--port', '70000'], /--port must be from 0 to 65535/],
    [['--port', 'http'], /--port must be a whole number/],
    [['--host', ''], /--host is required/],
    [['--host'], /argument missing/],
  ] as const) {
    const run = await mleg(['serve', '--config', site.configFile, ...args]);
    t.equal(run.code, 2, `${args.join(' ')}: exit 2`);
    t.match(run.stderr, message);
  }
});
