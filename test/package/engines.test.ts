/**
 * Every installed package runs on the Node the project says it runs on (package.json
 * `engines`): `npm ci` warns EBADENGINE for any whose own `engines.node` excludes the
 * running Node (issue 22: cookie 2.x, pulled in by fastify's light-my-request 6.8, wants
 * Node 22). light-my-request is pinned to 6.6.0 (cookie ^1) as a dependency of our own,
 * which fastify's ^6 dedupes to — an npm override would hold in the clone only, not in a
 * `npm install -g` of the package (test/package/install.test.ts checks that tree too). And
 * the project's own range is honest: its lowest version satisfies every package `mleg
 * serve` needs at run time.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Fastify from 'fastify';
import semver from 'semver';
import t from 'tap';
import { excluded, installed, manifest } from '../helpers/engines.js';
import { ROOT } from '../helpers/repository.js';

t.test('no installed package excludes the running Node (npm ci prints no EBADENGINE)', async (t) => {
  const dirs = installed(join(ROOT, 'node_modules'));
  t.ok(dirs.length > 100, `${dirs.length} packages read`);
  t.same(excluded(dirs, process.version), [], `all run on ${process.version}`);
});

t.test('the engines field is honest: its lowest Node runs every package mleg needs at run time', async (t) => {
  const ours = manifest(ROOT).engines?.node;
  t.type(ours, 'string');
  const lowest = semver.minVersion(ours!)!.version;
  t.equal(semver.major(lowest), 20, 'the project runs on Node 20');
  const production = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: ROOT, encoding: 'utf8' })
    .trim()
    .split('\n')
    .filter((dir) => dir !== ROOT.replace(/\/$/, ''));
  t.ok(production.length > 50, `${production.length} run-time packages`);
  t.same(excluded(production, lowest), [], `all run on ${lowest}`);
});

t.test("fastify's light-my-request is the pinned 6.6.0 with cookie 1.x, and its cookies work", async (t) => {
  const fromFastify = createRequire(join(ROOT, 'node_modules/fastify/package.json'));
  const lightMyRequest = dirname(fromFastify.resolve('light-my-request/package.json'));
  t.equal(manifest(lightMyRequest).version, '6.6.0', 'fastify resolves the pinned version');
  const cookie = manifest(dirname(dirname(createRequire(join(lightMyRequest, 'package.json')).resolve('cookie'))));
  t.equal(semver.major(cookie.version), 1, `and it gets cookie ${cookie.version}`);
  const app = Fastify();
  app.get('/', async (request) => ({ cookie: request.headers.cookie ?? null }));
  const res = await app.inject({ url: '/', cookies: { lane: 'gate 1', till: 'ä;x' } });
  t.same(res.json(), { cookie: 'lane=gate%201; till=%C3%A4%3Bx' });
  await app.close();
});
