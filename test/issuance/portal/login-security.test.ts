/**
 * The portal's login and sessions over HTTP, where a browser cannot be made to misbehave:
 * cookie flags with an https issuer.url (Secure), forms without or with another session's
 * CSRF token, another site's Origin, the idle and absolute timeouts on the service's
 * clock, growing delays then a lock per operator (20 wrong logins at once: at most 3 are
 * checked), per client address across names, an unknown name answered as a wrong password,
 * a weaker hash remade at login, an operator removed mid-session.
 */
import t from 'tap';
import { CURRENT_PARAMS, hashPassword, type PasswordHash } from '../../../src/issuance/portal/passwords.js';
import { removeOperator } from '../../../src/issuance/portal/operators.js';
import { startIssuer, type TestIssuer } from '../../helpers/issuance.js';
import { OPERATOR, PortalClient, startPortal } from '../../helpers/portal.js';

const count = (s: TestIssuer, sql: string) => (s.service.store.database.prepare(sql).get() as { n: number }).n;

t.test('over https: every cookie Secure, HttpOnly, SameSite=Strict, Path=/portal', async (t) => {
  const s = await startPortal({ config: { issuer: { url: 'https://legitymacje.szkola.example.pl' } } });
  t.teardown(() => s.close());
  const c = new PortalClient(`http://127.0.0.1:${s.port}`);
  const login = await c.login();
  t.equal(login.res.status, 303);
  await c.get('/portal/?lang=en');
  t.equal(c.setCookies.length, 4, 'the login nonce, the session, the nonce cleared, the language');
  for (const cookie of c.setCookies) t.match(cookie, /^mleg_portal(_login|_lang)?=[^;]*; Path=\/portal; HttpOnly; SameSite=Strict(; Max-Age=\d+)?; Secure$/, cookie.split('=')[0]!);
  const plain = await startPortal();
  t.teardown(() => plain.close());
  const p = new PortalClient(plain.url);
  await p.login();
  t.ok(p.setCookies.every((c) => !c.includes('Secure')), 'not Secure over plain http (a loopback issuer.url)');
});

t.test('forms need their CSRF token and no other site\'s Origin: 403, and nothing happens', async (t) => {
  const s = await startPortal();
  t.teardown(() => s.close());
  const c = new PortalClient(s.url);
  await c.login();
  const token = await c.csrf('/portal/students/new');
  const other = new PortalClient(s.url);
  await other.login();
  const otherToken = await other.csrf();
  const student = { given_name: 'Bez', family_name: 'Tokenu', birthdate: '2012-01-01', doc: 'school', doc_no: 'CSRF/1', valid_until: '2031-08-31' };
  for (const [what, extra] of [
    ['no token', {}],
    ['an empty token', { _csrf: '' }],
    ['a wrong token', { _csrf: token.replace(/^./, (ch) => (ch === 'A' ? 'B' : 'A')) }],
    ["another session's token", { _csrf: otherToken }],
  ] as const) {
    const answer = await c.post('/portal/students', { ...student, ...extra });
    t.equal(answer.res.status, 403, what);
    t.match(answer.text, 'FORBIDDEN');
  }
  const json = await c.request('POST', '/portal/students', { form: student, headers: { accept: 'application/json' } });
  t.same(JSON.parse(json.text), { error: 'FORBIDDEN', message: 'the form has no valid CSRF token; reload the page and try again' }, 'a client asking for JSON gets the error body');
  const foreign = await c.request('POST', '/portal/students', { form: { ...student, _csrf: token }, headers: { origin: 'https://evil.example' } });
  t.equal(foreign.res.status, 403, "another site's Origin, even with the token");
  const nullOrigin = await c.request('POST', '/portal/students', { form: { ...student, _csrf: token }, headers: { origin: 'null' } });
  t.equal(nullOrigin.res.status, 403, 'an opaque origin');
  t.equal((await c.post('/portal/logout', {})).res.status, 403, 'logging out needs the token too');
  t.equal(count(s, 'SELECT count(*) AS n FROM students'), 0, 'nothing written');
  const right = await c.request('POST', '/portal/students', { form: { ...student, _csrf: token }, headers: { origin: s.url } });
  t.equal(right.res.status, 303, 'with the token and its own Origin: done');

  const fresh = new PortalClient(s.url);
  await fresh.get('/portal/login');
  const noToken = await fresh.post('/portal/login', { name: OPERATOR.name, password: OPERATOR.password });
  t.equal(noToken.res.status, 403, 'the login form has a token of its own');
  const stranger = new PortalClient(s.url);
  const strangerToken = /name="_csrf" value="([^"]*)"/.exec((await stranger.get('/portal/login')).text)![1]!;
  t.equal((await fresh.post('/portal/login', { _csrf: strangerToken, name: OPERATOR.name, password: OPERATOR.password })).res.status, 403, "another browser's login token");
  t.equal(count(s, "SELECT count(*) AS n FROM audit WHERE action = 'operator.login_failed'"), 0, 'refused before any password was checked');
});

