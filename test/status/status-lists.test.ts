import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import t from 'tap';
import { signStatusList } from '../../src/issuer/status-list.js';
import { createLogger } from '../../src/logger.js';
import { StatusArchive } from '../../src/status/status-archive.js';
import { StatusLists, type StatusListsOptions } from '../../src/status/status-lists.js';
import type { StatusAnswer } from '../../src/verify/status-answer.js';
import { makeIssuer, trustListOf } from '../helpers/world.js';
import { auditedSink } from '../helpers/log-audit.js';
import { StatusServer } from '../helpers/status-server.js';

const issuer = makeIssuer();
const trust = trustListOf(issuer);

let clock = Date.now();
const nowS = () => Math.floor(clock / 1000);
const list = (uri: string, revoked: number[] = [], o: { iat?: number; exp?: number; ttl?: number } = {}) => {
  const statuses = new Uint8Array(16);
  for (const i of revoked) statuses[i] = 1;
  return signStatusList(issuer, { uri, bits: 1, statuses, iat: nowS() - 10, ...o });
};

function lists(o: Partial<StatusListsOptions> = {}): StatusLists {
  const s = new StatusLists({
    trust: () => trust,
    allowHttp: true,
    maxAgeSeconds: 3600,
    refreshSeconds: 600,
    timeoutMs: 1000,
    maxBytes: 64 * 1024,
    maxRedirects: 3,
    files: {},
    archive: undefined,
    log: createLogger('debug', auditedSink()),
    clock: () => clock,
    ...o,
  });
  s.start();
  return s;
}

/** An answer without the deciding list's iat (asserted on its own), so that answers compare as state and value. */
function withoutIat(answer: StatusAnswer): Omit<StatusAnswer, 'iat'> {
  if (answer.state === 'unavailable') return answer;
  const { iat: _iat, ...rest } = answer;
  return rest;
}
const ask = (s: StatusLists, uri: string, idx = 0, iss = issuer.iss) => {
  const answer = s.lookup(uri, idx, iss, nowS());
  return answer instanceof Promise ? answer.then(withoutIat) : withoutIat(answer);
};

let server: StatusServer;
t.before(async () => {
  server = await StatusServer.start();
});
t.teardown(() => server.close());
t.beforeEach(() => {
  clock = Date.now();
});

t.test('first lookup waits for one fetch with the right Accept header; then answers synchronously', async (t) => {
  const uri = server.token('/first', list(`${server.base}/first`, [3]));
  const s = lists();
  t.teardown(() => s.close());
  const first = ask(s, uri, 3);
  t.ok(first instanceof Promise, 'nothing cached: waits');
  t.same(await first, { state: 'found', value: 1 });
  t.equal(server.accepts.at(-1), 'application/statuslist+jwt');
  const second = ask(s, uri, 2);
  t.notOk(second instanceof Promise, 'cached: synchronous');
  t.same(second, { state: 'found', value: 0 });
  t.same(ask(s, uri, 16), { state: 'past-end', entries: 16 });
  t.equal(server.hitsOf('/first'), 1);
});

t.test("an answer from a list carries that list's iat (the result's freshness)", async (t) => {
  const iat = nowS() - 1234;
  const uri = server.token('/iat', list(`${server.base}/iat`, [3], { iat }));
  const s = lists();
  t.teardown(() => s.close());
  t.same(await s.lookup(uri, 3, issuer.iss, nowS()), { state: 'found', value: 1, iat });
  t.same(s.lookup(uri, 16, issuer.iss, nowS()), { state: 'past-end', entries: 16, iat });
});

t.test('concurrent first requests for one uri share one fetch', async (t) => {
  const uri = server.route('/slow', (_req, res) => setTimeout(() => res.end(list(`${server.base}/slow`)), 150));
  const s = lists();
  t.teardown(() => s.close());
  const answers = await Promise.all(Array.from({ length: 25 }, () => ask(s, uri)));
  t.equal(server.hitsOf('/slow'), 1, 'one fetch');
  t.ok(answers.every((a) => a.state === 'found'));
});

