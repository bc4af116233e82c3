/**
 * What verifiers are fed: the status lists (signed, re-signed on change and after ttl,
 * cached between, ETag/304, iat never going back, a second list when one is full) and the
 * trust list — checked with the verifier's own parsers.
 */
import t from 'tap';
import { verifyStatusListToken } from '../../src/status/status-list-token.js';
import { statusAt } from '../../src/status/status-bits.js';
import { parseTrustList } from '../../src/trust/trust-list.js';
import { accessTokenFor, claimsOf, credentialRequest, json, keyProof, makeOffer, nonce, registerStudent, startIssuer, type TestIssuer } from '../helpers/issuance.js';
import { makeDevice } from '../helpers/world.js';

async function activate(s: TestIssuer, id: string): Promise<{ idx: number; uri: string }> {
  const offer = await makeOffer(s, id);
  const res = await credentialRequest(s, await accessTokenFor(s, offer), { credential_configuration_id: offer.configuration_id, proofs: { jwt: [keyProof(makeDevice(), s.url, await nonce(s))] } });
  return claimsOf((await json(res)).credentials[0].credential).status.status_list;
}

async function fetchList(s: TestIssuer, name = '1', headers: Record<string, string> = {}) {
  const res = await fetch(`${s.url}/status/${name}`, { headers: { accept: 'application/statuslist+jwt', ...headers } });
  return { res, text: res.status === 200 ? await res.text() : '' };
}

t.test('the trust list is SPEC 4 and the status list verifies against it', async (t) => {
  const s = await startIssuer({ alg: 'EdDSA' });
  t.teardown(() => s.close());
  const res = await fetch(`${s.url}/trust-list.json`);
  t.equal(res.status, 200);
  t.equal(res.headers.get('access-control-allow-origin'), '*');
  const doc = await json(res);
  t.same(doc, { keys: [{ ...s.service.issuer.publicJwk, kid: 'test-szkola-1', alg: 'EdDSA', iss: 'PL-TEST-SZKOLA', name: 'Szkoła Testowa nr 1' }] });
  t.notOk('d' in doc.keys[0], 'no private part');
  const trust = parseTrustList(doc, 'published');
  const { res: listRes, text } = await fetchList(s);
  t.equal(listRes.status, 200);
  t.equal(listRes.headers.get('content-type'), 'application/statuslist+jwt');
  const list = verifyStatusListToken(text, trust, `${s.url}/status/1`);
  t.match(list, { ok: true, value: { iss: 'PL-TEST-SZKOLA', bits: 2, ttl: 3600, entries: 100_000 } });
  t.equal(JSON.parse(Buffer.from(text.split('.')[0]!, 'base64url').toString()).typ, 'statuslist+jwt');
  t.same(claimsOf(text).sub, `${s.url}/status/1`);
  t.equal((await fetchList(s, '2')).res.status, 404, 'no second list yet');
  t.equal((await fetchList(s, '..%2Fetc')).res.status, 404);
});

