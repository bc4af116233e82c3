/**
 * SPEC 1: a JWS header or payload that names a member twice is MALFORMED in the credential
 * and PROOF_INVALID in the proof, even when it is properly signed: JSON.parse keeps the last
 * copy, another system reading the same token may keep the first.
 */
import t from 'tap';
import { createSignature } from '../../src/jws/signature.js';
import { credentialHash } from '../../src/verify/credential.js';
import { verifyStatusListToken } from '../../src/status/status-list-token.js';
import { PREFIX } from '../../src/verify/payload.js';
import type { SigningKey } from '../../src/issuer/keys.js';
import { NOW_S, STATUS_URI, World, decodePart } from '../helpers/world.js';

/** Signs header and payload given as JSON text, exactly as written. */
function signText(headerJson: string, payloadJson: string, key: SigningKey): string {
  const input = `${Buffer.from(headerJson).toString('base64url')}.${Buffer.from(payloadJson).toString('base64url')}`;
  return `${input}.${createSignature(key.alg, key.key, input).toString('base64url')}`;
}

/** JSON text of an object, with `extra` spliced in after its first member (a second copy of a name). */
function withExtra(value: Record<string, unknown>, extra: string): string {
  const json = JSON.stringify(value);
  const firstEnd = json.indexOf(',');
  return `${json.slice(0, firstEnd)},${extra}${json.slice(firstEnd)}`;
}

t.test('a credential naming a member twice is MALFORMED, whichever copy would be believed', async (t) => {
  const w = new World();
  t.teardown(() => w.close());
  const good = w.credential();
  const header = decodePart(good, 0);
  const claims = decodePart(good, 1);
  const kid = JSON.stringify(header.kid);
  const cases: Record<string, string> = {
    'header: alg none first, ES256 last': signText(`{"alg":"none","typ":"mleg+jwt","kid":${kid},"alg":"ES256"}`, JSON.stringify(claims), w.issuer),
    'header: kid twice': signText(`{"alg":"ES256","typ":"mleg+jwt","kid":"other","kid":${kid}}`, JSON.stringify(claims), w.issuer),
    'claims: iss PL-EVIL first, PL-TEST last': signText(JSON.stringify(header), withExtra(claims, '"iss":"PL-EVIL"').replace('"iss":"PL-TEST",', '').replace('"PL-EVIL",', '"PL-EVIL","iss":"PL-TEST",'), w.issuer),
    'claims: exp twice': signText(JSON.stringify(header), withExtra(claims, `"exp":${NOW_S - 1000}`), w.issuer),
    'claims: a nested member twice (cnf.jwk.x)': signText(
      JSON.stringify(header),
      JSON.stringify(claims).replace('"kty":"EC"', `"kty":"EC","x":"${'A'.repeat(43)}"`),
      w.issuer,
    ),
  };
  for (const [name, credential] of Object.entries(cases)) {
    const r = w.verify(w.present(credential));
    t.equal(r.verdict, 'MALFORMED', name);
    t.match(r.reason, /names a member twice/, `${name}: the reason says why`);
    t.equal(r.holder, null, `${name}: nothing shown`);
  }
  t.equal(w.verify(w.present(signText(JSON.stringify(header), JSON.stringify(claims), w.issuer))).verdict, 'VALID', 'the same text without the copy is VALID');
});

t.test('a proof naming a member twice is PROOF_INVALID', async (t) => {
  const w = new World();
  t.teardown(() => w.close());
  const credential = w.credential();
  const cred = credentialHash(credential);
  const header = '{"alg":"ES256","typ":"mleg-kb+jwt"}';
  const jti = 'a'.repeat(22);
  const cases: Record<string, [string, string]> = {
    'two jti': [header, `{"iat":${NOW_S - 2},"jti":"${'b'.repeat(22)}","jti":"${jti}","cred":"${cred}"}`],
    'two cred': [header, `{"iat":${NOW_S - 2},"jti":"${jti}","cred":"${credentialHash('another')}","cred":"${cred}"}`],
    'two iat': [header, `{"iat":${NOW_S - 2000},"iat":${NOW_S - 2},"jti":"${jti}","cred":"${cred}"}`],
    'header: two typ': ['{"alg":"ES256","typ":"JWT","typ":"mleg-kb+jwt"}', `{"iat":${NOW_S - 2},"jti":"${jti}","cred":"${cred}"}`],
  };
  for (const [name, [h, p]] of Object.entries(cases)) {
    const r = w.verify(`${PREFIX}${credential}~${signText(h, p, w.device)}`);
    t.equal(r.verdict, 'PROOF_INVALID', name);
    t.match(r.reason, /names a member twice/, `${name}: the reason says why`);
  }
  const plain = `${PREFIX}${credential}~${signText(header, `{"iat":${NOW_S - 2},"jti":"${jti}","cred":"${cred}"}`, w.device)}`;
  t.equal(w.verify(plain).verdict, 'VALID', 'the same proof without a copy is VALID');
});

t.test('colons, quotes and backslashes inside strings are not taken for members', async (t) => {
  const w = new World();
  t.teardown(() => w.close());
  const credential = w.credential({
    student: {
      given_name: 'Zofia "Zosia": \\ "a":1,',
      family_name: 'Nowak:Kowalska',
      birthdate: '2009-02-28',
      doc: 'school',
      doc_no: 'A:1:"2"',
      org: { name: 'Liceum nr 7: "Mickiewicz" \\', id: 'RSPO:777' },
    },
  });
  const r = w.verify(w.present(credential));
  t.equal(r.verdict, 'VALID');
  t.equal(r.holder?.given_name, 'Zofia "Zosia": \\ "a":1,');
});

t.test('a status list naming a member twice is not usable', async (t) => {
  const w = new World();
  t.teardown(() => w.close());
  const list = w.statusList();
  const header = decodePart(list, 0);
  const claims = decodePart(list, 1);
  const twice = signText(JSON.stringify(header), withExtra(claims, '"sub":"https://elsewhere.test/list"'), w.issuer);
  const checked = verifyStatusListToken(twice, w.trust, STATUS_URI);
  t.equal(checked.ok, false);
  t.match(checked.ok ? '' : checked.reason, /names a member twice/);
  t.equal(verifyStatusListToken(list, w.trust, STATUS_URI).ok, true, 'the list as signed is usable');
});