t.test('a failed fetch keeps the last usable list; retries back off without making scans wait', async (t) => {
  let fail = false;
  const uri = server.route('/flaky', (_req, res) => (fail ? res.writeHead(500).end('oops') : res.end(list(`${server.base}/flaky`, [1]))));
  const s = lists();
  t.teardown(() => s.close());
  t.same(await ask(s, uri, 1), { state: 'found', value: 1 });
  fail = true;
  await s.refresh(uri);
  t.same(ask(s, uri, 1), { state: 'found', value: 1 }, 'still answered from the kept list');
  const state = s.state(nowS())[0]!;
  t.match(state, { usable: true, last_fetch: { ok: false, error: /HTTP 500/ } });

  const gone = server.route('/gone', (_req, res) => res.writeHead(503).end());
  const hits = server.hitsOf('/gone');
  t.match(await ask(s, gone), { state: 'unavailable', reason: /HTTP 503/ });
  const again = ask(s, gone);
  t.notOk(again instanceof Promise, 'during the back-off the next scan does not wait');
  t.equal(server.hitsOf('/gone'), hits + 1, 'no second fetch during the back-off');
});

t.test('background refresh after ttl, or after refreshSeconds when shorter', async (t) => {
  let revoked: number[] = [];
  const uri = server.route('/ttl', (_req, res) => res.end(list(`${server.base}/ttl`, revoked, { ttl: 60 })));
  const s = lists({ refreshSeconds: 600 });
  t.teardown(() => s.close());
  t.same(await ask(s, uri, 5), { state: 'found', value: 0 });
  revoked = [5];
  clock += 30_000;
  t.same(ask(s, uri, 5), { state: 'found', value: 0 }, 'before the ttl: no refetch');
  t.equal(server.hitsOf('/ttl'), 1);
  clock += 31_000;
  t.same(ask(s, uri, 5), { state: 'found', value: 0 }, 'after the ttl: answered at once from the cache…');
  await new Promise((r) => setTimeout(r, 200));
  t.equal(server.hitsOf('/ttl'), 2, '…while a refresh runs in the background');
  t.same(ask(s, uri, 5), { state: 'found', value: 1 }, 'the refreshed list is used next');

  const short = server.route('/short', (_req, res) => res.end(list(`${server.base}/short`, [], { ttl: 86400 })));
  const s2 = lists({ refreshSeconds: 10 });
  t.teardown(() => s2.close());
  await ask(s2, short);
  clock += 11_000;
  ask(s2, short);
  await new Promise((r) => setTimeout(r, 200));
  t.equal(server.hitsOf('/short'), 2, 'refreshSeconds shorter than ttl wins');
});

t.test('refresh runs on a timer even with no scans', async (t) => {
  const uri = server.route('/timer', (_req, res) => res.end(list(`${server.base}/timer`)));
  const s = lists({ refreshSeconds: 1, clock: Date.now });
  t.teardown(() => s.close());
  await s.lookup(uri, 0, issuer.iss, Math.floor(Date.now() / 1000));
  await new Promise((r) => setTimeout(r, 1500));
  t.ok(server.hitsOf('/timer') >= 2, `refetched by the timer (${server.hitsOf('/timer')} fetches)`);
});

