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
import { captureLog } from '../helpers/log.js';
import { ManualClock, ManualFiles } from '../helpers/manual-clock.js';
import { StatusServer } from '../helpers/status-server.js';
import { until } from '../helpers/until.js';

const issuer = makeIssuer();
const trust = trustListOf(issuer);

/** Time moves only when a test advances it: refreshes and back-off are tested without sleeping. */
let clock = new ManualClock();
const nowS = () => clock.seconds;
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
    clockSkewSeconds: 30,
    refreshSeconds: 600,
    // Generous: a fetch from a loaded machine's loopback may take a while (the timeout's own test sets its own).
    timeoutMs: 15_000,
    maxBytes: 64 * 1024,
    maxRedirects: 3,
    files: {},
    archive: undefined,
    log: createLogger('debug', auditedSink()),
    clock,
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
  clock = new ManualClock();
});

t.test('first lookup waits for one fetch with the right Accept header; then answers synchronously', async (t) => {
  const uri = server.token('/first', list(`${server.base}/first`, [3]));
  const s = lists();
  t.teardown(() => s.close());
  const first = ask(s, uri, 3);
  t.ok(first instanceof Promise, 'nothing cached: waits');
  t.match(await first, { state: "found", value: 1 });
  t.equal(server.accepts.at(-1), 'application/statuslist+jwt');
  const second = ask(s, uri, 2);
  t.notOk(second instanceof Promise, 'cached: synchronous');
  t.match(second, { state: "found", value: 0 });
  t.match(ask(s, uri, 16), { state: 'past-end', entries: 16 });
  t.equal(server.hitsOf('/first'), 1);
});

t.test("an answer from a list carries that list's iat (the result's freshness)", async (t) => {
  const iat = nowS() - 1234;
  const uri = server.token('/iat', list(`${server.base}/iat`, [3], { iat }));
  const s = lists();
  t.teardown(() => s.close());
  t.match(await s.lookup(uri, 3, issuer.iss, nowS()), { state: 'found', value: 1, iat });
  t.match(s.lookup(uri, 16, issuer.iss, nowS()), { state: 'past-end', entries: 16, iat });
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
  t.match(await ask(s, uri, 1), { state: 'found', value: 1 });
  fail = true;
  await s.refresh(uri);
  t.match(ask(s, uri, 1), { state: 'found', value: 1 }, 'still answered from the kept list');
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
  t.match(await ask(s, uri, 5), { state: 'found', value: 0 });
  revoked = [5];
  clock.set(clock.now() + 30_000);
  t.match(ask(s, uri, 5), { state: 'found', value: 0 }, 'before the ttl: no refetch');
  t.equal(server.hitsOf('/ttl'), 1);
  clock.set(clock.now() + 31_000); // past the ttl, before its timer has had its turn
  t.match(ask(s, uri, 5), { state: 'found', value: 0 }, 'after the ttl: answered at once from the cache…');
  await s.settled();
  t.equal(server.hitsOf('/ttl'), 2, '…while a refresh runs in the background');
  t.match(ask(s, uri, 5), { state: 'found', value: 1 }, 'the refreshed list is used next');

  const short = server.route('/short', (_req, res) => res.end(list(`${server.base}/short`, [], { ttl: 86400 })));
  const s2 = lists({ refreshSeconds: 10 });
  t.teardown(() => s2.close());
  await ask(s2, short);
  clock.set(clock.now() + 11_000);
  ask(s2, short);
  await s2.settled();
  t.equal(server.hitsOf('/short'), 2, 'refreshSeconds shorter than ttl wins');
});

t.test('refresh runs on a timer even with no scans; failures back off 5 s, doubling, up to refreshSeconds', async (t) => {
  let fail = false;
  const uri = server.route('/timer', (_req, res) => (fail ? res.writeHead(500).end() : res.end(list(`${server.base}/timer`))));
  const s = lists({ refreshSeconds: 60 });
  t.teardown(() => s.close());
  await ask(s, uri);
  t.equal(clock.next, clock.now() + 60_000, 'the next refresh is set for refreshSeconds from now');
  await clock.advance(59_999);
  t.equal(server.hitsOf('/timer'), 1, 'not before');
  await clock.advance(1);
  await s.settled();
  t.equal(server.hitsOf('/timer'), 2, 'refetched by the timer, with no scan');
  fail = true;
  const gaps: number[] = [];
  for (let i = 0; i < 6; i++) {
    const before = clock.now();
    await clock.advance(clock.next! - clock.now());
    await s.settled();
    gaps.push(clock.now() - before);
  }
  t.same(gaps, [60_000, 5_000, 10_000, 20_000, 40_000, 60_000], 'after the first failure: 5 s, 10 s, 20 s, 40 s, then refreshSeconds');
  t.equal(server.hitsOf('/timer'), 8);
  t.match(ask(s, uri), { state: 'found', value: 0 }, 'the last usable list is used throughout');
  s.close();
  t.equal(clock.timers, 0, 'closing cancels the timers');
});

