/**
 * How a fleet reaches its Redis (SPEC 9 `replay.redis.*`): a database number, a key prefix
 * (two stations on one Redis do not see each other), `rediss://` with a password between
 * two `mleg serve` processes (the built command, as a station runs it), and bad values
 * refused at start with the key named — never the URL, which may hold a password.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { parseConfig } from '../../src/config/config.js';
import { mleg, mlegServe } from '../helpers/cli.js';
import { nodeConfigFile, startFleet, verifyAt } from '../helpers/fleet.js';
import { startRedis } from '../helpers/redis.js';
import { readJson, type TestService } from '../helpers/service.js';
import { createSite } from '../helpers/site.js';

/** The commands the ACL user of docs/fleet.md is given. */
const ACL_COMMANDS = '+set +mget +del +zadd +zrange +zrem +pexpire +multi +exec +xadd +xread +xrange +xrevrange +info +select +client|setname';

t.test('a database number keeps the fleet in that database; a key prefix keeps two stations apart', async (t) => {
  const fleet = await startFleet({ nodes: [] });
  t.teardown(() => fleet.close());
  const a = await fleet.add('a-gate', { redis: { url: `${fleet.redis.url}/5`, keyPrefix: 'station-a:' } });
  const b = await fleet.add('b-gate', { redis: { url: `${fleet.redis.url}/5`, keyPrefix: 'station-b:' } });
  const p = fleet.site.present();
  t.match((await verifyAt(a, p)).result, { verdict: 'VALID', replay: { shared: true } });
  t.match((await verifyAt(b, p)).result, { verdict: 'VALID', replay: { shared: true } }, 'another prefix: another station, another replay memory');
  t.same([...(await fleet.redis.dump(0)).keys()], [], 'nothing in database 0');
  const keys = [...(await fleet.redis.dump(5)).keys()];
  t.ok(keys.length >= 4 && keys.every((k) => k.startsWith('station-a:') || k.startsWith('station-b:')), `every key in database 5, under its prefix (${keys.length})`);
  t.same((await readJson(await fetch(`${a.url}/v1/fleet`))).nodes.map((n: { id: string }) => n.id), ['a-gate'], 'each station lists its own nodes');
});

t.test('an ACL user with only the commands docs/fleet.md lists, on its prefix, is enough', async (t) => {
  const fleet = await startFleet({ nodes: [] });
  t.teardown(() => fleet.close());
  // The user of docs/fleet.md, and nothing more.
  await fleet.redis.command('ACL', 'SETUSER', 'mleg', 'on', '>gate-user-pw', '~station:*', 'resetchannels', ...ACL_COMMANDS.split(' '));
  const url = `redis://mleg:gate-user-pw@127.0.0.1:${fleet.redis.port}/3`;
  const gate1 = await fleet.add('gate-1', { redis: { url, keyPrefix: 'station:' }, config: { fleet: { nodeId: 'gate-1', heartbeatSeconds: 1 } } });
  const gate2 = await fleet.add('gate-2', { redis: { url, keyPrefix: 'station:' } });
  const p = fleet.site.present();
  t.match((await verifyAt(gate1, p)).result, { verdict: 'VALID', replay: { shared: true } });
  t.match((await verifyAt(gate2, p)).result, { verdict: 'REPLAYED', replay: { shared: true } });
  t.same((await readJson(await fetch(`${gate2.url}/v1/fleet`))).nodes.map((n: { id: string }) => n.id), ['gate-1', 'gate-2'], 'heartbeats and listing');
  const events = await fetch(`${gate2.url}/v1/events?scope=fleet`, { headers: { 'last-event-id': '0-0' } });
  t.equal(events.status, 200, 'reading the fleet\'s events');
  await events.body?.cancel();
  for (const node of [gate1, gate2]) {
    t.equal(node.service.fleet!.replay.state().last_error, null, `${node.service.fleet!.nodeId}: no command refused`);
    t.notMatch(JSON.stringify(node.logs), /NOPERM|failed/, 'nothing refused in the log');
  }
  t.equal(await fleet.redis.commandIn(3, 'EXISTS', 'station:fleet:nodes'), 1);
});

