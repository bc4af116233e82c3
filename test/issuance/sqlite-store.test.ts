/** The SQLite store on real files: modes, WAL, migrations, every transaction's rules, a restart. */
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { migrate, readMigrations } from '../../src/issuance/migrations.js';
import { newId, newSecretCode, sha256, txCodeMac } from '../../src/issuance/offers.js';
import { foldForSearch, openSqliteStore, type SqliteStore } from '../../src/issuance/sqlite-store.js';
import type { StudentData } from '../../src/issuance/store.js';
import { captureLog } from '../helpers/log.js';

const dir = mkdtempSync(join(tmpdir(), 'mleg-store-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const { log, lines } = captureLog();
const key = Buffer.alloc(32, 7);
const open = (file: string, listSize = 100) => openSqliteStore({ file, log, listSize });
const mode = (file: string) => statSync(file).mode & 0o777;

export const STORE_STUDENT: StudentData = {
  given_name: 'Bożena',
  family_name: 'Magazynowa-Łęcka',
  birthdate: '2011-06-15',
  doc: 'school',
  doc_no: 'STORE/1/2026',
  valid_until: '2030-09-30',
  org: { name: 'Szkoła Podstawowa nr 3', id: 'RSPO-3' },
};

function student(n: number): StudentData {
  return { ...STORE_STUDENT, doc_no: `STORE/${n}/2026` };
}

async function offered(store: SqliteStore, studentId: string, o: { now?: number; ttl?: number; txCode?: string } = {}) {
  const code = newSecretCode();
  const codeHash = sha256(code);
  const txCode = o.txCode ?? '12345678';
  const now = o.now ?? Date.now();
  const made = await store.createOffer(
    { id: newId(), studentId, configurationId: 'mlegitymacja_szkolna', codeHash, txCodeMac: txCodeMac(key, codeHash, txCode), createdAt: now, expiresAt: now + (o.ttl ?? 60_000) },
    'admin',
  );
  const redeem = (tx: string, at = now, maxAttempts = 5) => store.redeemOffer({ codeHash, txCodeMac: txCodeMac(key, codeHash, tx), now: at, maxAttempts, token: { hash: sha256(`token-${code}-${tx}-${at}`), expiresAt: at + 300_000 } });
  return { made, redeem, tokenHash: (tx: string, at = now) => sha256(`token-${code}-${tx}-${at}`) };
}

t.test('a new database file is mode 0600 (its -wal and -shm too), in WAL, with foreign keys, migrated once', async (t) => {
  const file = join(dir, 'sub', 'new.db');
  const store = open(file);
  t.equal(mode(file), 0o600);
  await store.createStudent(student(1), Date.now(), 'admin');
  for (const suffix of ['-wal', '-shm']) {
    t.ok(existsSync(file + suffix), `${suffix} exists in WAL mode`);
    t.equal(mode(file + suffix), 0o600, `${suffix} is 0600`);
  }
  t.equal(mode(join(dir, 'sub')), 0o700, 'a folder it makes is 0700');
  t.equal(store.database.pragma('journal_mode', { simple: true }), 'wal');
  t.equal(store.database.pragma('foreign_keys', { simple: true }), 1);
  t.same(store.database.prepare('SELECT version, name FROM schema_migrations').all(), [{ version: 1, name: '001-initial.sql' }]);
  t.ok(lines.some((l) => l.msg === 'database migrated'));
  store.close();
  const again = open(file);
  t.equal((again.database.prepare('SELECT count(*) AS n FROM schema_migrations').get() as { n: number }).n, 1, 'not applied twice');
  again.close();
});

t.test('an existing database readable by others is tightened to 0600; a newer schema or a non-database is refused', async (t) => {
  const file = join(dir, 'loose.db');
  open(file).close();
  chmodSync(file, 0o644);
  open(file).close();
  t.equal(mode(file), 0o600);
  t.ok(lines.some((l) => l.msg === 'database file was readable by others: now mode 0600'));

  const db = new Database(file);
  db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, ?, 0)').run('099-future.sql');
  db.close();
  t.throws(() => open(file), { code: 'DATABASE_INVALID', message: /newer mleg \(schema version 99; this one knows up to 1\)/ });

  const junk = join(dir, 'junk.db');
  writeFileSync(junk, 'this is not a database, not at all, it is a text file of some length'.repeat(20), { mode: 0o600 });
  t.throws(() => open(junk), { code: 'DATABASE_INVALID', message: /cannot open the database/ });
});

t.test('a failing migration leaves nothing behind', async (t) => {
  const file = join(dir, 'failing.db');
  const db = new Database(file);
  const migrations = [...readMigrations(), { version: 2, name: '002-broken.sql', sql: 'CREATE TABLE extra (x INTEGER); INSERT INTO nowhere VALUES (1);' }];
  t.throws(() => migrate(db, migrations), /migration 002-broken.sql failed/);
  t.same(db.prepare('SELECT version FROM schema_migrations').all(), [{ version: 1 }], 'the first applied, the second not recorded');
  t.equal(db.prepare("SELECT name FROM sqlite_master WHERE name = 'extra'").get(), undefined, 'its table rolled back');
  db.close();
});

t.test('students: registered, doc_no unique, search ignoring case and Polish diacritics, paged', async (t) => {
  const store = open(join(dir, 'students.db'));
  t.teardown(() => store.close());
  const first = await store.createStudent(student(1), 1000, 'admin');
  t.ok(first.ok);
  t.match(first, { student: { state: 'registered', doc_no: 'STORE/1/2026', org: { id: 'RSPO-3' } } });
  t.same(await store.createStudent(student(1), 1001, 'admin'), { ok: false, reason: 'conflict', message: 'a student with this doc_no is already registered' });
  for (let n = 2; n <= 5; n++) await store.createStudent({ ...student(n), family_name: n % 2 === 0 ? 'Wiśniewska' : 'Nowak', org: null }, 1000 + n, 'admin');
  t.equal(foldForSearch('ŁĘCKA Żółć'), 'lecka zolc');
  const found = await store.listStudents({ q: 'wisniewSKA', limit: 10 });
  t.same(found.students.map((s) => s.doc_no), ['STORE/2/2026', 'STORE/4/2026']);
  t.same((await store.listStudents({ q: 'łęcka', limit: 10 })).students.length, 1);
  t.same((await store.listStudents({ q: 'store/3', limit: 10 })).students.map((s) => s.doc_no), ['STORE/3/2026'], 'by document number');
  const page1 = await store.listStudents({ limit: 2 });
  const page2 = await store.listStudents({ limit: 2, after: page1.next! });
  const page3 = await store.listStudents({ limit: 2, after: page2.next! });
  t.same([...page1.students, ...page2.students, ...page3.students].map((s) => s.doc_no), [1, 2, 3, 4, 5].map((n) => `STORE/${n}/2026`));
  t.equal(page3.next, null);
  t.same((await store.listStudents({ state: 'offered', limit: 10 })).students, []);
  t.same((await store.getStudent(first.ok ? first.student.id : '', Date.now()))?.org, { name: 'Szkoła Podstawowa nr 3', id: 'RSPO-3' });
});

t.test('redemption: wrong codes counted to the lock, the right code once, expiry, a replaced offer', async (t) => {
  const store = open(join(dir, 'offers.db'));
  t.teardown(() => store.close());
  const s = await store.createStudent(student(1), 0, 'admin');
  if (!s.ok) throw new Error('no student');
  const id = s.student.id;
  const now = Date.now();
  const a = await offered(store, id, { now });
  t.same(a.made, { ok: true });
  t.equal((await store.getStudent(id, now))?.state, 'offered');
  t.match(await a.redeem('00000000'), { ok: false, reason: 'wrong_tx_code', attemptsLeft: 4, locked: false });
  t.match(await a.redeem('12345678'), { ok: true, studentId: id, configurationId: 'mlegitymacja_szkolna' });
  t.match(await a.redeem('12345678'), { ok: false, reason: 'used' }, 'a code is redeemed once');
  t.match(await store.accessToken(a.tokenHash('12345678'), now), { state: 'usable', studentId: id });

  const b = await offered(store, id, { now });
  for (let i = 1; i <= 4; i++) t.match(await b.redeem('99999999'), { reason: 'wrong_tx_code', attemptsLeft: 5 - i, locked: false });
  t.match(await b.redeem('99999999'), { reason: 'wrong_tx_code', attemptsLeft: 0, locked: true }, 'the fifth wrong code locks');
  t.match(await b.redeem('12345678'), { ok: false, reason: 'locked' }, 'then even the right code is refused');
  t.same((await store.audit(id)).map((e) => e.action).filter((a) => a.startsWith('offer.')).slice(-2), ['offer.wrong_code', 'offer.locked']);

  const c = await offered(store, id, { now, ttl: 1000 });
  t.match(await c.redeem('12345678', now + 1000), { ok: false, reason: 'expired' });
  const d = await offered(store, id, { now });
  const e = await offered(store, id, { now });
  t.match(await d.redeem('12345678'), { ok: false, reason: 'cancelled' }, 'a new offer replaces the unredeemed one');
  t.match(await e.redeem('12345678'), { ok: true });
  t.match(await store.redeemOffer({ codeHash: sha256('nope'), txCodeMac: Buffer.alloc(32), now, maxAttempts: 5, token: { hash: sha256('x'), expiresAt: now } }), { ok: false, reason: 'unknown' });
});

t.test('issuing: token and nonce used once, indexes allocated, a second list when the first is full, the earlier device revoked', async (t) => {
  const file = join(dir, 'issue.db');
  let store = open(file, 4);
  const now = Date.now();
  const s = await store.createStudent(student(1), now, 'admin');
  const other = await store.createStudent(student(2), now, 'admin');
  if (!s.ok || !other.ok) throw new Error('no student');
  const issue = async (studentId: string, tx = '12345678', jti = newId()) => {
    const o = await offered(store, studentId, { now, txCode: tx });
    await o.redeem(tx);
    return store.issueCredential({ tokenHash: o.tokenHash(tx), nonceHash: sha256(newSecretCode()), now, jti, deviceThumbprint: 'thumb' });
  };
  const first = await issue(s.student.id, '12345678', 'first-jti');
  t.match(first, { ok: true, statusList: '1', idx: 0, replaced: [], student: { state: 'active' } });
  const o = await offered(store, other.student.id, { now });
  await o.redeem('12345678');
  const nonceHash = sha256('nonce');
  const second = await store.issueCredential({ tokenHash: o.tokenHash('12345678'), nonceHash, now, jti: newId(), deviceThumbprint: 't2' });
  t.match(second, { ok: true, idx: 1 });
  t.same(await store.issueCredential({ tokenHash: o.tokenHash('12345678'), nonceHash: sha256('other'), now, jti: newId(), deviceThumbprint: 't2' }), { ok: false, reason: 'token' }, 'one access token, one credential');
  const third = await offered(store, other.student.id, { now, txCode: '11112222' });
  await third.redeem('11112222');
  t.same(await store.issueCredential({ tokenHash: third.tokenHash('11112222'), nonceHash, now, jti: newId(), deviceThumbprint: 't2' }), { ok: false, reason: 'nonce_used' });
  t.match(await store.accessToken(third.tokenHash('11112222'), now), { state: 'usable' }, 'a refused nonce leaves the token usable');

  const replacing = await issue(s.student.id, '55556666');
  t.match(replacing, { ok: true, idx: 2, replaced: ['first-jti'] });
  const record = (await store.getStudent(s.student.id, now))!;
  t.same(record.credentials.map((c) => [c.status, c.reason]), [['revoked', 'device_replaced'], ['valid', null]]);
  t.same([...(await store.statusList('1'))!.entries], [[0, 1]], 'the earlier credential is revoked in the list');
  await issue(s.student.id, '77778888');
  const fifth = await issue(s.student.id, '88889999');
  t.match(fifth, { ok: true, statusList: '2', idx: 0 }, 'a second list when the first is full');
  t.same(await store.statusListNames(), ['1', '2']);
  t.same([...(await store.statusList('1'))!.entries].sort(), [[0, 1], [2, 1], [3, 1]]);

  store.close();
  store = open(file, 4);
  t.teardown(() => store.close());
  const kept = (await store.getStudent(s.student.id, now))!;
  t.equal(kept.credentials.length, 4, 'a restart keeps the credentials');
  t.equal(kept.state, 'active');
  t.same([...(await store.statusList('2'))!.entries], []);
  t.same((await store.counts()).credentials, { valid: 2, suspended: 0, revoked: 3 });
});

t.test('suspend, reinstate, revoke: allowed states, status entries, offers cancelled; erasing keeps entries revoked', async (t) => {
  const store = open(join(dir, 'status.db'));
  t.teardown(() => store.close());
  const now = Date.now();
  const s = await store.createStudent(student(1), now, 'admin');
  if (!s.ok) throw new Error('no student');
  const id = s.student.id;
  t.match(await store.changeStatus(id, { change: 'suspend' }, now, 'admin'), { ok: false, reason: 'conflict', message: /registered; only an active student/ });
  t.match(await store.changeStatus(id, { change: 'reinstate' }, now, 'admin'), { ok: false, reason: 'conflict' });
  const o = await offered(store, id, { now });
  await o.redeem('12345678');
  await store.issueCredential({ tokenHash: o.tokenHash('12345678'), nonceHash: sha256('n1'), now, jti: 'cred-1', deviceThumbprint: 't' });
  const version = (await store.statusList('1'))!.version;
  t.same(await store.changeStatus(id, { change: 'suspend' }, now, 'admin'), { ok: true });
  t.same([...(await store.statusList('1'))!.entries], [[0, 2]]);
  t.ok((await store.statusList('1'))!.version > version, 'a change bumps the list version');
  const pending = await offered(store, id, { now });
  t.match(pending.made, { ok: false, reason: 'conflict', message: /suspended/ }, 'no offer for a suspended student');
  t.same(await store.changeStatus(id, { change: 'reinstate' }, now, 'admin'), { ok: true });
  t.same([...(await store.statusList('1'))!.entries], []);
  const open_ = await offered(store, id, { now });
  t.same(await store.changeStatus(id, { change: 'revoke', reason: 'transferred' }, now, 'admin'), { ok: true });
  t.match(await open_.redeem('12345678'), { ok: false, reason: 'cancelled' }, 'revoking cancels the open offer');
  t.same([...(await store.statusList('1'))!.entries], [[0, 1]]);
  t.match((await store.getStudent(id, now))!, { state: 'revoked', credentials: [{ jti: 'cred-1', status: 'revoked', reason: 'transferred' }] });
  t.match(await store.changeStatus(id, { change: 'revoke', reason: 'other' }, now, 'admin'), { ok: false, reason: 'conflict', message: 'the student is revoked already' });
  t.same((await store.audit(id)).map((e) => e.action), ['student.register', 'offer.create', 'offer.redeem', 'credential.issue', 'student.suspend', 'student.reinstate', 'offer.create', 'student.revoke']);

  const b = await store.createStudent(student(2), now, 'admin');
  if (!b.ok) throw new Error('no student');
  const ob = await offered(store, b.student.id, { now });
  await ob.redeem('12345678');
  await store.issueCredential({ tokenHash: ob.tokenHash('12345678'), nonceHash: sha256('n2'), now, jti: 'cred-2', deviceThumbprint: 't' });
  t.same(await store.eraseStudent(b.student.id, now, 'admin'), { ok: true });
  t.equal(await store.getStudent(b.student.id, now), undefined);
  t.same([...(await store.statusList('1'))!.entries].sort(), [[0, 1], [1, 1]], 'the erased student\'s credential stays revoked');
  const row = store.database.prepare("SELECT student_id, device_thumbprint, reason FROM credentials WHERE jti = 'cred-2'").get();
  t.same(row, { student_id: null, device_thumbprint: null, reason: 'erased' });
  t.equal((store.database.prepare('SELECT count(*) AS n FROM offers WHERE student_id = ?').get(b.student.id) as { n: number }).n, 0);
  t.same(await store.eraseStudent(b.student.id, now, 'admin'), { ok: false, reason: 'not_found' });
});

t.test('prune forgets used nonces and dead access tokens', async (t) => {
  const store = open(join(dir, 'prune.db'));
  t.teardown(() => store.close());
  store.database.prepare('INSERT INTO used_nonces VALUES (?, ?)').run(sha256('old'), 1000);
  store.database.prepare('INSERT INTO used_nonces VALUES (?, ?)').run(sha256('new'), 5000);
  await store.prune(2000);
  t.equal((store.database.prepare('SELECT count(*) AS n FROM used_nonces').get() as { n: number }).n, 1);
  t.ok(readdirSync(dir).length > 0);
});
