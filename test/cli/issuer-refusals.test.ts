/**
 * Key and status commands that must refuse rather than do harm (issue 22, items 2 and 3),
 * through the built `mleg`: a suspension a 1-bit list cannot hold, an index never
 * issued, a registry that could not be published, an existing key file. Each refusal
 * exits 2, says why, and leaves the files as they were.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { isMlegError } from '../../src/errors.js';
import { createIssuerDir, issueRecords, setStatuses } from '../../src/issuer/issuer-dir.js';
import { generateKeyPairJwk } from '../../src/issuer/keys.js';
import { endOfDayInPoland } from '../../src/issuer/valid-until.js';
import type { StatusBits } from '../../src/status/status-bits.js';
import { verifyStatusListToken } from '../../src/status/status-list-token.js';
import { statusAt } from '../../src/status/status-bits.js';
import { parseTrustList } from '../../src/trust/trust-list.js';
import { mleg } from '../helpers/cli.js';
import { STUDENT } from '../helpers/world.js';

const dir = mkdtempSync(join(tmpdir(), 'mleg-refusals-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const at = (f: string) => join(dir, f);
const uri = 'https://status.example.test/one-bit';

/** An issuer folder with `bits` per entry and three issued credentials (indexes 0-2), made with the modules the CLI uses. */
async function issuerWithThree(name: string, bits: StatusBits): Promise<string> {
  const issuer = at(name);
  createIssuerDir(issuer, { iss: `PL-${name}`, kid: `${name}-1`, alg: 'ES256', statusUri: uri, statusBits: bits, statusSize: 128 });
  const device = generateKeyPairJwk().publicJwk;
  const record = (n: number) => ({ student: { ...STUDENT, doc_no: `S/${n}` }, exp: endOfDayInPoland('2030-06-30'), device, idx: undefined, jti: undefined });
  issueRecords(issuer, [record(1), record(2), record(3)], undefined);
  return issuer;
}

const registry = (issuer: string) => readFileSync(join(issuer, 'status.json'), 'utf8');

/** The statuses of a published list, read back with the verifier's own decoding. */
function published(issuer: string, file: string, count: number): number[] {
  const trust = parseTrustList(JSON.parse(readFileSync(join(issuer, 'trust-list.json'), 'utf8')), 'trust');
  const list = verifyStatusListToken(readFileSync(file, 'utf8').trim(), trust, uri);
  if (!list.ok) throw new Error(list.reason);
  return Array.from({ length: count }, (_, i) => statusAt(list.value.bytes, list.value.bits, i)!);
}

t.test('a suspension on a 1-bit list is refused at once, and the list can still be published', async (t) => {
  const issuer = await issuerWithThree('one', 1);
  const before = registry(issuer);
  const suspend = await mleg(['issuer', 'revoke', '--dir', issuer, '--suspend', '0']);
  t.equal(suspend.code, 2, 'exit 2');
  t.match(suspend.stderr, /^mleg: cannot suspend: the status list of .* has 1 bit an entry, which holds only valid and revoked; revoke instead, or .*--status-bits 2/);
  t.equal(registry(issuer), before, 'status.json unchanged');
  t.equal(suspend.stderr.trim().split('\n').length, 1, 'the reason, not the usage text');

  t.equal((await mleg(['issuer', 'revoke', '--dir', issuer, '2'])).code, 0, 'revoking still works');
  const list = await mleg(['issuer', 'status-list', '--dir', issuer, '--out', at('one.jwt')]);
  t.equal(list.code, 0, list.stderr);
  t.same(published(issuer, at('one.jwt'), 4), [0, 0, 1, 0], 'the published list: index 2 revoked');

  t.ok(
    (() => {
      try {
        setStatuses(issuer, [0], 'suspend');
        return false;
      } catch (err) {
        return isMlegError(err, 'STATUS_VALUE_UNFIT');
      }
    })(),
    'coded STATUS_VALUE_UNFIT',
  );
  t.match(await mleg(['issuer', 'revoke', '--dir', await issuerWithThree('two', 2), '--suspend', '0']), { code: 0 }, 'a 2-bit list takes a suspension');
});

