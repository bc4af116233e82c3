/**
 * RODO and durability: after a whole activation no log line names the student or holds a
 * code, a token or a nonce; the database holds the student (its purpose) but no code,
 * token or nonce in clear; its files and the secret are 0600; a restart on the same
 * database keeps everything, and an offer made before it can still be redeemed after.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { SECRET_FILE } from '../../src/issuance/secret.js';
import { accessTokenFor, claimsOf, credentialRequest, json, keyProof, makeOffer, nonce, redeem, registerStudent, startIssuer } from '../helpers/issuance.js';
import { ISSUANCE_STUDENT } from '../helpers/holders.js';
import { makeDevice } from '../helpers/world.js';

t.test('no personal data, codes or tokens in the logs; none of the codes in clear in the database', async (t) => {
  const s = await startIssuer();
  t.teardown(() => s.close());
  const id = await registerStudent(s);
  const doc_no = (await json(await s.admin('GET', `/students/${id}`))).doc_no as string;
  const offer = await makeOffer(s, id);
  await redeem(s, offer.code, offer.tx_code === '00000000' ? '00000001' : '00000000');
  const redeemed = await redeem(s, offer.code, offer.tx_code);
  const accessToken = (await json(redeemed)).access_token as string;
  const c_nonce = await nonce(s);
  const proof = keyProof(makeDevice(), s.url, c_nonce);
  const credential = (await json(await credentialRequest(s, accessToken, { credential_configuration_id: offer.configuration_id, proofs: { jwt: [proof] } }))).credentials[0].credential as string;
  await credentialRequest(s, accessToken, { credential_configuration_id: offer.configuration_id, proofs: { jwt: [proof] } });
  await fetch(offer.offer_url);
  await s.admin('POST', `/students/${id}/suspend`);
  await s.admin('POST', `/students/${id}/revoke`, { reason: 'paper_id_invalid' });

  const secrets = { tx_code: offer.tx_code, 'pre-authorized code': offer.code, 'access token': accessToken, nonce: c_nonce };
  const personal = { given_name: ISSUANCE_STUDENT.given_name, family_name: ISSUANCE_STUDENT.family_name, birthdate: ISSUANCE_STUDENT.birthdate, doc_no };
  const logText = s.logs.map((l) => JSON.stringify(l)).join('\n');
  t.ok(s.logs.length > 20, `${s.logs.length} log lines`);
  t.ok(s.logs.some((l) => l.msg === 'credential issued' && l.student === id), 'the log says what happened, by student id');
  for (const [name, value] of Object.entries({ ...secrets, ...personal, credential: credential.split('.')[1]!, proof: proof.split('.')[1]! })) {
    t.notOk(logText.includes(value), `no ${name} in the log`);
  }

  // What SQLite has written: the database file and its write-ahead log.
  const db = s.config.database.file;
  const bytes = Buffer.concat([readFileSync(db), readFileSync(`${db}-wal`)]).toString('latin1');
  const utf8 = Buffer.concat([readFileSync(db), readFileSync(`${db}-wal`)]).toString('utf8');
  t.ok(utf8.includes(ISSUANCE_STUDENT.family_name), 'the scan sees text: the student\'s record is there, as it must be');
  for (const [name, value] of Object.entries(secrets)) t.notOk(bytes.includes(value), `no ${name} in clear in the database`);
  t.notOk(bytes.includes(credential.split('.')[2]!), 'the credential itself is not kept');
  for (const file of [db, `${db}-wal`, `${db}-shm`, join(s.issuerDir, SECRET_FILE)]) t.equal(statSync(file).mode & 0o777, 0o600, `${file} is 0600`);
});

t.test('erasing a student leaves nothing of them in the database file or its write-ahead log', async (t) => {
  const s = await startIssuer();
  t.teardown(() => s.close());
  const keep = await registerStudent(s);
  const gone = await registerStudent(s, { given_name: 'Eugenia', family_name: 'Wymazywana-Testowa' });
  const { doc_no } = await json(await s.admin('GET', `/students/${gone}`));
  const offer = await makeOffer(s, gone);
  await credentialRequest(s, await accessTokenFor(s, offer), { credential_configuration_id: offer.configuration_id, proofs: { jwt: [keyProof(makeDevice(), s.url, await nonce(s))] } });
  const db = s.config.database.file;
  const files = () => Buffer.concat([readFileSync(db), readFileSync(`${db}-wal`)]).toString('utf8');
  t.ok(files().includes('Wymazywana-Testowa'), 'there before');
  t.equal((await s.admin('DELETE', `/students/${gone}`)).status, 200);
  for (const text of ['Wymazywana-Testowa', 'Eugenia', doc_no as string]) t.notOk(files().includes(text), `${text} is gone from the files`);
  t.ok(files().includes((await json(await s.admin('GET', `/students/${keep}`))).doc_no), 'the other student is still there');
});

t.test('a restart keeps students, credentials, statuses and open offers; the secret is not remade', async (t) => {
  const s = await startIssuer();
  t.teardown(() => s.close());
  const secret = readFileSync(join(s.issuerDir, SECRET_FILE));
  const active = await registerStudent(s);
  const first = await makeOffer(s, active);
  const credential = (await json(await credentialRequest(s, await accessTokenFor(s, first), { credential_configuration_id: first.configuration_id, proofs: { jwt: [keyProof(makeDevice(), s.url, await nonce(s))] } })))
    .credentials[0].credential as string;
  const suspended = await registerStudent(s);
  const offerS = await makeOffer(s, suspended);
  await credentialRequest(s, await accessTokenFor(s, offerS), { credential_configuration_id: offerS.configuration_id, proofs: { jwt: [keyProof(makeDevice(), s.url, await nonce(s))] } });
  await s.admin('POST', `/students/${suspended}/suspend`);
  const waiting = await registerStudent(s);
  const pending = await makeOffer(s, waiting);
  await redeem(s, pending.code, pending.tx_code === '00000000' ? '00000001' : '00000000');
  const unusedNonce = await nonce(s);
  const before = {
    active: await json(await s.admin('GET', `/students/${active}`)),
    suspended: await json(await s.admin('GET', `/students/${suspended}`)),
    waiting: await json(await s.admin('GET', `/students/${waiting}`)),
    list: await (await fetch(`${s.url}/status/1`)).text(),
  };

  await s.restart();
  t.same(readFileSync(join(s.issuerDir, SECRET_FILE)), secret, 'the same secret');
  t.same(await json(await s.admin('GET', `/students/${active}`)), before.active);
  t.same(await json(await s.admin('GET', `/students/${suspended}`)), before.suspended);
  t.same(await json(await s.admin('GET', `/students/${waiting}`)), before.waiting, 'the open offer and its one wrong attempt');
  const list = await (await fetch(`${s.url}/status/1`)).text();
  t.same(claimsOf(list).status_list, claimsOf(before.list).status_list, 'the same status list entries');
  t.ok(claimsOf(list).iat >= claimsOf(before.list).iat);
  const idx = claimsOf(credential).status.status_list.idx as number;
  t.equal(before.active.credentials[0].status_list.idx, idx);

  const token = await accessTokenFor(s, pending);
  const res = await credentialRequest(s, token, { credential_configuration_id: pending.configuration_id, proofs: { jwt: [keyProof(makeDevice(), s.url, unusedNonce)] } });
  t.equal(res.status, 200, 'an offer and a nonce made before the restart work after it');
  t.ok(claimsOf((await json(res)).credentials[0].credential).status.status_list.idx > idx, 'indexes go on, never reused');
  t.equal((await redeem(s, first.code, first.tx_code)).status, 400, 'a code used before the restart stays used');
});