t.test('fetch limits: timeout, redirects, size, https only', async (t) => {
  const quick = lists({ timeoutMs: 300 });
  t.teardown(() => quick.close());
  const hang = server.route('/hang', () => {});
  const started = Date.now();
  t.match(await ask(quick, hang), { state: 'unavailable', reason: /no answer within 300 ms/ });
  t.ok(Date.now() - started < 2000, 'bounded by the timeout');
  // The rest with the generous timeout: three requests and a signature check can take more than 300 ms on a loaded machine.
  const s = lists();
  t.teardown(() => s.close());

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
  t.match(await ask(s, uri, 2), { state: 'found', value: 1 });
  for (const bad of [body.slice(0, body.length / 2), list(`${server.base}/other`), signStatusList(makeIssuer({ kid: 'issuer-1' }), { uri, bits: 1, statuses: [0, 0, 0, 0], iat: nowS() }), list(uri, [], { iat: nowS() - 1000 })]) {
    body = bad;
    await s.refresh(uri);
    t.match(ask(s, uri, 2), { state: 'found', value: 1 }, 'the good list stays');
  }
  t.match(s.state(nowS())[0]!.last_fetch, { ok: false, error: /older/ }, 'a list older than the cached one (rollback) is refused');
});

t.test('a list is used only for credentials of the issuer that signed it', async (t) => {
  const uri = server.token('/mine', list(`${server.base}/mine`));
  const s = lists();
  t.teardown(() => s.close());
  t.match(await ask(s, uri, 0, 'PL-SOMEONE-ELSE'), { state: 'unavailable', reason: /another issuer/ });
  t.match(ask(s, uri, 0, issuer.iss), { state: 'found', value: 0 });
  t.match(ask(s, uri, 0, 'PL-SOMEONE-ELSE'), { state: 'unavailable', reason: /another issuer/ });
});

t.test('one issuer\'s list never displaces, blocks or outlives another\'s at the same URI, in memory or on disk', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mleg-archive-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const other = makeIssuer({ kid: 'issuer-b', iss: 'PL-B' });
  const both = trustListOf(issuer, other);
  const own = await StatusServer.start();
  t.teardown(() => own.close());
  const uri = `${own.base}/a-list`;
  // B signs a list naming A's URI and it is served there first; A's genuine list (index 3 revoked) comes next.
  let body = signStatusList(other, { uri, bits: 1, statuses: new Uint8Array(16), iat: nowS() });
  own.route('/a-list', (_req, res) => res.end(body));
  const s = lists({ trust: () => both, archive: new StatusArchive(dir) });
  t.match(await ask(s, uri, 3, issuer.iss), { state: 'unavailable', reason: /signed by another issuer/ }, 'A\'s credentials are not answered from B\'s list');
  t.match(ask(s, uri, 3, other.iss), { state: 'found', value: 0 }, 'B\'s list answers for B');
  body = list(uri, [3], { iat: nowS() - 60 });
  await s.refresh(uri);
  t.match(ask(s, uri, 3, issuer.iss), { state: 'found', value: 1 }, 'A\'s genuine list is taken, though older than B\'s: A\'s revocation holds');
  t.match(ask(s, uri, 3, other.iss), { state: 'found', value: 0 }, 'and B\'s list is still B\'s');
  t.same(s.state(nowS()).map((row) => [row.iss, row.usable]).sort(), [[other.iss, true], [issuer.iss, true]], '/v1/state shows both, apart');
  await s.settled();
  s.close();
  t.equal(readdirSync(dir).filter((f) => f.endsWith('.json')).length, 2, 'archived apart: one file each');

  own.route('/a-list', (_req, res) => res.writeHead(503).end());
  const after = lists({ trust: () => both, archive: new StatusArchive(dir) });
  t.teardown(() => after.close());
  t.match(ask(after, uri, 3, issuer.iss), { state: 'found', value: 1 }, 'after a restart A\'s list is A\'s');
  t.match(ask(after, uri, 3, other.iss), { state: 'found', value: 0 }, 'and B\'s is B\'s');
});