t.test('a registry that could not be published (written by an older mleg) is never written again, and says how to mend it', async (t) => {
  const issuer = await issuerWithThree('old', 1);
  const reg = JSON.parse(registry(issuer));
  reg.statuses = { '0': 2 }; // what `revoke --suspend 0` used to leave on a 1-bit list
  writeFileSync(join(issuer, 'status.json'), JSON.stringify(reg));
  const before = registry(issuer);

  const publish = await mleg(['issuer', 'status-list', '--dir', issuer, '--out', at('old.jwt')]);
  t.equal(publish.code, 2);
  t.match(publish.stderr, /status\.json: index 0 holds status 2, which a 1-bit list cannot hold \(0-1\); revoke or reinstate it first/);
  t.notMatch(publish.stderr, /does not fit in 1 bits/, 'not the encoder\'s RangeError');

  const revoke = await mleg(['issuer', 'revoke', '--dir', issuer, '1']);
  t.equal(revoke.code, 2, 'another change is refused while the bad entry stays');
  t.match(revoke.stderr, /index 0 holds status 2/);
  t.equal(registry(issuer), before, 'status.json unchanged');

  t.equal((await mleg(['issuer', 'revoke', '--dir', issuer, '0'])).code, 0, 'revoking the entry mends it');
  t.equal((await mleg(['issuer', 'revoke', '--dir', issuer, '1'])).code, 0);
  t.equal((await mleg(['issuer', 'status-list', '--dir', issuer, '--out', at('old.jwt')])).code, 0);
  t.same(published(issuer, at('old.jwt'), 3), [1, 1, 0]);
});

t.test('an index that was never issued is refused, naming the next one; nothing changes', async (t) => {
  const issuer = await issuerWithThree('idx', 2);
  const before = registry(issuer);
  const run = await mleg(['issuer', 'revoke', '--dir', issuer, '99']);
  t.equal(run.code, 2);
  t.equal(run.stderr, 'mleg: index 99 has not been issued (next is 3)\n');
  for (const args of [['--suspend', '3'], ['--reinstate', '3'], ['1', '3']]) {
    const r = await mleg(['issuer', 'revoke', '--dir', issuer, ...args]);
    t.equal(r.code, 2, `revoke ${args.join(' ')}: exit 2`);
    t.match(r.stderr, /index 3 has not been issued \(next is 3\)/);
  }
  t.equal(registry(issuer), before, 'not even index 1 of "1 3" was changed');
  const outside = await mleg(['issuer', 'revoke', '--dir', issuer, '128']);
  t.equal(outside.code, 2);
  t.match(outside.stderr, /index 128 is not in the list \(0-127\)/);
  t.equal((await mleg(['issuer', 'revoke', '--dir', issuer, '2'])).code, 0, 'an issued index is revoked');
});

t.test('wallet keygen --out refuses an existing key; --force replaces it (mode 0600)', async (t) => {
  const key = at('device.json');
  const first = await mleg(['wallet', 'keygen', '--out', key]);
  t.equal(first.code, 0, first.stderr);
  const original = readFileSync(key, 'utf8');
  const originalPub = readFileSync(at('device.pub.json'), 'utf8');

  const again = await mleg(['wallet', 'keygen', '--out', key]);
  t.equal(again.code, 2);
  t.equal(again.stderr, `mleg: ${key} exists; refusing to overwrite a device key (give --force to replace it)\n`);
  t.equal(again.stdout, '');
  t.equal(readFileSync(key, 'utf8'), original, 'the private key is kept');
  t.equal(readFileSync(at('device.pub.json'), 'utf8'), originalPub, 'and its public part');

  writeFileSync(at('lone.pub.json'), '{"kept": true}');
  const pubOnly = await mleg(['wallet', 'keygen', '--out', at('lone.json')]);
  t.equal(pubOnly.code, 2, 'an existing public part is not overwritten either');
  t.match(pubOnly.stderr, /lone\.pub\.json exists/);
  t.throws(() => statSync(at('lone.json')), 'and no private key was written beside it');

  writeFileSync(key, original, { mode: 0o644 });
  const forced = await mleg(['wallet', 'keygen', '--out', key, '--force']);
  t.equal(forced.code, 0, forced.stderr);
  t.not(readFileSync(key, 'utf8'), original, 'a new key');
  t.equal(statSync(key).mode & 0o777, 0o600, 'private again, whatever the old file was');
  t.equal(JSON.parse(readFileSync(at('device.pub.json'), 'utf8')).x, JSON.parse(forced.stdout).x, 'its public part rewritten to match');
});

t.test('issuer keygen over an existing issuer refuses with exit 2 (no --force for an issuer key)', async (t) => {
  const issuer = await issuerWithThree('keep', 2);
  const key = readFileSync(join(issuer, 'issuer-key.json'), 'utf8');
  const run = await mleg(['issuer', 'keygen', '--dir', issuer, '--iss', 'X', '--kid', 'y', '--status-uri', uri]);
  t.equal(run.code, 2);
  t.match(run.stderr, /issuer-key\.json exists; refusing to overwrite an issuer key \(make a new issuer in another --dir\)/);
  t.equal(readFileSync(join(issuer, 'issuer-key.json'), 'utf8'), key);
  t.equal((await mleg(['issuer', 'keygen', '--dir', issuer, '--iss', 'X', '--kid', 'y', '--status-uri', uri, '--force'])).code, 2, '--force is not an option of issuer keygen');
});
