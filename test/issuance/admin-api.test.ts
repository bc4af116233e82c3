/** The administration API of SPEC 10 over HTTP: auth, validation, offers, status changes, listing, erasure. */
import t from 'tap';
import { ADMIN_TOKEN, accessTokenFor, credentialRequest, json, keyProof, makeOffer, nonce, registerStudent, startIssuer, type TestIssuer } from '../helpers/issuance.js';
import { ISSUANCE_STUDENT } from '../helpers/holders.js';
import { makeDevice } from '../helpers/world.js';

let s: TestIssuer;
t.before(async () => {
  s = await startIssuer();
});
t.teardown(() => s.close());

/** Activates a device for the student (the whole OpenID4VCI flow), returns the credential's jti. */
async function activateDevice(id: string): Promise<void> {
  const offer = await makeOffer(s, id);
  const token = await accessTokenFor(s, offer);
  const res = await credentialRequest(s, token, { credential_configuration_id: offer.configuration_id, proofs: { jwt: [keyProof(makeDevice(), s.url, await nonce(s))] } });
  if (res.status !== 200) throw new Error(`activation failed: ${await res.text()}`);
}

t.test('401 without a token, 403 with a wrong one, on every route; no routes without admin.token', async (t) => {
  for (const [method, path] of [['POST', '/students'], ['GET', '/students'], ['GET', '/students/x'], ['POST', '/students/x/offer'], ['POST', '/students/x/revoke'], ['DELETE', '/students/x']] as const) {
    const none = await s.admin(method, path, undefined, null);
    t.equal(none.status, 401, `${method} ${path} without a token`);
    t.equal(none.headers.get('www-authenticate'), 'Bearer realm="mleg issuer admin"');
    t.same(await json(none), { error: 'UNAUTHORIZED', message: 'this route needs "Authorization: Bearer <admin token>"' });
    const wrong = await s.admin(method, path, undefined, `${ADMIN_TOKEN}x`);
    t.equal(wrong.status, 403, `${method} ${path} with a wrong token`);
    t.same(await json(wrong), { error: 'FORBIDDEN', message: 'wrong admin token' });
  }
  t.ok(s.logs.some((l) => l.msg === 'admin request with a wrong token'), 'a wrong token is logged for the operator');
  const bare = await startIssuer({ config: { admin: { token: null } } });
  t.teardown(() => bare.close());
  t.equal((await bare.admin('GET', '/students')).status, 404, 'the admin routes do not exist');
});

t.test('register: 201 with an id; 400 naming the field; 409 for a doc_no already registered', async (t) => {
  const body = { ...ISSUANCE_STUDENT, doc_no: 'WYD/77/2026-reg', org: { name: 'Liceum Testowe', id: 'RSPO-9' } };
  const res = await s.admin('POST', '/students', body);
  t.equal(res.status, 201);
  const { id } = await json(res);
  t.match(id, /^[A-Za-z0-9_-]{22}$/);
  const student = await json(await s.admin('GET', `/students/${id}`));
  t.same(student, {
    id,
    state: 'registered',
    ...body,
    created_at: student.created_at,
    credentials: [],
    offer: null,
  });
  t.ok(Math.abs(Date.parse(student.created_at) - Date.now()) < 60_000);

  const again = await s.admin('POST', '/students', { ...body, given_name: 'Inna' });
  t.equal(again.status, 409);
  t.same(await json(again), { error: 'CONFLICT', message: 'a student with this doc_no is already registered' });

  for (const [patch, field] of [[{ birthdate: '2011-13-01' }, 'birthdate'], [{ doc: 'uni' }, 'doc'], [{ valid_until: '2020-01-01' }, 'valid_until'], [{ family_name: '' }, 'family_name'], [{ nick: 'K' }, 'nick']] as const) {
    const bad = await s.admin('POST', '/students', { ...body, doc_no: 'other', ...patch });
    t.equal(bad.status, 400, field);
    const answer = await json(bad);
    t.equal(answer.error, 'BODY_INVALID');
    t.equal(answer.field, field);
    t.match(answer.message, new RegExp(`"${field}"`), answer.message);
  }
  const notJson = await fetch(`${s.url}/admin/v1/students`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: '{"given_name": ' });
  t.equal(notJson.status, 400);
  t.match(await json(notJson), { error: 'BODY_INVALID', message: /JSON/ });
  const text = await fetch(`${s.url}/admin/v1/students`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'text/plain' }, body: 'x' });
  t.equal(text.status, 415);
  t.same(await json(text), { error: 'UNSUPPORTED_MEDIA_TYPE', message: 'unsupported content type' });
  const huge = await s.admin('POST', '/students', { ...body, doc_no: 'x'.repeat(20_000) });
  t.equal(huge.status, 413);
  t.equal((await json(huge)).error, 'BODY_TOO_LARGE');
  t.equal((await s.admin('GET', '/students/nobody')).status, 404);
  t.same(await json(await s.admin('GET', '/students/nobody')), { error: 'NOT_FOUND', message: 'no student nobody' });
});