t.test('fetch limits: timeout, redirects, size, https only', async (t) => {
  const s = lists({ timeoutMs: 300 });
  t.teardown(() => s.close());
  const hang = server.route('/hang', () => {});
  const started = Date.now();
  t.match(await ask(s, hang), { state: 'unavailable', reason: /no answer within 300 ms/ });
  t.ok(Date.now() - started < 2000, 'bounded by the timeout');

  server.token('/target', list(`${server.base}/r0`));
  for (let i = 0; i < 5; i++) server.route(`/r${i}`, (_req, res) => res.writeHead(302, { location: i === 4 ? '/target' : `/r${i + 1}` }).end());
  server.route('/r0', (_req, res) => res.writeHead(302, { location: '/r3' }).end());
  t.match(await ask(s, `${server.base}/r0`), { state: 'found' }, 'two redirects are followed; sub is the URI asked for');
  const s2 = lists({ maxRedirects: 1 });
  t.teardown(() => s2.close());
  t.match(await ask(s2, `${server.base}/r0`), { state: 'unavailable', reason: /more than 1 redirects/ });

  const huge = 'x'.repeat(100 * 1024);
  const big = server.route('/big', (_req, res) => res.end(huge));
  t.match(await ask(s, big), { state: 'unavailable', reason: /over the 65536-byte limit/ }, 'declared length over the limit');
  const chunked = server.route('/chunked', (_req, res) => {
    res.writeHead(200, { 'transfer-encoding': 'chunked' });
    for (let i = 0; i < 10; i++) res.write('y'.repeat(10 * 1024));
    res.end();
  });
  t.match(await ask(s, chunked), { state: 'unavailable', reason: /over the 65536-byte limit/ }, 'streamed body over the limit');

  const strict = lists({ allowHttp: false });
  t.teardown(() => strict.close());
  const plain = server.token('/plain', list(`${server.base}/plain`));
  t.match(strict.lookup(plain, 0, issuer.iss, nowS()), { state: 'unavailable', reason: /not https/ });
  t.equal(server.hitsOf('/plain'), 0, 'http is refused without a request');
  t.match(strict.lookup('ftp://x/y', 0, issuer.iss, nowS()), { state: 'unavailable', reason: /not https/ });
  t.match(strict.lookup('not a url', 0, issuer.iss, nowS()), { state: 'unavailable', reason: /not a URL/ });
});

t.test('a truncated or forged list is not cached and does not replace a good one', async (t) => {
  let body = list(`${server.base}/swap`, [2]);
  const uri = server.route('/swap', (_req, res) => res.end(body));
  const s = lists();
  t.teardown(() => s.close());
  t.same(await ask(s, uri, 2), { state: 'found', value: 1 });
  for (const bad of [body.slice(0, body.length / 2), list(`${server.base}/other`), signStatusList(makeIssuer({ kid: 'issuer-1' }), { uri, bits: 1, statuses: [0, 0, 0, 0], iat: nowS() }), list(uri, [], { iat: nowS() - 1000 })]) {
    body = bad;
    await s.refresh(uri);
    t.same(ask(s, uri, 2), { state: 'found', value: 1 }, 'the good list stays');
  }
  t.match(s.state(nowS())[0]!.last_fetch, { ok: false, error: /older/ }, 'a list older than the cached one (rollback) is refused');
});

t.test('a list is used only for credentials of the issuer that signed it', async (t) => {
  const uri = server.token('/mine', list(`${server.base}/mine`));
  const s = lists();
  t.teardown(() => s.close());
  t.match(await ask(s, uri, 0, 'PL-SOMEONE-ELSE'), { state: 'unavailable', reason: /another issuer/ });
  t.same(ask(s, uri, 0, issuer.iss), { state: 'found', value: 0 });
  t.match(ask(s, uri, 0, 'PL-SOMEONE-ELSE'), { state: 'unavailable', reason: /another issuer/ });
});

t.test('usable while now < exp and now - iat <= maxAgeSeconds', async (t) => {
  const expiring = server.token('/exp', list(`${server.base}/exp`, [], { exp: nowS() + 100 }));
  const s = lists({ maxAgeSeconds: 300 });
  t.teardown(() => s.close());
  t.match(await ask(s, expiring), { state: 'found' });
  clock += 100_000;
  t.match(await ask(s, expiring), { state: 'unavailable', reason: /expired/ });
  const aging = server.token('/age', list(`${server.base}/age`, [], { iat: nowS() - 290 }));
  t.match(await ask(s, aging), { state: 'found' });
  clock += 11_000;
  t.match(await ask(s, aging), { state: 'unavailable', reason: /s old; at most 300 s/ });
});

