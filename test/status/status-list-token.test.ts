import t from 'tap';
import { reverifyStatusList, tokenText, verifyStatusListToken, type StatusList } from '../../src/status/status-list-token.js';
import { STATUS_URI, World, makeIssuer, trustListOf } from '../helpers/world.js';

const w = new World();
t.teardown(() => w.close());

t.test('after a trust list change only the key and the signature are checked again; the bytes are kept', async (t) => {
  const verified = verifyStatusListToken(w.statusList(), w.trust, STATUS_URI);
  if (!verified.ok) return t.fail(verified.reason);
  const list: StatusList = verified.value;

  const reloaded = reverifyStatusList(list, trustListOf(w.issuer, makeIssuer({ kid: 'another' })));
  t.ok(reloaded.ok, 'the same key in a reloaded trust list');
  if (reloaded.ok) t.equal(reloaded.value.bytes, list.bytes, 'the decoded bytes are not decoded again');

  const moved = { ...w.issuer, iss: 'PL-OTHER' };
  const renamed = reverifyStatusList(list, trustListOf(moved));
  t.match(renamed, { ok: true, value: { iss: 'PL-OTHER', kid: w.issuer.kid } }, 'the key now stands for another issuer: the list answers for that one');
  t.same(renamed, verifyStatusListToken(tokenText(list), trustListOf(moved), STATUS_URI), 'as a full check would say');

  const cases: [string, ReturnType<typeof trustListOf>, RegExp][] = [
    ['the key is gone', trustListOf(makeIssuer({ kid: 'someone-else' })), /no trusted key with kid "issuer-1"/],
    ['another key under the same kid', trustListOf(makeIssuer({ kid: w.issuer.kid })), /signature does not verify/],
    ['the kid now names an EdDSA key', trustListOf(makeIssuer({ alg: 'EdDSA', kid: w.issuer.kid })), /"alg" "ES256" is not EdDSA/],
  ];
  for (const [name, trust, reason] of cases) {
    const again = reverifyStatusList(list, trust);
    t.match(again, { ok: false, reason }, name);
    t.same(again, verifyStatusListToken(tokenText(list), trust, STATUS_URI), `${name}: as a full check would say`);
  }
});