t.test('an offer: both links, an 8-digit activation code shown once, its expiry; a new one replaces it', async (t) => {
  const id = await registerStudent(s);
  const offer = await makeOffer(s, id);
  t.match(offer.offer, /^openid-credential-offer:\/\/\?credential_offer=/);
  t.equal(offer.offer_url, `${s.url}/offer?${new URL(offer.offer).search.slice(1)}`, 'the https:// form carries the same offer');
  const carried = JSON.parse(new URL(offer.offer).searchParams.get('credential_offer')!);
  t.same(carried, {
    credential_issuer: s.url,
    credential_configuration_ids: ['mlegitymacja_szkolna'],
    grants: {
      'urn:ietf:params:oauth:grant-type:pre-authorized_code': {
        'pre-authorized_code': offer.code,
        tx_code: { length: 8, input_mode: 'numeric', description: s.config.activation.txCodeDescription },
      },
    },
  });
  t.match(offer.code, /^[A-Za-z0-9_-]{43}$/, '256 bits');
  t.match(offer.tx_code, /^\d{8}$/);
  const ttl = Date.parse(offer.expires_at) - Date.now();
  t.ok(ttl > 14 * 24 * 3600_000 - 60_000 && ttl <= 14 * 24 * 3600_000, 'expires after activation.offerTtlSeconds (14 days)');
  const record = await json(await s.admin('GET', `/students/${id}`));
  t.match(record, { state: 'offered', offer: { id: offer.offer_id, expires_at: offer.expires_at, wrong_attempts: 0 } });
  t.notMatch(JSON.stringify(record), offer.tx_code, 'the activation code is not shown again');

  const second = await makeOffer(s, id);
  t.not(second.code, offer.code);
  t.equal((await json(await s.admin('GET', `/students/${id}`))).offer.id, second.offer_id, 'the new offer replaces the unredeemed one');
  const student = await registerStudent(s, { doc: 'student' });
  t.equal((await makeOffer(s, student)).configuration_id, 'mlegitymacja_studencka');
  t.equal((await s.admin('POST', '/students/nobody/offer')).status, 404);
});