t.test('ETag and 304; max-age no longer than the ttl; the same token until a change, a new one after', async (t) => {
  const s = await startIssuer({ config: { status: { ttlSeconds: 600, cacheSeconds: 30 } } });
  t.teardown(() => s.close());
  const first = await fetchList(s);
  const etag = first.res.headers.get('etag')!;
  t.match(etag, /^"[A-Za-z0-9_-]{32}"$/);
  t.equal(first.res.headers.get('cache-control'), 'public, max-age=30');
  t.equal(claimsOf(first.text).ttl, 600);
  const again = await fetchList(s);
  t.equal(again.text, first.text, 'cached between changes: the very same token');
  const notModified = await fetch(`${s.url}/status/1`, { headers: { 'if-none-match': etag } });
  t.equal(notModified.status, 304);
  t.equal(notModified.headers.get('etag'), etag);
  t.equal(await notModified.text(), '');
  t.equal((await fetch(`${s.url}/status/1`, { headers: { 'if-none-match': `"other", W/${etag}` } })).status, 304, 'in a list, weak');
  t.equal((await fetch(`${s.url}/status/1`, { headers: { 'if-none-match': '"other"' } })).status, 200);

  const id = await registerStudent(s);
  const { idx } = await activate(s, id);
  t.equal((await fetchList(s)).text, first.text, 'a new valid entry changes nothing in the list');
  await s.admin('POST', `/students/${id}/suspend`);
  const suspended = await fetchList(s);
  t.not(suspended.res.headers.get('etag'), etag, 'a change: a new ETag');
  t.equal((await fetch(`${s.url}/status/1`, { headers: { 'if-none-match': etag } })).status, 200, 'the old ETag no longer matches');
  const trust = parseTrustList(await json(await fetch(`${s.url}/trust-list.json`)), 'published');
  const read = (text: string) => {
    const v = verifyStatusListToken(text, trust, `${s.url}/status/1`);
    if (!v.ok) throw new Error(v.reason);
    return v.value;
  };
  t.equal(statusAt(read(suspended.text).bytes, 2, idx), 2, 'suspended: 2');
  await s.admin('POST', `/students/${id}/reinstate`);
  t.equal(statusAt(read((await fetchList(s)).text).bytes, 2, idx), 0, 'reinstated: 0');
  await s.admin('POST', `/students/${id}/revoke`, { reason: 'device_lost' });
  const revoked = read((await fetchList(s)).text);
  t.equal(statusAt(revoked.bytes, 2, idx), 1, 'revoked: 1');
  t.ok(revoked.iat >= claimsOf(first.text).iat, 'iat never goes back');

  const before = revoked.iat;
  s.clock.advance(600_000);
  t.teardown(() => s.clock.advance(-600_000));
  const aged = read((await fetchList(s)).text);
  t.ok(aged.iat >= before + 600, 'after ttl it is re-signed with a fresh iat');
});

t.test('iat never goes back: not with the clock stepped back, not across a restart', async (t) => {
  const s = await startIssuer();
  t.teardown(() => s.close());
  const id = await registerStudent(s);
  await activate(s, id);
  await s.admin('POST', `/students/${id}/suspend`);
  const iat1 = claimsOf((await fetchList(s)).text).iat;
  s.clock.advance(-3_600_000);
  await s.admin('POST', `/students/${id}/reinstate`);
  const iat2 = claimsOf((await fetchList(s)).text).iat;
  t.equal(iat2, iat1, 'the clock went back an hour: iat stays');
  await s.restart();
  await s.admin('POST', `/students/${id}/suspend`);
  t.equal(claimsOf((await fetchList(s)).text).iat, iat1, 'after a restart too (kept in the database)');
  s.clock.advance(3_600_000);
});

t.test('concurrent fetches after a change share one signing', async (t) => {
  const s = await startIssuer();
  t.teardown(() => s.close());
  const id = await registerStudent(s);
  await activate(s, id);
  await s.admin('POST', `/students/${id}/suspend`);
  const texts = await Promise.all(Array.from({ length: 10 }, async () => (await fetchList(s)).text));
  t.equal(new Set(texts).size, 1, 'ten fetches, one token');
});

t.test('a second list when the first is full', async (t) => {
  const s = await startIssuer({ config: { status: { listSize: 4 } } });
  t.teardown(() => s.close());
  const uris: string[] = [];
  for (let i = 0; i < 6; i++) {
    const list = await activate(s, await registerStudent(s));
    uris.push(`${list.uri}#${list.idx}`);
  }
  t.same(uris, ['1#0', '1#1', '1#2', '1#3', '2#0', '2#1'].map((x) => `${s.url}/status/${x}`));
  const trust = parseTrustList(await json(await fetch(`${s.url}/trust-list.json`)), 'published');
  t.match(verifyStatusListToken((await fetchList(s, '2')).text, trust, `${s.url}/status/2`), { ok: true, value: { entries: 4 } });
});
