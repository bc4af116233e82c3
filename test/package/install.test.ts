/**
 * mleg installed as a site would install it, outside the clone (issue 22: `npx mleg`
 * worked only inside it): `npm pack`, `npm install -g` into a temporary prefix, then the
 * installed `mleg` run from a folder that is not the clone — the demo, `mleg serve` with
 * `--host`/`--port` answering a verification, the display page, a QR picture decoded (the
 * zxing-wasm file found in the installed tree), `mleg devices` (the serial binding
 * loads), a clean stop. The shipped systemd unit passes `systemd-analyze verify` with its
 * ExecStart pointed at the installed command.
 *
 * The installed tree is checked for engines as the clone's is (test/package/engines.test.ts):
 * an npm override would not have reached it.
 *
 * Packs the dist/ already built (`npm run build` comes before the tests) so as not to
 * rebuild under other tests; installs from npm's cache where it can (`--prefer-offline`).
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import semver from 'semver';
import t, { type Test } from 'tap';
import { exited, mleg, mlegServe } from '../helpers/cli.js';
import { excluded, installed, manifest } from '../helpers/engines.js';
import { ROOT } from '../helpers/repository.js';

const run = promisify(execFile);
t.setTimeout(300_000);

const work = mkdtempSync(join(tmpdir(), 'mleg-install-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));
const prefix = join(work, 'prefix');
const elsewhere = mkdtempSync(join(work, 'site-'));
const bin = join(prefix, 'bin', 'mleg');

interface Packed {
  filename: string;
  files: { path: string }[];
}

let tarball = '';

t.test('npm pack carries what mleg serve needs, and no sources or tests', async (t) => {
  const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  const [packed] = JSON.parse(stdout) as Packed[];
  tarball = join(work, packed!.filename);
  const files = packed!.files.map((f) => f.path);
  for (const needed of [
    'dist/cli.js',
    'dist/service.js',
    'dist/http/display/index.html',
    'dist/http/display/display.js',
    'dist/http/display/display.css',
    'config/default.json',
    'config/demo/issuer/trust-list.json',
    'config/demo/status-list.jwt',
    'config/systemd/mleg.service',
    'devices/honeywell.json',
    'devices/layouts/pl.json',
    'docs/install.md',
    'package.json',
    'README.md',
  ]) {
    t.ok(files.includes(needed), needed);
  }
  t.same(files.filter((f) => /^(src|test|bench|node_modules|\.tap)\//.test(f)), [], 'no sources, tests, benchmarks');
  // The display's scripts are copied as they are, the web wallet's bundled (dist/wallet/web): neither has a .ts of its own.
  const sources = new Set(files.filter((f) => f.startsWith('dist/') && f.endsWith('.js') && !f.startsWith('dist/http/display/') && !f.startsWith('dist/wallet/web/')));
  const stale = [...sources].filter((f) => {
    try {
      readFileSync(join(ROOT, f.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts')));
      return false;
    } catch {
      return true;
    }
  });
  t.same(stale, [], 'every compiled module has its source (no stale file from an old build)');
});

/**
 * better-sqlite3's install script downloads its prebuilt binary from GitHub's releases, which
 * this machine cannot reach: it then compiles SQLite (66 s of CPU here). A site without GitHub
 * does what this test does — names a mirror of those releases in
 * npm_config_better_sqlite3_binary_host (docs/install.md); here the mirror serves the binary
 * the clone's own install made, packed as a release asset is.
 */