t.test('suspend, reinstate, revoke: the student as answer, states enforced (409), reasons checked (400)', async (t) => {
  const id = await registerStudent(s);
  const conflict = await s.admin('POST', `/students/${id}/suspend`);
  t.equal(conflict.status, 409);
  t.same(await json(conflict), { error: 'CONFLICT', message: 'the student is registered; only an active student can be suspended' });
  await activateDevice(id);
  const suspended = await s.admin('POST', `/students/${id}/suspend`);
  t.equal(suspended.status, 200);
  t.match(await json(suspended), { id, state: 'suspended', credentials: [{ status: 'suspended', reason: null }] });
  t.equal((await s.admin('POST', `/students/${id}/offer`)).status, 409, 'no offer for a suspended student');
  // With a JSON content type and no body, as some clients send it:
  const reinstated = await fetch(`${s.url}/admin/v1/students/${id}/reinstate`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' } });
  t.equal(reinstated.status, 200);
  t.match(await json(reinstated), { state: 'active', credentials: [{ status: 'valid' }] });
  t.equal((await s.admin('POST', `/students/${id}/reinstate`)).status, 409, 'only a suspended student is reinstated');

  for (const body of [undefined, {}, { reason: 'lost' }, { reason: 7 }]) {
    const bad = await s.admin('POST', `/students/${id}/revoke`, body);
    t.equal(bad.status, 400, JSON.stringify(body));
    t.match(await json(bad), { error: 'BODY_INVALID', field: 'reason', message: /"reason" must be one of transferred, paper_id_lost, paper_id_invalid, device_lost, device_damaged, other/ });
  }
  const revoked = await s.admin('POST', `/students/${id}/revoke`, { reason: 'paper_id_lost' });
  t.equal(revoked.status, 200);
  const answer = await json(revoked);
  t.match(answer, { state: 'revoked', credentials: [{ status: 'revoked', reason: 'paper_id_lost' }] });
  t.match(answer.credentials[0].status_list, { uri: `${s.url}/status/1`, idx: Number });
  t.equal((await s.admin('POST', `/students/${id}/revoke`, { reason: 'other' })).status, 409);
  t.equal((await s.admin('POST', '/students/nobody/revoke', { reason: 'other' })).status, 404);
  t.equal((await s.admin('POST', '/students/nobody/suspend')).status, 404);
  const after = await makeOffer(s, id);
  t.ok(after.tx_code, 'a revoked student (a lost phone) may get a new offer');
  t.equal((await json(await s.admin('GET', `/students/${id}`))).state, 'offered');

  const audit = await json(await s.admin('GET', `/students/${id}/audit`));
  t.same(
    audit.entries.map((e: { action: string }) => e.action),
    ['student.register', 'offer.create', 'offer.redeem', 'credential.issue', 'student.suspend', 'student.reinstate', 'student.revoke', 'offer.create'],
  );
  t.match(audit.entries[6], { actor: 'admin', detail: { reason: 'paper_id_lost', credentials: 1 } });
  t.notMatch(JSON.stringify(audit), ISSUANCE_STUDENT.family_name, 'the audit trail holds no personal data');
});

t.test('listing: by state and search, paged; bad parameters named', async (t) => {
  const fresh = await startIssuer();
  t.teardown(() => fresh.close());
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push(await registerStudent(fresh, { family_name: i % 2 === 0 ? 'Łukaszewicz' : 'Kowalska' }));
  await makeOffer(fresh, ids[0]!);
  const all = await json(await fresh.admin('GET', '/students?limit=2'));
  t.equal(all.students.length, 2);
  t.type(all.next, 'string');
  const rest = await json(await fresh.admin('GET', `/students?limit=2&cursor=${all.next}`));
  const last = await json(await fresh.admin('GET', `/students?limit=2&cursor=${rest.next}`));
  t.same([...all.students, ...rest.students, ...last.students].map((x: { id: string }) => x.id), ids);
  t.equal(last.next, null);
  t.same((await json(await fresh.admin('GET', '/students?state=offered'))).students.map((x: { id: string }) => x.id), [ids[0]]);
  t.equal((await json(await fresh.admin('GET', '/students?q=lukaszew'))).students.length, 3, 'search without diacritics');
  t.match((await json(await fresh.admin('GET', '/students'))).students[0], { id: ids[0], state: 'offered', family_name: 'Łukaszewicz', created_at: String });
  for (const [query, field] of [['state=lost', 'state'], ['limit=0', 'limit'], ['limit=500', 'limit'], ['limit=x', 'limit'], ['cursor=abc', 'cursor'], [`q=${'x'.repeat(101)}`, 'q']] as const) {
    const bad = await fresh.admin('GET', `/students?${query}`);
    t.equal(bad.status, 400, query);
    t.match(await json(bad), { error: 'BODY_INVALID', field });
  }
});

t.test('erasing a student: the record and offers gone, the credential still revoked in the status list, the audit kept', async (t) => {
  const id = await registerStudent(s);
  await activateDevice(id);
  const before = await json(await s.admin('GET', `/students/${id}`));
  const res = await s.admin('DELETE', `/students/${id}`);
  t.equal(res.status, 200);
  t.same(await json(res), { id, erased: true });
  t.equal((await s.admin('GET', `/students/${id}`)).status, 404);
  t.equal((await s.admin('DELETE', `/students/${id}`)).status, 404);
  const row = s.service.store.database.prepare('SELECT student_id, status, reason FROM credentials WHERE jti = ?').get(before.credentials[0].jti);
  t.same(row, { student_id: null, status: 'revoked', reason: 'erased' });
  const audit = await json(await s.admin('GET', `/students/${id}/audit`));
  t.equal(audit.entries.at(-1).action, 'student.erase');
});

t.test('errors never carry a stack or a path; unknown routes answer 404 with a code', async (t) => {
  const res = await fetch(`${s.url}/nowhere?x=1`);
  t.equal(res.status, 404);
  t.same(await json(res), { error: 'NOT_FOUND', message: 'no such route' });
});
