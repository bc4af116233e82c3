import { createPublicKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { generateKeyPairJwk } from '../../src/issuer/keys.js';
import { isP256Point } from '../../src/jws/p256.js';
import { parseTrustList } from '../../src/trust/trust-list.js';
import { loadTrustList, TrustStore, type TrustReload } from '../../src/trust/trust-store.js';
import { ManualFiles } from '../helpers/manual-clock.js';

const ec = () => ({ ...generateKeyPairJwk('ES256').publicJwk, alg: 'ES256', iss: 'PL-MC' });
const ed = () => ({ ...generateKeyPairJwk('EdDSA').publicJwk, alg: 'EdDSA', iss: 'PL-UW' });

t.test('a valid list: each key imported once, with its kid, alg, iss and name', async (t) => {
  const list = parseTrustList({ keys: [{ ...ec(), kid: 'mc-2026-1', name: 'Ministerstwo Cyfryzacji' }, { ...ed(), kid: 'uw-1' }] }, 'trust.json');
  t.equal(list.keys.size, 2);
  t.match(list.keys.get('mc-2026-1'), { kid: 'mc-2026-1', alg: 'ES256', iss: 'PL-MC', name: 'Ministerstwo Cyfryzacji' });
  t.equal(list.keys.get('mc-2026-1')!.key.type, 'public');
  t.equal(list.keys.get('uw-1')!.key.asymmetricKeyType, 'ed25519');
});

t.test('keys are imported when first used, once', async (t) => {
  const list = parseTrustList({ keys: [{ ...ec(), kid: 'a' }, { ...ed(), kid: 'b' }] }, 'trust.json');
  const a = list.keys.get('a')!;
  t.equal(a.key, a.key, 'the same KeyObject every time');
  t.same(a.key.export({ format: 'jwk' }), { kty: a.jwk.kty, crv: 'P-256', x: a.jwk.x, y: (a.jwk as { y: string }).y }, 'of the listed coordinates');
  t.same(Object.keys(a).sort(), ['alg', 'iss', 'jwk', 'kid', 'name'], 'its data only: the KeyObject is not copied with it');
  t.equal(a.name, undefined);
});

t.test('the P-256 curve check agrees with node:crypto', async (t) => {
  const P = 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n;
  const b64 = (n: bigint) => Buffer.from(n.toString(16).padStart(64, '0'), 'hex').toString('base64url');
  const int = (s: string) => BigInt(`0x${Buffer.from(s, 'base64url').toString('hex')}`);
  const imports = (x: string, y: string) => {
    try {
      createPublicKey({ key: { kty: 'EC', crv: 'P-256', x, y }, format: 'jwk' });
      return true;
    } catch {
      return false;
    }
  };
  for (let i = 0; i < 40; i++) {
    const { x, y } = generateKeyPairJwk('ES256').publicJwk as { x: string; y: string };
    const cases: [string, string, string][] = [
      ['a generated key', x, y],
      ['its negation (x, p - y)', x, b64(P - int(y))],
      ['y + 1', x, b64((int(y) + 1n) % P)],
      ['x and y swapped', y, x],
    ];
    for (const [name, cx, cy] of cases) {
      if (isP256Point(cx, cy) !== imports(cx, cy)) t.fail(`${name}: the check says ${isP256Point(cx, cy)}, node:crypto ${imports(cx, cy)}`);
    }
  }
  t.equal(isP256Point(b64(P), b64(0n)), false, 'x = p is out of range');
  t.pass('40 keys and 3 variants of each: the same answer');
});

t.test('refused, naming the key and the reason', async (t) => {
  const { privateJwk } = generateKeyPairJwk('ES256');
  const cases: [string, unknown, RegExp][] = [
    ['no kid', { keys: [{ ...ec() }] }, /key #1 has no "kid"/],
    ['no alg', { keys: [{ ...ec(), kid: 'k1', alg: undefined }] }, /key #1 \(kid "k1"\) has no "alg"/],
    ['no iss', { keys: [{ ...ec(), kid: 'k1', iss: undefined }] }, /\(kid "k1"\) has no "iss"/],
    ['private key', { keys: [{ ...privateJwk, kid: 'k1', alg: 'ES256', iss: 'X' }] }, /\(kid "k1"\) is a private key/],
    ['duplicate kid', { keys: [{ ...ec(), kid: 'same' }, { ...ed(), kid: 'same' }] }, /key #2 \(kid "same"\) repeats a "kid"/],
    ['alg none', { keys: [{ ...ec(), kid: 'k1', alg: 'none' }] }, /"alg" "none"; only "ES256" and "EdDSA"/],
    ['alg RS256', { keys: [{ ...ec(), kid: 'k1', alg: 'RS256' }] }, /only "ES256" and "EdDSA"/],
    ['alg that does not fit the key', { keys: [{ ...ec(), kid: 'k1', alg: 'EdDSA' }] }, /does not fit its "kty"/],
    ['typo in a coordinate', { keys: [{ ...ec(), kid: 'k1', x: 'AAAA' }] }, /\(kid "k1"\) EC key needs 32-byte/],
    ['point not on the curve', { keys: [{ ...ec(), kid: 'k1', y: ec().x }] }, /\(kid "k1"\) is not a valid public key/],
    ['P-384', { keys: [{ ...ec(), kid: 'k1', crv: 'P-384' }] }, /P-256/],
    ['not a JWKS', { key: [] }, /"keys" array/],
    ['a key that is not an object', { keys: ['oops'] }, /key #1 is not a JSON object/],
    ['no keys at all', { keys: [] }, /the trust list has no keys/],
  ];
  for (const [name, doc, message] of cases) {
    t.throws(() => parseTrustList(doc, 'trust.json'), { name: 'TrustListError', message }, name);
  }
  t.throws(() => parseTrustList({ keys: [{ ...ec(), kid: 'ok' }, { ...ec(), kid: 'bad', iss: '' }] }, 'trust.json'), { message: /^trust\.json: key #2 \(kid "bad"\)/ }, 'one bad key refuses the whole list');
});

t.test('files: missing, not JSON, valid; reload keeps the old list when the new one is invalid', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mleg-trust-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'trust.json');
  t.throws(() => loadTrustList(file), { message: /cannot read the trust list \(ENOENT\)/ });
  writeFileSync(file, '{ "keys": [ ');
  t.throws(() => loadTrustList(file), { message: /not valid JSON/ });
  writeFileSync(file, JSON.stringify({ keys: [{ ...ec(), kid: 'first' }] }));
  const store = new TrustStore(file);
  t.teardown(() => store.close());
  const original = store.current;
  writeFileSync(file, JSON.stringify({ keys: [{ ...ec(), kid: 'first' }, { ...ec(), kid: 'first' }] }));
  const refused = store.reload();
  t.match(refused, { ok: false, changed: false, error: /repeats a "kid"/ });
  t.equal(store.current, original, 'the previous list stays in force');
  writeFileSync(file, JSON.stringify({ keys: [{ ...ec(), kid: 'second' }] }));
  t.match(store.reload(), { ok: true, changed: true });
  t.ok(store.current.keys.has('second'));
  const same = store.current;
  t.match(store.reload(), { ok: true, changed: false }, 'the same keys again is not a change');
  t.equal(store.current, same, 'an unchanged list keeps its identity (caches stay warm)');
  writeFileSync(file, JSON.stringify({ keys: [] }));
  t.match(store.reload(), { ok: false, changed: false, error: /has no keys/ }, 'an edit to {"keys": []} is refused like any invalid edit');
  t.equal(store.current, same, 'and the list in force stays');
  t.throws(() => new TrustStore(file), { name: 'TrustListError', message: /has no keys/ }, 'nor does the service start on it');
});

t.test('watching: the file is reloaded when it changes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mleg-trust-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'trust.json');
  writeFileSync(file, JSON.stringify({ keys: [{ ...ec(), kid: 'one' }] }));
  const store = new TrustStore(file);
  const files = new ManualFiles();
  const outcomes: { ok: boolean; changed: boolean }[] = [];
  store.watch((o) => outcomes.push(o), files.watchFile);
  writeFileSync(file, 'garbage');
  files.changed(file);
  t.match(outcomes[0], { ok: false }, 'an invalid edit is reported');
  t.ok(store.current.keys.has('one'), 'and the old list kept');
  writeFileSync(file, JSON.stringify({ keys: [{ ...ec(), kid: 'two' }] }));
  files.changed(file);
  t.match(outcomes[1], { ok: true, changed: true });
  t.ok(store.current.keys.has('two'), 'a valid edit is taken');
  store.close();
  t.notOk(files.watching(file), 'closing stops watching');
});

t.test('the real watcher: polling notices an edit within a few seconds', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mleg-trust-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'trust.json');
  writeFileSync(file, JSON.stringify({ keys: [{ ...ec(), kid: 'one' }] }));
  const store = new TrustStore(file);
  t.teardown(() => store.close());
  const reloaded = new Promise<TrustReload>((resolve) => store.watch(resolve));
  // fs.watchFile takes its first stat asynchronously: an edit before that would be its baseline.
  await new Promise((r) => setTimeout(r, 100));
  writeFileSync(file, JSON.stringify({ keys: [{ ...ec(), kid: 'two' }] }));
  // The poller keeps nothing alive (persistent: false); this timer keeps the test waiting, at most 5 s.
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), 5000)));
  const outcome = await Promise.race([reloaded, late]);
  clearTimeout(timer);
  t.match(outcome, { ok: true, changed: true });
  t.ok(store.current.keys.has('two'));
});