t.test('lists survive a restart: persisted, restored and used with the status server down', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mleg-archive-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const own = await StatusServer.start();
  const uri = own.token('/persist', list(`${own.base}/persist`, [7]));
  const before = lists({ archive: new StatusArchive(dir) });
  t.same(await ask(before, uri, 7), { state: 'found', value: 1 });
  await new Promise((r) => setTimeout(r, 100));
  before.close();
  await own.close();
  t.equal(readdirSync(dir).filter((f) => f.endsWith('.json')).length, 1, 'one list archived');
  writeFileSync(join(dir, 'status-garbage.json'), '{ not json');

  const after = lists({ archive: new StatusArchive(dir) });
  t.teardown(() => after.close());
  const answer = ask(after, uri, 7);
  t.notOk(answer instanceof Promise, 'restored at start: no fetch needed');
  t.same(answer, { state: 'found', value: 1 }, 'revocation still checked offline');

  const otherTrust = lists({ archive: new StatusArchive(dir), trust: () => trustListOf(makeIssuer()) });
  t.teardown(() => otherTrust.close());
  t.same(otherTrust.state(nowS()), [], 'an archived list that no longer verifies is not restored');
});

t.test('local files are read instead of fetching, and re-read when they change', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mleg-files-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const uri = 'https://offline.test/list';
  const file = join(dir, 'list.jwt');
  writeFileSync(file, `${list(uri)}\n`);
  const s = lists({ files: { [uri]: file }, allowHttp: false, clock: Date.now });
  t.teardown(() => s.close());
  t.match(s.lookup(uri, 4, issuer.iss, Math.floor(Date.now() / 1000)), { state: 'found', value: 0 }, 'loaded at start');
  // fs.watchFile takes its first stat asynchronously; a change before that is only seen at the next refresh.
  await new Promise((r) => setTimeout(r, 300));
  writeFileSync(file, list(uri, [4], { iat: Math.floor(Date.now() / 1000) }));
  const deadline = Date.now() + 5000;
  let answer: StatusAnswer | Promise<StatusAnswer> = { state: 'unavailable', reason: '' };
  while (Date.now() < deadline) {
    answer = s.lookup(uri, 4, issuer.iss, Math.floor(Date.now() / 1000));
    if (!(answer instanceof Promise) && answer.state === 'found' && answer.value === 1) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  t.match(answer, { state: 'found', value: 1 }, 'the new file is picked up');
});

t.test('a trust list change drops lists whose key is no longer trusted', async (t) => {
  let current = trust;
  const uri = server.token('/retrust', list(`${server.base}/retrust`));
  const s = lists({ trust: () => current });
  t.teardown(() => s.close());
  t.match(await ask(s, uri), { state: 'found' });
  current = trustListOf(makeIssuer({ kid: 'someone-else' }));
  t.match(await ask(s, uri), { state: 'unavailable' });
});

t.test('a list refreshed in the background is swapped in whole: each lookup meanwhile answers from the old list or from the new', async (t) => {
  const old = signStatusList(issuer, { uri: `${server.base}/swap-whole`, bits: 1, statuses: new Uint8Array(16), iat: nowS() - 10 });
  const next = new Uint8Array(10_000_000);
  next[3] = 1;
  let body = old;
  const uri = server.route('/swap-whole', (_req, res) => setTimeout(() => res.end(body), 20));
  const s = lists({ maxBytes: 1024 * 1024 });
  t.teardown(() => s.close());
  t.same(await ask(s, uri, 3), { state: 'found', value: 0 });
  body = signStatusList(issuer, { uri, bits: 1, statuses: next, iat: nowS() });
  const seen = new Set<string>();
  let done = false;
  const refreshed = s.refresh(uri).then(() => (done = true));
  while (!done) {
    const [at3, at20] = [ask(s, uri, 3), ask(s, uri, 20)];
    seen.add(JSON.stringify([at3, at20, s.state(nowS())[0]!.entries]));
    await new Promise((r) => setImmediate(r));
  }
  await refreshed;
  seen.add(JSON.stringify([ask(s, uri, 3), ask(s, uri, 20), s.state(nowS())[0]!.entries]));
  const before = JSON.stringify([{ state: 'found', value: 0 }, { state: 'past-end', entries: 16 }, 16]);
  const after = JSON.stringify([{ state: 'found', value: 1 }, { state: 'found', value: 0 }, 10_000_000]);
  t.same([...seen], [before, after], 'never a mix of the two');
});