t.test('two `mleg serve` over rediss:// with a password: accepted at one, REPLAYED at the other', async (t) => {
  const redis = await startRedis({ tls: true, password: 'tls-station-pw' });
  const site = createSite();
  const dir = mkdtempSync(join(tmpdir(), 'mleg-tls-'));
  const children: { kill: () => void }[] = [];
  t.teardown(async () => {
    for (const c of children) c.kill();
    site.remove();
    rmSync(dir, { recursive: true, force: true });
    await redis.stop();
  });
  t.match(redis.url, /^rediss:\/\/:tls-station-pw@127\.0\.0\.1:\d+$/);
  const gates: string[] = [];
  for (const id of ['gate-1', 'gate-2']) {
    // The test's own CA, as a station with a private CA trusts it: NODE_EXTRA_CA_CERTS.
    const gate = await mlegServe(['--config', nodeConfigFile(site, dir, redis.url, id)], { env: { ...process.env, NODE_EXTRA_CA_CERTS: redis.caFile } });
    children.push({ kill: () => gate.child.kill('SIGTERM') });
    t.notOk(gate.output().includes('tls-station-pw'), `${id}: the password is not in its log`);
    gates.push(`http://127.0.0.1:${gate.port}`);
  }
  const p = site.present();
  const post = async (url: string) => readJson(await fetch(`${url}/v1/verify`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: p }));
  t.match(await post(gates[0]!), { verdict: 'VALID', replay: { shared: true } }, 'gate 1 accepts it');
  t.match(await post(gates[1]!), { verdict: 'REPLAYED', replay: { shared: true } }, 'gate 2 refuses it');
  const state = await readJson(await fetch(`${gates[1]}/v1/state`));
  t.match(state.replay.shared.where, /^rediss:\/\/127\.0\.0\.1:\d+\/0 \(with a password\)$/, 'where, without the password');
  t.same((await readJson(await fetch(`${gates[0]}/v1/fleet`))).nodes.map((n: { id: string }) => n.id), ['gate-1', 'gate-2']);
});

t.test('bad replay and fleet settings are refused, the key named, the URL never repeated', async (t) => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ replay: { store: 'mongodb' } }, /"replay.store" must be one of "memory", "redis"/],
    [{ replay: { redis: { url: 'http://:hunter2@redis:6379' } } }, /"replay.redis.url" must start with redis:\/\/ or rediss:\/\//],
    [{ replay: { redis: { url: 'not a url :hunter2' } } }, /"replay.redis.url" must be a URL like/],
    [{ replay: { redis: { url: 'redis://:hunter2@redis:6379/zero' } } }, /"replay.redis.url" may end only in a database number/],
    [{ replay: { redis: { url: 'redis://:hunter2@redis:6379/0?tls=1' } } }, /"replay.redis.url" must not have a query/],
    [{ replay: { redis: { url: 'redis://:hunter2@:6379' } } }, /"replay.redis.url"/],
    [{ replay: { redis: { keyPrefix: 'my station:' } } }, /"replay.redis.keyPrefix" must be 1 to 64 printable ASCII characters, no spaces/],
    [{ replay: { redis: { keyPrefix: '' } } }, /"replay.redis.keyPrefix"/],
    [{ replay: { redis: { timeoutMs: 0 } } }, /"replay.redis.timeoutMs" must be an integer from 1 to 10000/],
    [{ replay: { redis: { timeoutMs: '50' } } }, /"replay.redis.timeoutMs"/],
    [{ replay: { redis: { host: 'redis' } } }, /unknown key "replay.redis.host"/],
    [{ fleet: { nodeId: 'gate 1/north' } }, /"fleet.nodeId" must be 1 to 64 characters of A-Z a-z 0-9 . _ : -/],
    [{ fleet: { heartbeatSeconds: 30 } }, /"fleet.heartbeatSeconds" must be an integer from 1 to 10/],
  ];
  for (const [doc, message] of cases) {
    const config = { trust: { file: 'trust.json' }, ...doc };
    t.throws(() => parseConfig(config, 'station.json', '/tmp'), { code: 'CONFIG_INVALID', message }, JSON.stringify(doc));
    try {
      parseConfig(config, 'station.json', '/tmp');
    } catch (err) {
      t.notMatch((err as Error).message, /hunter2/, 'the password is not repeated');
    }
  }
  const good = parseConfig({ trust: { file: 'trust.json' }, replay: { store: 'redis', redis: { url: 'rediss://mleg:pw@redis.station.example:6380/2' } } }, 'station.json', '/tmp');
  t.same(good.replay, { store: 'redis', redis: { url: 'rediss://mleg:pw@redis.station.example:6380/2', keyPrefix: 'mleg:', timeoutMs: 50 } });
  t.same(good.fleet, { nodeId: null, heartbeatSeconds: 5 }, 'the defaults');

  // The command: exit 2, the file and the key named.
  const site = createSite({ replay: { store: 'redis', redis: { url: 'redis://:hunter2@127.0.0.1:1/db' } } });
  t.teardown(() => site.remove());
  const run = await mleg(['serve', '--config', site.configFile]);
  t.equal(run.code, 2, 'mleg serve exits 2');
  t.match(run.stderr, /config\.json: "replay\.redis\.url" may end only in a database number/);
  t.notMatch(run.stderr + run.stdout, /hunter2/);
});

t.test('the default node id is the host name and the port', async (t) => {
  const fleet = await startFleet({ nodes: [] });
  t.teardown(() => fleet.close());
  const node: TestService = await fleet.add('ignored', { config: { fleet: { nodeId: null } } });
  const { nodes } = await readJson(await fetch(`${node.url}/v1/fleet`));
  const { hostname } = await import('node:os');
  t.same(nodes.map((n: { id: string }) => n.id), [`${hostname()}:${new URL(node.url).port}`]);
});
