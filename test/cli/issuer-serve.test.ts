/**
 * The built command as a school and a student use it: `mleg issuer serve` (configuration
 * errors, operations routes, graceful stop), `mleg wallet activate` with its exit codes,
 * and the README walk-through — a verifier (`mleg serve`) configured only from what the
 * issuing service publishes says VALID, then REVOKED.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { exited, mleg, mlegIssuerServe as issuerServe, mlegServe } from '../helpers/cli.js';
import { ISSUANCE_STUDENT } from '../helpers/holders.js';
import { freePort } from '../helpers/issuance.js';
import { until } from '../helpers/until.js';

const dir = mkdtempSync(join(tmpdir(), 'mleg-issuer-serve-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const at = (f: string) => join(dir, f);
const ADMIN = 'walkthrough-admin-token-0123';

t.test('configuration errors exit 2 and name the key or file', async (t) => {
  t.equal((await mleg(['issuer', 'serve'])).code, 2, 'no --config');
  const cases: [unknown, RegExp][] = [
    [{ issuer: { url: 'https://x.example', dir: 'school' }, activation: { maxAtempts: 3 } }, /unknown key "activation.maxAtempts"/],
    [{ issuer: { dir: 'school' } }, /"issuer.url" is required/],
    [{ issuer: { url: 'http://school.example', dir: 'school' } }, /"issuer.url" must be an https URL \(http only for a loopback host/],
    [{ issuer: { url: 'https://school.example/mleg', dir: 'school' } }, /"issuer.url" must be an origin/],
    [{ issuer: { url: 'https://school.example', dir: 'school' }, admin: { token: 'short' } }, /"admin.token" must be at least 16 characters/],
    [{ issuer: { url: 'https://school.example', dir: 'school' }, activation: { maxAttempts: 0 } }, /"activation.maxAttempts" must be an integer from 1 to 100/],
    [{ issuer: { url: 'https://school.example', dir: 'school' }, status: { ttlSeconds: 30 } }, /"status.cacheSeconds" must not be longer than "status.ttlSeconds"/],
  ];
  for (const [doc, message] of cases) {
    writeFileSync(at('bad.json'), JSON.stringify(doc));
    const run = await mleg(['issuer', 'serve', '--config', at('bad.json')]);
    t.equal(run.code, 2, String(message));
    t.match(run.stderr, message);
  }
  const missing = await mleg(['issuer', 'serve', '--config', at('nope.json')]);
  t.equal(missing.code, 2);
  t.match(missing.stderr, /cannot read config file .*nope\.json/);
  writeFileSync(at('nodir.json'), JSON.stringify({ issuer: { url: 'https://school.example', dir: 'no-such-folder' } }));
  const noDir = await mleg(['issuer', 'serve', '--config', at('nodir.json')]);
  t.equal(noDir.code, 2, 'a folder that is not an issuer folder: a configuration error');
  t.match(noDir.stderr, /"issuer.dir" .*no-such-folder: no usable issuer key .* make one with "mleg issuer keygen"/);
});

t.test('the walk-through: issuing service, wallet, verifier from the published lists, revocation', async (t) => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const keygen = await mleg(['issuer', 'keygen', '--dir', at('school'), '--iss', 'PL-SZKOLA-7', '--kid', 'sz7-2026', '--name', 'Szkoła Podstawowa nr 7', '--status-uri', `${url}/status/1`]);
  t.equal(keygen.code, 0, keygen.stderr);
  writeFileSync(at('issuer.json'), JSON.stringify({ http: { port }, issuer: { url, dir: 'school' }, admin: { token: ADMIN } }));
  const server = await issuerServe(at('issuer.json'));
  t.teardown(() => server.child.kill('SIGKILL'));

  for (const path of ['/healthz', '/readyz', '/metrics', '/openapi.json']) t.equal((await fetch(`${url}${path}`)).status, 200, path);
  const openapi = (await (await fetch(`${url}/openapi.json`)).json()) as { info: { title: string }; paths: Record<string, unknown> };
  t.match(openapi.info.title, /issuing service/);
  for (const path of ['/token', '/credential', '/nonce', '/admin/v1/students', '/admin/v1/students/{id}/offer', '/status/{name}']) t.ok(path in openapi.paths, `OpenAPI lists ${path}`);

  const admin = (path: string, body?: unknown) =>
    fetch(`${url}/admin/v1${path}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const { id } = (await (await admin('/students', { ...ISSUANCE_STUDENT, doc_no: `${ISSUANCE_STUDENT.doc_no}-cli` })).json()) as { id: string };
  const offer = (await (await admin(`/students/${id}/offer`)).json()) as { offer: string; offer_url: string; tx_code: string };

  t.equal((await mleg(['wallet', 'keygen', '--out', at('device.json')])).code, 0);
  const wrongCode = offer.tx_code === '00000000' ? '00000001' : '00000000';
  const wrong = await mleg(['wallet', 'activate', '--offer', offer.offer, '--code', wrongCode, '--key', at('device.json'), '--out', at('cred.jwt')]);
  t.equal(wrong.code, 3, 'a wrong code: exit 3');
  t.match(wrong.stderr, /^mleg: wrong activation code \(4 tries left\)\n$/);
  t.equal((await mleg(['wallet', 'activate', '--offer', offer.offer, '--code', '1234', '--key', at('device.json'), '--out', at('cred.jwt')])).code, 2, 'not 8 digits: refused before any try');
  const ok = await mleg(['wallet', 'activate', '--offer', offer.offer_url, '--code', offer.tx_code, '--key', at('device.json'), '--out', at('cred.jwt')]);
  t.equal(ok.code, 0, ok.stderr);
  t.match(JSON.parse(ok.stdout), { jti: String, configuration_id: 'mlegitymacja_szkolna', format: 'mleg+jwt', issuer: url, file: at('cred.jwt') });
  t.notMatch(ok.stdout + ok.stderr, ISSUANCE_STUDENT.family_name, 'the command prints no personal data');
  const used = await mleg(['wallet', 'activate', '--offer', offer.offer, '--code', offer.tx_code, '--key', at('device.json'), '--out', at('cred2.jwt')]);
  t.equal(used.code, 5, 'a used offer: exit 5');
  t.match(used.stderr, /no longer valid \(used already\)/);

  // The verifier, configured only from what the issuing service publishes.
  writeFileSync(at('trust.json'), await (await fetch(`${url}/trust-list.json`)).text());
  writeFileSync(at('verifier.json'), JSON.stringify({ http: { port: 0 }, trust: { file: 'trust.json' }, status: { allowHttp: true }, admin: { token: 'verifier-admin-token-0123' } }));
  const verifier = await mlegServe(['--config', at('verifier.json'), '--workers', '1']);
  t.teardown(() => verifier.child.kill('SIGKILL'));
  const verdict = async () => {
    const present = await mleg(['wallet', 'present', '--credential', at('cred.jwt'), '--key', at('device.json')]);
    const res = await fetch(`http://127.0.0.1:${verifier.port}/v1/verify`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: present.stdout.trim() });
    return ((await res.json()) as { verdict: string }).verdict;
  };
  t.equal(await verdict(), 'VALID');
  t.equal((await admin(`/students/${id}/revoke`, { reason: 'transferred' })).status, 200);
  await fetch(`http://127.0.0.1:${verifier.port}/v1/admin/refresh`, { method: 'POST', headers: { authorization: 'Bearer verifier-admin-token-0123' } });
  t.equal(await verdict(), 'REVOKED');

  // A backup while the service runs: consistent, 0600, never over another file.
  const backup = await mleg(['issuer', 'backup', '--config', at('issuer.json'), '--out', at('backup.db')]);
  t.equal(backup.code, 0, backup.stderr);
  t.equal(statSync(at('backup.db')).mode & 0o777, 0o600);
  const copy = new Database(at('backup.db'), { readonly: true });
  t.same(copy.prepare('SELECT state FROM students WHERE id = ?').get(id), { state: 'revoked' }, 'the backup holds the revocation just made');
  t.same(copy.prepare("SELECT status, reason FROM credentials").all(), [{ status: 'revoked', reason: 'transferred' }]);
  copy.close();
  const again = await mleg(['issuer', 'backup', '--config', at('issuer.json'), '--out', at('backup.db')]);
  t.equal(again.code, 2, 'not over an existing file');
  t.match(again.stderr, /exists; a backup is never written over another file/);

  // An upload that never finishes ("100 Continue": the service holds it) does not hold the stop.
  const upload = connect(port, '127.0.0.1');
  let uploadAnswer = '';
  upload.setEncoding('utf8').on('data', (chunk: string) => (uploadAnswer += chunk));
  const uploadClosed = once(upload, 'close');
  upload.on('error', () => {});
  upload.write(`POST /admin/v1/students HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${ADMIN}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nExpect: 100-continue\r\n\r\n{"given_na`);
  await until(() => uploadAnswer.startsWith('HTTP/1.1 100 Continue'), 5000, 'the upload to be in flight');
  const started = Date.now();
  server.child.kill('SIGTERM');
  t.equal(await exited(server.child), 0, 'SIGTERM: exit 0');
  t.ok(Date.now() - started < 5000, `stopped in ${Date.now() - started} ms`);
  await uploadClosed;
  t.pass('the upload that never finished was closed');
  const lines = server.stdout().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string });
  t.ok(lines.some((l) => l.msg === 'stopping') && lines.some((l) => l.msg === 'stopped'));

  const gone = await mleg(['wallet', 'activate', '--offer', offer.offer, '--code', offer.tx_code, '--key', at('device.json'), '--out', at('cred3.jwt')]);
  t.equal(gone.code, 6, 'no issuing service: exit 6');
  t.match(gone.stderr, new RegExp(`cannot reach ${url.replaceAll('.', '\\.')} \\(ECONNREFUSED\\)`));
});

t.test('a locked offer (exit 4), an offer link that is not one (exit 2), a key that is not one', async (t) => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  await mleg(['issuer', 'keygen', '--dir', at('school2'), '--iss', 'PL-SZKOLA-8', '--kid', 'sz8', '--status-uri', `${url}/status/1`]);
  writeFileSync(at('issuer2.json'), JSON.stringify({ http: { port }, issuer: { url, dir: 'school2' }, admin: { token: ADMIN }, activation: { maxAttempts: 2 } }));
  const server = await issuerServe(at('issuer2.json'));
  t.teardown(() => server.child.kill('SIGKILL'));
  const post = (path: string, body?: unknown) =>
    fetch(`${url}/admin/v1${path}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const { id } = (await (await post('/students', { ...ISSUANCE_STUDENT, doc_no: `${ISSUANCE_STUDENT.doc_no}-lock` })).json()) as { id: string };
  const offer = (await (await post(`/students/${id}/offer`)).json()) as { offer: string; tx_code: string };
  await mleg(['wallet', 'keygen', '--out', at('device2.json')]);
  const wrongCode = offer.tx_code === '00000000' ? '00000001' : '00000000';
  const activate = (code: string, link = offer.offer, key = at('device2.json')) => mleg(['wallet', 'activate', '--offer', link, '--code', code, '--key', key, '--out', at('cred-l.jwt')]);
  t.equal((await activate(wrongCode)).code, 3);
  const locked = await activate(wrongCode);
  t.equal(locked.code, 4, 'the last wrong code locks: exit 4');
  t.match(locked.stderr, /locked after too many wrong activation codes/);
  t.equal((await activate(offer.tx_code)).code, 4, 'locked even with the right code');
  const notOffer = await activate(offer.tx_code, 'https://example.org/?x=1');
  t.equal(notOffer.code, 2);
  t.match(notOffer.stderr, /not a credential offer this wallet can take/);
  writeFileSync(at('notakey.json'), '{"kty":"oct"}');
  const badKey = await activate(offer.tx_code, offer.offer, at('notakey.json'));
  t.equal(badKey.code, 2, 'a key file that is not a key: exit 2');
  t.match(badKey.stderr, /not a device key made by "mleg wallet keygen"/);
  server.child.kill('SIGINT');
  t.equal(await exited(server.child), 0, 'SIGINT: exit 0');
});
