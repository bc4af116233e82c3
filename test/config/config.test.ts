import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { DEFAULT_CONFIG_FILE, loadConfig, parseConfig } from '../../src/config/config.js';

const dir = mkdtempSync(join(tmpdir(), 'mleg-config-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const parse = (doc: unknown) => parseConfig(doc, 'cfg.json', '/etc/mleg');

t.test('defaults of SPEC 8', async (t) => {
  const c = parse({ trust: { file: 'trust.json' } });
  t.same(c.http, { host: '127.0.0.1', port: 8080, bodyLimitBytes: 16384, batchBodyLimitBytes: 5242880, requestTimeoutMs: 10000, rateLimit: { mode: 'auto', perMinute: 600 }, cors: { origins: [] } });
  t.same(c.admin, { token: null, tokenFile: null });
  t.match(c.status, { allowHttp: false, maxAgeSeconds: 172800, refreshSeconds: 3600, onUnavailable: 'reject', dataDir: null, files: {} });
  t.same(c.presentation, { requireProof: true, maxAgeSeconds: 90, futureSkewSeconds: 30 });
  t.equal(c.clockSkewSeconds, 30);
  t.same(c.scanners, []);
  t.equal(c.trust.file, '/etc/mleg/trust.json', 'relative paths are relative to the config file');
});

t.test('relative paths resolved against the config file, absolute ones kept', async (t) => {
  const c = parse({ trust: { file: '/srv/trust.json' }, status: { dataDir: 'state', files: { 'https://x/1': '../lists/1.jwt' } }, scanners: [{ id: 'g', type: 'serial', path: 'tty0' }] });
  t.equal(c.trust.file, '/srv/trust.json');
  t.equal(c.status.dataDir, '/etc/mleg/state');
  t.same(c.status.files, { 'https://x/1': '/etc/lists/1.jwt' });
  t.equal(c.scanners[0]!.path, '/etc/mleg/tty0');
  t.equal(c.scanners[0]!.baudRate, undefined, 'unset: the device profile (or 9600 8N1) decides when the port opens');
});

t.test('unknown keys and wrong types are named', async (t) => {
  const cases: [unknown, RegExp][] = [
    [{ trust: { file: 't' }, colour: 'red' }, /unknown key "colour"/],
    [{ trust: { file: 't' }, status: { refershSeconds: 10 } }, /unknown key "status\.refershSeconds"/],
    [{ trust: { file: 't' }, http: { port: '8080' } }, /"http\.port" must be an integer from 0 to 65535/],
    [{ trust: { file: 't' }, http: { port: 70000 } }, /"http\.port" must be an integer from 0 to 65535/],
    [{ trust: { file: 't' }, status: { allowHttp: 'yes' } }, /"status\.allowHttp" must be true or false/],
    [{ trust: { file: 't' }, status: { onUnavailable: 'ignore' } }, /"status\.onUnavailable" must be one of "reject", "accept"/],
    [{ trust: { file: 't' }, status: { maxAgeSeconds: -1 } }, /"status\.maxAgeSeconds" must be an integer >= 0/],
    [{ trust: { file: 't' }, presentation: { maxAgeSeconds: 1.5 } }, /"presentation\.maxAgeSeconds"/],
    [{ trust: { file: 't' }, clockSkewSeconds: null }, /"clockSkewSeconds" must be an integer/],
    [{ trust: { file: 't' }, scanners: {} }, /"scanners" must be an array/],
    [{ trust: { file: 't' }, scanners: [{ id: 'g', type: 'serial', path: '/dev/x', baud: 9600 }] }, /unknown key "scanners\[0\]\.baud"/],
    [{ trust: { file: 't' }, scanners: [{ id: 'g', type: 'serial', path: '/dev/x' }, { id: 'g', type: 'serial', path: '/dev/y' }] }, /"scanners\[1\]\.id" repeats/],
    [{ trust: { file: 't' }, status: { files: { 'https://x': 5 } } }, /"status\.files\.https:\/\/x" must be a string/],
    [{ trust: 'trust.json' }, /"trust" must be an object/],
    [{}, /"trust\.file" is required/],
    [{ trust: { file: '' } }, /"trust\.file" must be a non-empty string/],
  ];
  for (const [doc, message] of cases) t.throws(() => parse(doc), { name: 'ConfigError', message }, String(message));
});

t.test('files: unreadable, not JSON, not an object', async (t) => {
  t.throws(() => loadConfig(join(dir, 'missing.json')), { name: 'ConfigError', message: /cannot read config file .*missing\.json \(ENOENT\)/ });
  writeFileSync(join(dir, 'bad.json'), '{ "trust": ');
  t.throws(() => loadConfig(join(dir, 'bad.json')), { message: /bad\.json: not valid JSON/ });
  writeFileSync(join(dir, 'array.json'), '[]');
  t.throws(() => loadConfig(join(dir, 'array.json')), { message: /must be a JSON object/ });
  writeFileSync(join(dir, 'ok.json'), JSON.stringify({ trust: { file: 'sub/trust.json' } }));
  t.equal(loadConfig(join(dir, 'ok.json')).trust.file, join(dir, 'sub/trust.json'));
});

t.test('the embedded demo configuration loads', async (t) => {
  const c = loadConfig(DEFAULT_CONFIG_FILE);
  t.equal(c.http.host, '127.0.0.1');
  t.equal(c.http.port, 8080);
  t.match(c.trust.file, /config\/demo\/issuer\/trust-list\.json$/);
});
