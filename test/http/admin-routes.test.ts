import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { trustListEntry } from '../../src/issuer/keys.js';
import { readJson, startService } from '../helpers/service.js';
import { siteStatusList } from '../helpers/site.js';
import { makeIssuer } from '../helpers/world.js';

const TOKEN = 'admin-token-for-tests-0123456789';

t.test('admin routes do not exist without a token', async (t) => {
  const s = await startService();
  t.teardown(() => s.close());
  t.equal((await fetch(`${s.url}/v1/admin/refresh`, { method: 'POST' })).status, 404);
});

t.test('401 without a token, 403 with a wrong one', async (t) => {
  const s = await startService({ config: { admin: { token: TOKEN } } });
  t.teardown(() => s.close());
  const none = await fetch(`${s.url}/v1/admin/refresh`, { method: 'POST' });
  t.equal(none.status, 401);
  t.match(none.headers.get('www-authenticate'), /^Bearer/);
  t.match(await readJson(none), { error: 'UNAUTHORIZED' });
  t.equal((await fetch(`${s.url}/v1/admin/refresh`, { method: 'POST', headers: { authorization: 'Basic abc' } })).status, 401);
  const wrong = await fetch(`${s.url}/v1/admin/refresh`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}x` } });
  t.equal(wrong.status, 403);
  t.match(await readJson(wrong), { error: 'FORBIDDEN' });
  t.notOk(JSON.stringify(s.logs).includes(TOKEN), 'the token is never logged');
});

t.test('refresh reloads the trust list and refetches status lists, saying what changed', async (t) => {
  const s = await startService({ config: { admin: { tokenFile: 'admin.token' } }, files: { 'admin.token': `${TOKEN}\n` } });
  t.teardown(() => s.close());
  const refresh = async () => readJson(await fetch(`${s.url}/v1/admin/refresh`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } }));
  t.match(await refresh(), { trust: { ok: true, changed: false, keys: 1, error: null }, status_lists: [{ changed: false, ok: true }] }, 'nothing changed yet');

  writeFileSync(join(s.dir, 'status.jwt'), siteStatusList(s.issuer, undefined, Math.floor(Date.now() / 1000)));
  writeFileSync(join(s.dir, 'trust.json'), JSON.stringify({ keys: [trustListEntry(s.issuer), trustListEntry(makeIssuer({ kid: 'issuer-2', iss: 'PL-TWO' }))] }));
  const changed = await refresh();
  t.match(changed, { trust: { ok: true, changed: true, keys: 2 }, status_lists: [{ changed: true, ok: true }] });

  writeFileSync(join(s.dir, 'trust.json'), '{"keys": [ {"kid": "broken"} ]}');
  const refused = await refresh();
  t.match(refused.trust, { ok: false, changed: false, keys: 2, error: /key #1 \(kid "broken"\)/ }, 'an invalid trust list is refused and the old one kept');
  t.notMatch(refused.trust.error, new RegExp(s.dir), 'no internal path in the answer');
});