t.test('sessions end when idle, and after sessionHours whatever the activity', async (t) => {
  const s = await startPortal({ config: { portal: { idleMinutes: 30, sessionHours: 1 } } });
  t.teardown(() => s.close());
  const c = new PortalClient(s.url);
  await c.login();
  s.clock.advance(29 * 60_000);
  t.equal((await c.get('/portal/')).res.status, 200, '29 minutes idle: still in');
  s.clock.advance(29 * 60_000);
  t.equal((await c.get('/portal/')).res.status, 200, 'another 29: still in (each visit counts)');
  s.clock.advance(31 * 60_000);
  const idle = await c.get('/portal/students');
  t.equal(idle.res.status, 303, '31 minutes idle: out');
  t.equal(idle.res.headers.get('location'), '/portal/login?next=%2Fportal%2Fstudents&expired=1');
  t.match((await c.get('/portal/login?expired=1')).text, 'Sesja wygasła albo została zakończona.');
  t.equal(count(s, 'SELECT count(*) AS n FROM portal_sessions'), 0, 'the ended session is deleted');

  const abandoned = new PortalClient(s.url);
  await abandoned.login();
  s.clock.advance(31 * 60_000);
  await c.login();
  t.equal(count(s, 'SELECT count(*) AS n FROM portal_sessions'), 1, 'a session never used again is deleted at the next login');
  for (let i = 0; i < 3; i++) {
    s.clock.advance(19 * 60_000);
    t.equal((await c.get('/portal/')).res.status, 200, `${(i + 1) * 19} minutes after the login, never idle: still in`);
  }
  s.clock.advance(4 * 60_000);
  t.equal((await c.get('/portal/')).res.status, 303, 'an hour after the login: out, however busy');
  const api = await c.request('GET', '/portal/', { headers: { accept: 'application/json' } });
  t.same([api.res.status, JSON.parse(api.text).error], [401, 'SESSION_EXPIRED'], 'a client asking for JSON: 401 SESSION_EXPIRED');
});

t.test('growing delays, then a lock; the right password during a lock is refused too; a login afterwards forgives', async (t) => {
  const s = await startPortal({ config: { portal: { maxFailedLogins: 5, lockMinutes: 15 } } });
  t.teardown(() => s.close());
  // The delays are of a second: only the test moves the clock (each attempt hashes a password, slow on a busy machine).
  s.clock.hold();
  const c = new PortalClient(s.url);
  const wrong = () => c.login(OPERATOR.name, 'wrong password, again');
  const first = await c.request('POST', '/portal/login', { form: { _csrf: await c.csrf('/portal/login'), name: OPERATOR.name, password: 'wrong password, again' }, headers: { accept: 'application/json' } });
  t.same([first.res.status, JSON.parse(first.text)], [401, { error: 'LOGIN_FAILED', message: 'wrong operator name or password' }], 'failure 1: no delay (a JSON client: LOGIN_FAILED)');
  t.equal((await wrong()).res.status, 401, 'failure 2: no delay');
  t.equal((await wrong()).res.status, 401, 'failure 3: the next waits 1 s');
  const delayed = await wrong();
  t.equal(delayed.res.status, 429, 'an attempt within the delay is not checked');
  t.equal(delayed.res.headers.get('retry-after'), '1');
  t.match(delayed.text, 'Spróbuj ponownie za 1 s.');
  s.clock.advance(1000);
  t.equal((await wrong()).res.status, 401, 'failure 4: the next waits 2 s');
  s.clock.advance(1000);
  t.equal((await wrong()).res.status, 429, '1 s later: still waiting');
  s.clock.advance(1000);
  t.equal((await wrong()).res.status, 401, 'failure 5: locked');
  const locked = await c.login();
  t.equal(locked.res.status, 429, 'the right password during the lock');
  t.match(locked.text, 'Konto jest zablokowane do');
  t.equal(locked.res.headers.get('retry-after'), String(15 * 60));
  t.equal(count(s, "SELECT count(*) AS n FROM audit WHERE action = 'operator.locked' AND actor = 'sekretariat.anna'"), 1, 'the lock is in the audit table');
  const asJson = await c.request('POST', '/portal/login', { form: { _csrf: await c.csrf('/portal/login'), name: OPERATOR.name, password: OPERATOR.password }, headers: { accept: 'application/json' } });
  t.same([asJson.res.status, JSON.parse(asJson.text).error], [429, 'LOGIN_LOCKED'], 'a client asking for JSON: LOGIN_LOCKED');
  s.clock.advance(15 * 60_000 + 1);
  t.equal((await wrong()).res.status, 401, 'after the lock a failure…');
  t.equal((await c.login()).res.status, 429, '…locks again at once');
  s.clock.advance(15 * 60_000 + 1);
  t.equal((await c.login()).res.status, 303, 'the right password once the lock ends');
  const row = s.service.store.database.prepare('SELECT failed_attempts, login_not_before, locked_until FROM operators').get();
  t.same(row, { failed_attempts: 0, login_not_before: null, locked_until: null }, 'and the count starts again');
});