t.test('a list issued in the future is not taken, and blocks nothing', async (t) => {
  let body = list(`${server.base}/future`, [1], { iat: nowS() + 86400 });
  const uri = server.route('/future', (_req, res) => res.end(body));
  const s = lists();
  t.teardown(() => s.close());
  t.match(await ask(s, uri, 1), { state: 'unavailable', reason: /issued 86400 s in the future/ }, 'a list from tomorrow is not usable');
  t.match(s.state(nowS())[0], { iss: null, usable: false, last_fetch: { ok: false, error: /in the future/ } }, 'nor held');
  body = list(uri, [1, 2]);
  await clock.advance(5000); // the back-off
  await s.settled();
  t.match(await ask(s, uri, 2), { state: 'found', value: 1 }, 'today\'s list is taken next: the revocation it carries holds');
  body = list(uri, [], { iat: nowS() + 3600 });
  await s.refresh(uri);
  t.match(ask(s, uri, 2), { state: 'found', value: 1 }, 'and one from the future never replaces it');
  t.match(s.state(nowS())[0], { usable: true, last_fetch: { ok: false, error: /in the future/ } });
  body = list(uri, [], { iat: nowS() + 20 });
  await s.refresh(uri);
  t.match(ask(s, uri, 2), { state: 'found', value: 0 }, 'within clockSkewSeconds is not the future');
});

t.test('a newer list that cannot be used never replaces a usable one', async (t) => {
  const { log, lines } = captureLog('debug');
  let body = list(`${server.base}/newer-expired`, [4], { exp: nowS() + 3600 });
  const uri = server.route('/newer-expired', (_req, res) => res.end(body));
  const s = lists({ log });
  t.teardown(() => s.close());
  t.match(await ask(s, uri, 4), { state: 'found', value: 1 });
  body = list(uri, [], { iat: nowS(), exp: nowS() - 1 });
  await s.refresh(uri);
  t.match(ask(s, uri, 4), { state: 'found', value: 1 }, 'answers still come from the usable list');
  t.match(s.state(nowS())[0], { usable: true, last_fetch: { ok: false, error: /expired; the usable list held is kept/ } });
  t.match(lines.at(-1), { msg: 'status list fetch failed', keeping: true });
  body = list(uri, [], { iat: nowS() - 4000 });
  await s.refresh(uri);
  t.match(ask(s, uri, 4), { state: 'found', value: 1 }, 'nor does one too old to use');
  clock.set(clock.now() + 3600_000);
  t.match(await ask(s, uri, 4), { state: 'unavailable', reason: /expired/ }, 'once the held list is no longer usable itself…');
  body = list(uri, [], { iat: nowS() - 10, exp: nowS() - 1 });
  await s.refresh(uri);
  t.match(s.state(nowS())[0], { iat: nowS() - 10 }, '…the newest there is is held, though unusable too');
});

t.test('reasons in answers and in /v1/state carry no path and no OS error text; the log has them', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mleg-missing-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const { log, lines } = captureLog('debug');
  const missing = join(dir, 'missing-status-list.jwt');
  const local = 'https://offline.test/missing';
  const s = lists({ log, files: { [local]: missing } });
  t.teardown(() => s.close());
  const closed = await StatusServer.start();
  const unreachable = `${closed.base}/list`;
  await closed.close(); // nothing listens there now: connection refused
  const answers = [ask(s, local), await ask(s, unreachable)];
  await s.refresh(local);
  const text = JSON.stringify([answers, s.state(nowS())]);
  t.match(text, /the local status list file cannot be read/);
  t.match(text, /the status host cannot be reached/);
  t.notMatch(text, /ENOENT|ECONNREFUSED|missing-status-list|mleg-missing|fetch failed/, 'no path, no OS error');
  const logged = JSON.stringify(lines);
  t.match(logged, /ENOENT/, 'the operator\'s log keeps what the OS said');
  t.match(logged, /ECONNREFUSED/);
});

