import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { signStatusList } from '../../src/issuer/status-list.js';
import { tokenText, verifyStatusListToken } from '../../src/status/status-list-token.js';
import { StatusListThread } from '../../src/status/status-list-thread.js';
import { makeIssuer, tamperSignature, trustListOf } from '../helpers/world.js';
import { StatusServer } from '../helpers/status-server.js';

const issuer = makeIssuer();
const trust = trustListOf(issuer);
const limits = { allowHttp: true, timeoutMs: 2000, maxBytes: 1024 * 1024, maxRedirects: 0 };
const statuses = new Uint8Array(100_000);
statuses[7] = 1;
statuses[99_999] = 1;

let server: StatusServer;
const dir = mkdtempSync(join(tmpdir(), 'mleg-thread-'));
t.before(async () => {
  server = await StatusServer.start();
});
t.teardown(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

t.test('a list fetched or read on the thread is the list the check on this thread gives, its bytes and token moved over whole', async (t) => {
  const thread = new StatusListThread();
  t.teardown(() => thread.close());
  const uri = `${server.base}/thread`;
  const token = signStatusList(issuer, { uri, bits: 1, statuses, iat: 1_800_000_000, ttl: 300 });
  server.token('/thread', token);
  const file = join(dir, 'list.jwt');
  writeFileSync(file, `${token}\n`);
  const expected = verifyStatusListToken(token, trust, uri);
  for (const [how, outcome] of [
    ['fetched', await thread.load(uri, undefined, limits, trust)],
    ['read from a file', await thread.load(uri, file, limits, trust)],
  ] as const) {
    t.same(outcome, expected, how);
    if (!outcome.ok) continue;
    t.ok(outcome.value.bytes instanceof Uint8Array && outcome.value.bytes.buffer.byteLength === outcome.value.bytes.length, `${how}: the bytes hold a buffer of their own`);
    t.ok(outcome.value.token.buffer.byteLength === token.length, `${how}: so does the token`);
    t.equal(tokenText(outcome.value), token, `${how}: the token, as received`);
  }
});

t.test('what cannot be fetched, read or checked comes back as the reason', async (t) => {
  const thread = new StatusListThread();
  t.teardown(() => thread.close());
  const uri = `${server.base}/forged`;
  server.token('/forged', tamperSignature(signStatusList(issuer, { uri, bits: 1, statuses, iat: 1_800_000_000 })));
  t.match(await thread.load(uri, undefined, limits, trust), { ok: false, reason: /signature does not verify/ });
  t.match(await thread.load(`${server.base}/nothing-here`, undefined, limits, trust), { ok: false, reason: /HTTP 404/ });
  t.match(await thread.load(uri, join(dir, 'missing.jwt'), limits, trust), { ok: false, reason: 'the local status list file cannot be read', detail: /ENOENT/ }, 'what the OS said is the detail, for the log');
  t.match(await thread.load(uri, undefined, { ...limits, allowHttp: false }, trust), { ok: false, reason: /not https/ });
  t.match(await thread.load(uri, undefined, limits, trustListOf(makeIssuer({ kid: 'someone-else' }))), { ok: false, reason: /no trusted key/ }, 'checked against the keys it was given');
});

t.test('closing answers the loads under way and every later one', async (t) => {
  const thread = new StatusListThread();
  const uri = server.route('/never', () => {});
  const pending = thread.load(uri, undefined, limits, trust);
  await new Promise((r) => setTimeout(r, 100));
  thread.close();
  t.same(await pending, { ok: false, reason: 'the status list thread is closed' });
  t.same(await thread.load(uri, undefined, limits, trust), { ok: false, reason: 'the status list thread is closed' });
});

/** The nice value of each thread of this process (Linux: field 19 of /proc/self/task/<tid>/stat). */
function threadNiceness(): Map<number, number> {
  const nice = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended in between (one an earlier test closed)
    }
    // After the ")" closing the thread's name: state is field 3, nice field 19.
    nice.set(Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
  }
  return nice;
}

t.test('lists are checked at a lower CPU priority than the thread that verifies scans', { skip: process.platform !== 'linux' && 'nice values are per thread on Linux only' }, async (t) => {
  const before = threadNiceness();
  const thread = new StatusListThread();
  t.teardown(() => thread.close());
  const uri = `${server.base}/priority`;
  server.token('/priority', signStatusList(issuer, { uri, bits: 1, statuses, iat: 1_800_000_000 }));
  t.ok((await thread.load(uri, undefined, limits, trust)).ok);
  const after = threadNiceness();
  const lowered = [...after].filter(([tid, nice]) => !before.has(tid) && nice >= 10);
  t.equal(lowered.length, 1, 'the status list thread runs at nice 10 or lower priority');
  t.equal(after.get(process.pid), 0, 'the main thread keeps the normal priority');
  t.same([...before].filter(([tid]) => after.has(tid)).map(([tid]) => after.get(tid)), [...before].filter(([tid]) => after.has(tid)).map(([, nice]) => nice), 'no other thread changed');
});

t.test('the thread is sent the one key its token names, from the trust list of that load', async (t) => {
  const thread = new StatusListThread();
  t.teardown(() => thread.close());
  const uri = `${server.base}/one-key`;
  server.token('/one-key', signStatusList(issuer, { uri, bits: 1, statuses, iat: 1_800_000_000 }));
  const crowd = Array.from({ length: 300 }, (_, i) => makeIssuer({ kid: `school-${i}`, iss: `PL-S${i}` }));
  const withIssuer = trustListOf(...crowd.slice(0, 150), issuer, ...crowd.slice(150));
  const without = trustListOf(...crowd);
  // At once, each load against its own list: the key asked for comes from the right one.
  const [found, notFound] = await Promise.all([thread.load(uri, undefined, limits, withIssuer), thread.load(uri, undefined, limits, without)]);
  t.match(found, { ok: true, value: { iss: issuer.iss, kid: issuer.kid } });
  t.match(notFound, { ok: false, reason: /no trusted key with kid "issuer-1"/ });
  server.token('/one-key', 'not-a.jws');
  t.match(await thread.load(uri, undefined, limits, withIssuer), { ok: false, reason: /not a compact JWS/ }, 'a token whose header names no key: its own reason');
});
