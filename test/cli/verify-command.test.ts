import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { mleg } from '../helpers/cli.js';
import { createSite, siteStatusList } from '../helpers/site.js';
import { StatusServer } from '../helpers/status-server.js';
import { IDX, STATUS_URI } from '../helpers/world.js';

const site = createSite();
t.teardown(() => site.remove());

t.test('exit 0 for VALID, 1 for any other verdict; the result is printed as JSON', async (t) => {
  const valid = await mleg(['verify', '--config', site.configFile, site.present()]);
  t.equal(valid.code, 0, valid.stderr);
  t.match(JSON.parse(valid.stdout), { verdict: 'VALID', valid: true, status: { checked: true } });
  const revoked = await mleg(['verify', '--config', site.configFile, site.present(site.credential({ status: { uri: STATUS_URI, idx: IDX.revoked } }))]);
  t.equal(revoked.code, 1);
  t.match(JSON.parse(revoked.stdout), { verdict: 'REVOKED', valid: false });
  const malformed = await mleg(['verify', '--config', site.configFile, 'MLEG1:nonsense']);
  t.equal(malformed.code, 1);
  t.equal(JSON.parse(malformed.stdout).verdict, 'MALFORMED');
});

t.test('- reads the payload from standard input (a trailing newline is a terminator)', async (t) => {
  const run = await mleg(['verify', '--config', site.configFile, '-'], { input: `${site.present()}\n` });
  t.equal(run.code, 0, run.stderr);
  t.equal(JSON.parse(run.stdout).verdict, 'VALID');
});

t.test('exit 2 for usage and configuration errors, naming the key or file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mleg-badcfg-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const config = (name: string, doc: unknown) => {
    writeFileSync(join(dir, name), typeof doc === 'string' ? doc : JSON.stringify(doc));
    return join(dir, name);
  };
  const cases: [string[], RegExp][] = [
    [['verify', '--config', site.configFile], /exactly one PAYLOAD/],
    [['verify', '--config', site.configFile, 'a', 'b'], /exactly one PAYLOAD/],
    [['verify', '--bogus', 'x'], /Unknown option '--bogus'/],
    [['verify', '--config', join(dir, 'nope.json'), 'MLEG1:x'], /cannot read config file .*nope\.json/],
    [['verify', '--config', config('typo.json', { trust: { file: 'x' }, status: { maxAgeSecond: 5 } }), 'MLEG1:x'], /unknown key "status\.maxAgeSecond"/],
    [['verify', '--config', config('type.json', { trust: { file: 'x' }, presentation: { requireProof: 'no' } }), 'MLEG1:x'], /"presentation\.requireProof" must be true or false/],
    [['verify', '--config', config('json.json', '{ trust'), 'MLEG1:x'], /not valid JSON/],
    [['verify', '--config', config('notrust.json', { trust: { file: 'missing-trust.json' } }), 'MLEG1:x'], /missing-trust\.json: cannot read the trust list/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ];
  for (const [args, message] of cases) {
    const run = await mleg(args);
    t.equal(run.code, 2, args.join(' '));
    t.match(run.stderr, message);
    t.equal(run.stdout, '', 'nothing on standard output');
  }
  writeFileSync(join(dir, 'dup-trust.json'), JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b', alg: 'ES256', iss: 'X', kid: 'k', d: 'secret' }] }));
  const trustError = await mleg(['verify', '--config', config('dup.json', { trust: { file: 'dup-trust.json' } }), 'MLEG1:x']);
  t.equal(trustError.code, 2);
  t.match(trustError.stderr, /key #1 \(kid "k"\) is a private key/);
  t.notMatch(trustError.stderr, /secret/, 'the private part is not echoed');
  t.equal((await mleg(['help'])).code, 0);
});

t.test('a status list persisted by one run is used by the next with the status server down', async (t) => {
  const server = await StatusServer.start();
  const uri = server.token('/list', siteStatusList(site.issuer, `${server.base}/list`));
  const cfg = (dataDir: string | null) => {
    // Generous: on a loaded machine a new process's first fetch can take more than half a second; with the server closed, refusal is at once.
    site.configure({ status: { allowHttp: true, dataDir, fetchTimeoutMs: 15_000 } });
    return site.configFile;
  };
  const revokedAt = () => site.present(site.credential({ status: { uri, idx: IDX.revoked } }));
  const online = await mleg(['verify', '--config', cfg('state'), revokedAt()]);
  t.equal(JSON.parse(online.stdout).verdict, 'REVOKED', 'online: fetched');
  await server.close();
  const offline = await mleg(['verify', '--config', cfg('state'), revokedAt()]);
  t.equal(JSON.parse(offline.stdout).verdict, 'REVOKED', 'offline after a restart: the persisted list still revokes');
  const valid = await mleg(['verify', '--config', cfg('state'), site.present(site.credential({ status: { uri, idx: IDX.valid } }))]);
  t.equal(valid.code, 0, 'and still clears a valid credential');
  const none = await mleg(['verify', '--config', cfg(null), revokedAt()]);
  t.equal(JSON.parse(none.stdout).verdict, 'STATUS_UNAVAILABLE', 'without a data directory nothing survives');
  t.match(none.stderr, /status list fetch failed/, 'the operator sees why on standard error');
  site.configure({});
});
