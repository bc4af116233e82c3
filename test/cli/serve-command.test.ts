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