t.test('a signed list whose lst is truncated, not ZLIB or a zlib bomb is refused with the reason; the good list stays', async (t) => {
  const good = list(`${server.base}/lst`, [2]);
  let body = good;
  const uri = server.route('/lst', (_req, res) => res.end(body));
  const s = lists({ maxBytes: 1024 * 1024 });
  t.teardown(() => s.close());
  t.same(await ask(s, uri, 2), { state: 'found', value: 1 });
  const whole = deflateSync(Buffer.alloc(4096));
  const bad: [string, Buffer, RegExp][] = [
    ['truncated', whole.subarray(0, whole.length - 6), /"lst" is not ZLIB data \(unexpected end of file\)/],
    ['not ZLIB', Buffer.from('garbage, not a zlib stream'), /"lst" is not ZLIB data/],
    ['a zlib bomb', deflateSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 }), /"lst" inflates to more than 16777216 bytes/],
  ];
  for (const [name, lst] of bad.map(([n, b]): [string, string] => [n, b.toString('base64url')])) {
    body = signStatusList(issuer, { uri, bits: 1, statuses: [], iat: nowS(), claims: { status_list: { bits: 1, lst } } });
    await s.refresh(uri);
    t.match(s.state(nowS())[0]!.last_fetch, { ok: false, error: bad.find(([n]) => n === name)![2] }, name);
    t.same(ask(s, uri, 2), { state: 'found', value: 1 }, `${name}: the good list stays`);
  }
});

t.test('a reloaded trust list with the same key keeps the list without a fetch', async (t) => {
  let current = trust;
  const uri = server.token('/reload', list(`${server.base}/reload`, [6]));
  const s = lists({ trust: () => current });
  t.teardown(() => s.close());
  t.same(await ask(s, uri, 6), { state: 'found', value: 1 });
  current = trustListOf(issuer, makeIssuer({ kid: 'another' }));
  t.same(ask(s, uri, 6), { state: 'found', value: 1 }, 'answered at once, signature checked again');
  t.equal(server.hitsOf('/reload'), 1, 'no fetch');
});

t.test('a list counts as checked against the trust list in force when its refresh began', async (t) => {
  let current = trust;
  let release: () => void = () => {};
  const uri = server.route('/slow-trust', (_req, res) => {
    release = () => res.end(list(`${server.base}/slow-trust`, [9]));
    if (server.hitsOf('/slow-trust') > 1) release(); // the first answer waits for the test
  });
  const s = lists({ trust: () => current });
  t.teardown(() => s.close());
  const refreshed = s.refresh(uri);
  while (server.hitsOf('/slow-trust') === 0) await new Promise((r) => setTimeout(r, 10));
  current = trustListOf(makeIssuer({ kid: 'someone-else' })); // the key is withdrawn while the fetch is under way
  release();
  await refreshed;
  t.match(s.state(nowS())[0], { iat: nowS() - 10, last_fetch: { ok: true } }, 'the list was fetched and verified');
  t.match(await ask(s, uri, 9), { state: 'unavailable', reason: /no trusted key/ }, 'checked again at the next lookup, and dropped');
});