t.test('20 wrong logins at the same moment: at most 3 passwords are checked, the rest refused at once', async (t) => {
  const s = await startPortal();
  t.teardown(() => s.close());
  const clients = await Promise.all(Array.from({ length: 20 }, async () => {
    const c = new PortalClient(s.url);
    await c.get('/portal/login');
    return c;
  }));
  const tokens = clients.map((c) => c.csrf('/portal/login'));
  // The same moment as the service sees it: on a busy machine the 20 arrive over more than
  // the 1 s that the third failure makes the next attempt wait.
  s.clock.hold();
  const answers = await Promise.all(clients.map(async (c, i) => (await c.post('/portal/login', { _csrf: await tokens[i]!, name: OPERATOR.name, password: `guess number ${i}` })).res.status));
  const checked = answers.filter((a) => a === 401).length;
  t.ok(checked <= 3, `${checked} checked`);
  t.equal(answers.filter((a) => a === 429).length, 20 - checked, 'the others: 429');
  t.equal(count(s, "SELECT count(*) AS n FROM audit WHERE action = 'operator.login_failed'"), checked);
});

t.test('per client address: many names tried from one address lock it, another address logs in', async (t) => {
  const s = await startPortal({ config: { http: { trustProxy: true }, portal: { maxFailedLogins: 3 } } });
  t.teardown(() => s.close());
  const from = (address: string) => {
    const c = new PortalClient(s.url);
    const request = c.request.bind(c);
    c.request = (method, path, o = {}) => request(method, path, { ...o, headers: { ...o.headers, 'x-forwarded-for': address } });
    return c;
  };
  const attacker = from('203.0.113.7');
  const statuses: number[] = [];
  for (let i = 0; i < 15; i++) {
    statuses.push((await attacker.login(`nobody-${i}`, 'a guess of a password')).res.status);
    s.clock.advance(61_000);
  }
  t.same(statuses, Array(15).fill(401), 'unknown names: the same answer as a wrong password');
  t.match((await attacker.login('nobody-x', 'a guess')).text, 'zablokowane', 'the 15th failure (5 × 3) locked the address');
  t.equal((await attacker.login()).res.status, 429, 'even for a real operator from that address');
  t.equal((await from('198.51.100.20').login()).res.status, 303, 'another address is not locked');
  const unknown = s.service.store.database.prepare("SELECT actor, detail FROM audit WHERE action = 'operator.login_failed' LIMIT 1").get();
  t.same(unknown, { actor: 'portal', detail: '{"operator_known":false}' }, 'a name that is no operator is not written down');
  const keys = s.service.store.database.prepare('SELECT address_key FROM login_throttle').all() as { address_key: Buffer }[];
  t.ok(keys.every((k) => k.address_key.length === 32 && !k.address_key.toString('latin1').includes('203.0.113.7')), 'addresses kept only as HMACs');
});

t.test('a hash made with weaker parameters is remade at the next login; an operator removed mid-session is out', async (t) => {
  const s = await startIssuer();
  t.teardown(() => s.close());
  const weak: PasswordHash = await hashPassword(OPERATOR.password, { ...CURRENT_PARAMS, N: 2 ** 12 });
  await s.service.portalStore.addOperator(OPERATOR.name, weak, Date.now(), 'cli');
  const c = new PortalClient(s.url);
  t.equal((await c.login()).res.status, 303, 'the old hash still opens');
  const stored = s.service.store.database.prepare('SELECT password_params, password_hash FROM operators').get() as { password_params: string; password_hash: Buffer };
  t.equal(stored.password_params, 'scrypt:N=32768,r=8,p=1,len=32', 'remade with N = 2^15');
  t.notSame(stored.password_hash, weak.hash);
  const again = new PortalClient(s.url);
  t.equal((await again.login()).res.status, 303, 'and the new hash opens');
  t.equal((await c.get('/portal/')).res.status, 200);
  await removeOperator(s.service.portalStore, OPERATOR.name, Date.now());
  t.equal((await c.get('/portal/')).res.status, 303, 'removed: the next page is the login');
  t.equal(count(s, 'SELECT count(*) AS n FROM portal_sessions'), 0);
});
