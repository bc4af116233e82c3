/**
 * Every installed package runs on the Node the project says it runs on (package.json
 * `engines`): `npm ci` warns EBADENGINE for any whose own `engines.node` excludes the
 * running Node (issue 22: cookie 2.x, pulled in by fastify's light-my-request, wants
 * Node 22; it is overridden to 1.1.1). And the project's own range is honest: its lowest
 * version satisfies every package `mleg serve` needs at run time.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import semver from 'semver';
import t from 'tap';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Manifest {
  name: string;
  version: string;
  engines?: { node?: string };
}

const manifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;

/** Every package folder under node_modules, nested ones too. */
function installed(dir = join(ROOT, 'node_modules')): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    if (name.startsWith('.')) return [];
    const path = join(dir, name);
    if (name.startsWith('@')) return installed(path);
    if (!existsSync(join(path, 'package.json'))) return [];
    return [path, ...installed(join(path, 'node_modules'))];
  });
}

const excluded = (dirs: string[], version: string) =>
  dirs
    .map(manifest)
    .filter((m) => typeof m.engines?.node === 'string' && !semver.satisfies(version, m.engines.node, { includePrerelease: true }))
    .map((m) => `${m.name}@${m.version} wants node ${m.engines!.node}`);

t.test('no installed package excludes the running Node (npm ci prints no EBADENGINE)', async (t) => {
  const dirs = installed();
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

t.test('the cookie override works for its dependant: fastify inject sends the cookies it is given', async (t) => {
  const fromDependant = createRequire(join(ROOT, 'node_modules/light-my-request/package.json'));
  const cookie = manifest(dirname(dirname(fromDependant.resolve('cookie'))));
  t.equal(cookie.version, '1.1.1', 'light-my-request gets the overridden version');
  const app = Fastify();
  app.get('/', async (request) => ({ cookie: request.headers.cookie ?? null }));
  const res = await app.inject({ url: '/', cookies: { lane: 'gate 1', till: 'ä;x' } });
  t.same(res.json(), { cookie: 'lane=gate%201; till=%C3%A4%3Bx' });
  await app.close();
});