t.test('status.files is looked up by its own keys only: __proto__, toString, constructor are no local files', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mleg-files-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'list.jwt');
  writeFileSync(file, list('https://offline.test/list'));
  const s = lists({ files: { 'https://offline.test/list': file }, allowHttp: false });
  t.teardown(() => s.close());
  for (const uri of ['__proto__', 'toString', 'constructor', 'hasOwnProperty', 'valueOf']) {
    const answer = ask(s, uri);
    t.notOk(answer instanceof Promise, `${uri}: not fetched or read`);
    t.match(answer, { state: 'unavailable', reason: /is not a URL/ }, `${uri}: refused as the URI it is`);
  }
  t.notMatch(JSON.stringify(s.state(nowS())), /cloned|native code/);
});

t.test('usable while now < exp and now - iat <= maxAgeSeconds', async (t) => {
  const expiring = server.token('/exp', list(`${server.base}/exp`, [], { exp: nowS() + 100 }));
  const s = lists({ maxAgeSeconds: 300 });
  t.teardown(() => s.close());
  t.match(await ask(s, expiring), { state: 'found' });
  clock.set(clock.now() + 100_000);
  t.match(await ask(s, expiring), { state: 'unavailable', reason: /expired/ });
  const aging = server.token('/age', list(`${server.base}/age`, [], { iat: nowS() - 290 }));
  t.match(await ask(s, aging), { state: 'found' });
  clock.set(clock.now() + 11_000);
  t.match(await ask(s, aging), { state: 'unavailable', reason: /s old; at most 300 s/ });
});

t.test('lists survive a restart: persisted, restored and used with the status server down', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mleg-archive-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const own = await StatusServer.start();
  const uri = own.token('/persist', list(`${own.base}/persist`, [7]));
  const before = lists({ archive: new StatusArchive(dir) });
  t.match(await ask(before, uri, 7), { state: 'found', value: 1 });
  await before.settled();
  before.close();
  await own.close();
  t.equal(readdirSync(dir).filter((f) => f.endsWith('.json')).length, 1, 'one list archived');
  writeFileSync(join(dir, 'status-garbage.json'), '{ not json');

  const after = lists({ archive: new StatusArchive(dir) });
  t.teardown(() => after.close());
  const answer = ask(after, uri, 7);
  t.notOk(answer instanceof Promise, 'restored at start: no fetch needed');
  t.match(answer, { state: 'found', value: 1 }, 'revocation still checked offline');
  t.match(after.state(nowS())[0], { usable: true, last_fetch: null }, 'restored, not fetched: /v1/state does not claim the host answered');
  t.same(await after.refreshAll(), [{ uri, changed: false, ok: false, error: 'the status host cannot be reached' }], 'a refetch with the host down fails and says so');
  t.match(after.state(nowS())[0], { usable: true, last_fetch: { ok: false } });

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
  const files = new ManualFiles();
  const s = lists({ files: { [uri]: file }, allowHttp: false, watchFile: files.watchFile });
  t.teardown(() => s.close());
  t.match(ask(s, uri, 4), { state: 'found', value: 0 }, 'loaded at start');
  t.ok(files.watching(file), 'and watched');
  writeFileSync(file, list(uri, [4], { iat: nowS() }));
  files.changed(file);
  await s.settled();
  t.match(ask(s, uri, 4), { state: 'found', value: 1 }, 'the new file is picked up');
  s.close();
  t.notOk(files.watching(file), 'closing stops watching');
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
  t.match(await ask(s, uri, 3), { state: 'found', value: 0 });
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
  t.match(await ask(s, uri, 2), { state: 'found', value: 1 });
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
    t.match(ask(s, uri, 2), { state: 'found', value: 1 }, `${name}: the good list stays`);
  }
});

t.test('a reloaded trust list with the same key keeps the list without a fetch', async (t) => {
  let current = trust;
  const uri = server.token('/reload', list(`${server.base}/reload`, [6]));
  const s = lists({ trust: () => current });
  t.teardown(() => s.close());
  t.match(await ask(s, uri, 6), { state: 'found', value: 1 });
  current = trustListOf(issuer, makeIssuer({ kid: 'another' }));
  t.match(ask(s, uri, 6), { state: 'found', value: 1 }, 'answered at once, signature checked again');
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
  await until(() => server.hitsOf('/slow-trust') > 0, 15_000, 'the fetch at the status server');
  current = trustListOf(makeIssuer({ kid: 'someone-else' })); // the key is withdrawn while the fetch is under way
  release();
  await refreshed;
  t.match(s.state(nowS())[0], { iat: nowS() - 10, last_fetch: { ok: true } }, 'the list was fetched and verified');
  t.match(await ask(s, uri, 9), { state: 'unavailable', reason: /no trusted key/ }, 'checked again at the next lookup, and dropped');
});