async function releaseMirror(t: Test): Promise<{ url: string; asked: string[] }> {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'node_modules/better-sqlite3/package.json'), 'utf8')) as { version: string };
  const asset = join(work, 'better-sqlite3-prebuild.tar.gz');
  await run('tar', ['czf', asset, '-C', join(ROOT, 'node_modules/better-sqlite3'), 'build/Release/better_sqlite3.node']);
  const name = `better-sqlite3-v${pkg.version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  const asked: string[] = [];
  const server = createServer((req, res) => {
    asked.push(req.url ?? '');
    if (req.url === `/v${pkg.version}/${name}`) res.end(readFileSync(asset));
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, asked };
}

t.test('npm install -g, then the installed mleg outside the clone', async (t) => {
  const mirror = await releaseMirror(t);
  const env = { ...process.env, npm_config_better_sqlite3_binary_host: mirror.url };
  const install = await run('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: elsewhere, env, maxBuffer: 16 * 1024 * 1024 });
  t.equal(mirror.asked.length, 1, 'better-sqlite3 took its binary from the release mirror');
  const sqlite = join(prefix, 'lib', 'node_modules', 'mleg', 'node_modules', 'better-sqlite3');
  const opened = await run(process.execPath, ['-e', `const D = require(${JSON.stringify(sqlite)}); console.log(new D(':memory:').prepare('select sqlite_version() v').get().v)`]);
  t.match(opened.stdout, /^3\.\d+/, 'and it opens a database');
  t.notMatch(install.stdout + install.stderr, /EBADENGINE/, 'npm install -g warns of no engine');
  const tree = installed(join(prefix, 'lib', 'node_modules'));
  t.ok(tree.length > 50, `${tree.length} packages installed`);
  const lowest = semver.minVersion(manifest(ROOT).engines!.node!)!.version;
  t.same(excluded(tree, lowest), [], `every installed package runs on Node ${lowest}, the lowest the package claims`);

  const demo = await mleg(['demo', '--json'], { bin, cwd: elsewhere });
  t.equal(demo.code, 0, demo.stderr);
  const payloads = JSON.parse(demo.stdout) as { valid: string; revoked: string };

  const served = await mlegServe(['--host', '127.0.0.1', '--port', '0', '--workers', '1'], { bin, cwd: elsewhere });
  t.teardown(() => served.child.kill('SIGKILL'));
  const url = `http://127.0.0.1:${served.port}`;
  const verdict = async (payload: string) =>
    ((await (await fetch(`${url}/v1/verify`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: payload })).json()) as { verdict: string }).verdict;
  t.equal(await verdict(payloads.valid), 'VALID', 'the embedded demo configuration, from the installed package');
  t.equal(await verdict(payloads.revoked), 'REVOKED');
  const page = await fetch(`${url}/`);
  t.equal(page.status, 200);
  t.match(await page.text(), /mLegitymacji/, 'the display page');
  t.equal((await fetch(`${url}/display/display.js`)).status, 200);

  const qr = join(elsewhere, 'code.png');
  t.equal((await mleg(['demo', '--qr', qr], { bin, cwd: elsewhere })).code, 0);
  const decoded = await fetch(`${url}/v1/decode`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: readFileSync(qr) });
  t.equal(decoded.status, 200, 'the image decoder runs');
  t.match(((await decoded.json()) as { codes: { text: string }[] }).codes, [{ text: /^MLEG2:/ }], 'the demo draws its MLEG2 presentation');

  const devices = await mleg(['devices'], { bin, cwd: elsewhere });
  t.equal(devices.code, 0, devices.stderr);
  t.match(devices.stdout, /Serial ports/);

  served.child.kill('SIGTERM');
  t.equal(await exited(served.child), 0, 'stops with exit 0 on SIGTERM');
});

t.test('the shipped systemd unit passes systemd-analyze verify', async (t) => {
  const unit = readFileSync(join(ROOT, 'config/systemd/mleg.service'), 'utf8');
  for (const line of ['User=mleg', 'SupplementaryGroups=dialout', 'NoNewPrivileges=yes', 'ProtectSystem=strict', 'ProtectHome=yes', 'PrivateTmp=yes', 'ReadWritePaths=/var/lib/mleg', 'StateDirectory=mleg', 'Restart=on-failure', 'RestartPreventExitStatus=2']) {
    t.match(unit, new RegExp(`^${line}$`, 'm'), line);
  }
  t.match(unit, /^RestartSec=\d+$/m);
  t.match(unit, /^ExecStart=\/usr\/local\/bin\/mleg serve --config \/etc\/mleg\/mleg\.json$/m, 'where npm install -g puts the command');
  // verify checks that ExecStart's command exists: point it at the one installed above.
  const copy = join(work, 'mleg.service');
  writeFileSync(copy, unit.replace(/^ExecStart=\/usr\/local\/bin\/mleg /m, `ExecStart=${bin} `));
  const verified = await run('systemd-analyze', ['verify', copy]).then(
    (r) => ({ code: 0, output: r.stdout + r.stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, output: err.stdout + err.stderr }),
  );
  t.same(verified, { code: 0, output: '' }, 'no warning');
  const security = await run('systemd-analyze', ['security', '--offline=yes', copy]);
  const level = /Overall exposure level for mleg\.service: ([\d.]+)/.exec(security.stdout);
  t.ok(level !== null && Number(level[1]) <= 2.5, `exposure ${level?.[1]} (of 10; "OK" is below 3.9)`);
});
