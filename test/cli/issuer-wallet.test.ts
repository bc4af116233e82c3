/** The issuing tools end to end, as an issuer and a phone would use them, checked by `mleg verify`. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { mleg } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mleg-issuer-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const at = (f: string) => join(dir, f);
const uri = 'https://status.example.test/szkola-7';

t.test('keygen, issue from CSV and JSON, revoke, publish, present, verify', async (t) => {
  const keygen = await mleg(['issuer', 'keygen', '--dir', at('issuer'), '--iss', 'PL-SZKOLA-7', '--kid', 'sz7-2026', '--name', 'Szkoła nr 7', '--status-uri', uri, '--status-size', '100']);
  t.equal(keygen.code, 0, keygen.stderr);
  const entry = JSON.parse(keygen.stdout).keys[0];
  t.match(entry, { kty: 'EC', crv: 'P-256', kid: 'sz7-2026', alg: 'ES256', iss: 'PL-SZKOLA-7', name: 'Szkoła nr 7' });
  t.notOk('d' in entry, 'the trust-list entry has no private part');
  t.equal((await mleg(['issuer', 'keygen', '--dir', at('issuer'), '--iss', 'X', '--kid', 'y', '--status-uri', uri])).code, 2, 'an existing issuer key is never overwritten');

  for (const phone of ['phone-a', 'phone-b']) {
    const w = await mleg(['wallet', 'keygen', '--out', at(`${phone}.json`), ...(phone === 'phone-b' ? ['--alg', 'EdDSA'] : [])]);
    t.equal(w.code, 0, w.stderr);
    t.ok(existsSync(at(`${phone}.pub.json`)));
  }
  writeFileSync(
    at('students.csv'),
    [
      'given_name,family_name,birthdate,doc,doc_no,org_name,org_id,valid_until,device',
      'Jan,Kowalski,2010-03-01,school,S/1/2026,"Szkoła Podstawowa nr 7, Kraków",RSPO-7,2030-09-30,phone-a.pub.json',
      'Ewa,"Nowak ""Ewka""",2009-12-31,school,S/2/2026,"Szkoła Podstawowa nr 7, Kraków",RSPO-7,2030-09-30,phone-b.pub.json',
    ].join('\r\n'),
  );
  const csv = await mleg(['issuer', 'issue', '--dir', at('issuer'), '--records', at('students.csv'), '--out', at('creds')]);
  t.equal(csv.code, 0, csv.stderr);
  const issued = csv.stdout.trim().split('\n').map((l) => JSON.parse(l) as { jti: string; idx: number; file: string });
  t.same(issued.map((c) => c.idx), [0, 1], 'status indexes are allocated in order');
  t.notMatch(csv.stdout, /Kowalski|Nowak/, 'the issuing log names no student');

  writeFileSync(at('students.json'), JSON.stringify([{ given_name: 'Ola', family_name: 'Wiśniewska', birthdate: '2004-07-07', doc: 'student', doc_no: 'U/9', org: { name: 'Uniwersytet', id: 'POLON-1' }, valid_until: '2031-01-31', idx: 42 }]));
  const json = await mleg(['issuer', 'issue', '--dir', at('issuer'), '--records', at('students.json'), '--device', at('phone-a.pub.json'), '--out', at('creds')]);
  t.equal(json.code, 0, json.stderr);
  const ola = JSON.parse(json.stdout) as { idx: number; file: string };
  t.equal(ola.idx, 42, 'a record may name its index');

  t.equal((await mleg(['issuer', 'revoke', '--dir', at('issuer'), String(issued[1]!.idx)])).code, 0);
  t.equal((await mleg(['issuer', 'revoke', '--dir', at('issuer'), '--suspend', '42'])).code, 0);
  t.equal((await mleg(['issuer', 'revoke', '--dir', at('issuer'), '100'])).code, 2, 'an index outside the list is refused');
  const published = await mleg(['issuer', 'status-list', '--dir', at('issuer'), '--out', at('status.jwt'), '--ttl', '600', '--valid-for', '86400']);
  t.equal(published.code, 0, published.stderr);

  writeFileSync(at('mleg.json'), JSON.stringify({ trust: { file: 'issuer/trust-list.json' }, status: { files: { [uri]: 'status.jwt' } } }));
  const verdictOf = async (credFile: string, key: string) => {
    const present = await mleg(['wallet', 'present', '--credential', credFile, '--key', at(key)]);
    t.equal(present.code, 0, present.stderr);
    const v = await mleg(['verify', '--config', at('mleg.json'), present.stdout.trim()]);
    return { code: v.code, result: JSON.parse(v.stdout) };
  };
  const jan = await verdictOf(issued[0]!.file, 'phone-a.json');
  t.equal(jan.code, 0);
  t.match(jan.result, { verdict: 'VALID', holder: { given_name: 'Jan' }, credential: { issuer: 'PL-SZKOLA-7', org: { name: 'Szkoła Podstawowa nr 7, Kraków' }, valid_until: '2030-09-30T21:59:59.000Z' } }); // the end of 30 September in Poland (CEST)
  const ewa = await verdictOf(issued[1]!.file, 'phone-b.json');
  t.match(ewa, { code: 1, result: { verdict: 'REVOKED', holder: { family_name: 'Nowak "Ewka"' } } });
  t.match(await verdictOf(ola.file, 'phone-a.json'), { code: 1, result: { verdict: 'SUSPENDED' } });
  t.match(await verdictOf(issued[0]!.file, 'phone-b.json'), { code: 1, result: { verdict: 'PROOF_INVALID' } }, "another phone's key");

  t.equal((await mleg(['issuer', 'revoke', '--dir', at('issuer'), '--reinstate', '42'])).code, 0);
  t.equal((await mleg(['issuer', 'status-list', '--dir', at('issuer'), '--out', at('status.jwt')])).code, 0);
  t.match(await verdictOf(ola.file, 'phone-a.json'), { code: 0, result: { verdict: 'VALID' } }, 'reinstated');
});

t.test('wallet present draws the QR code as PNG or in the terminal', async (t) => {
  const cred = readFileSync(join(dir, 'creds', (await import('node:fs')).readdirSync(join(dir, 'creds'))[0]!), 'utf8');
  writeFileSync(at('cred.jwt'), cred);
  const png = await mleg(['wallet', 'present', '--credential', at('cred.jwt'), '--key', at('phone-a.json'), '--qr', at('code.png')]);
  t.equal(png.code, 0, png.stderr);
  t.match(png.stdout, /^MLEG1:/);
  t.same([...readFileSync(at('code.png')).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
  const term = await mleg(['wallet', 'present', '--credential', at('cred.jwt'), '--key', at('phone-a.json'), '--qr', '-']);
  t.equal(term.code, 0);
  t.match(term.stdout, /[▀▄█]/, 'drawn with block characters');
  t.match(term.stdout, /\nMLEG1:/, 'followed by the payload text');
});

t.test('issue --format mleg2 and both: one credential in two forms, one status entry', async (t) => {
  writeFileSync(at('both.json'), JSON.stringify([{ given_name: 'Zuza', family_name: 'Łąka', birthdate: '2011-11-11', doc: 'school', doc_no: 'S/3/2026', org: { name: 'SP 7', id: 'RSPO-7' }, valid_until: '2030-09-30' }]));
  const both = await mleg(['issuer', 'issue', '--dir', at('issuer'), '--records', at('both.json'), '--device', at('phone-a.pub.json'), '--out', at('both'), '--format', 'both']);
  t.equal(both.code, 0, both.stderr);
  const lines = both.stdout.trim().split('\n').map((l) => JSON.parse(l) as { jti: string; idx: number; format: string; file: string });
  t.same(lines.map((l) => l.format), ['mleg1', 'mleg2']);
  t.equal(lines[0]!.jti, lines[1]!.jti, 'one credential id');
  t.equal(lines[0]!.idx, lines[1]!.idx, 'one status index');
  t.match(lines[1]!.file, /\.cose$/);
  t.match(readFileSync(lines[1]!.file, 'utf8'), /^[A-Za-z0-9_-]+\n$/, 'a .cose file holds base64url');
  t.notMatch(both.stdout, /Zuza|Łąka/, 'the issuing log names no student');
  const verdicts: string[] = [];
  const ids: string[] = [];
  for (const line of lines) {
    const present = await mleg(['wallet', 'present', '--credential', line.file, '--key', at('phone-a.json')]);
    t.equal(present.code, 0, present.stderr);
    t.match(present.stdout, line.format === 'mleg1' ? /^MLEG1:/ : /^MLEG2:/);
    const v = JSON.parse((await mleg(['verify', '--config', at('mleg.json'), present.stdout.trim()])).stdout);
    verdicts.push(v.verdict);
    ids.push(v.credential.id);
  }
  t.same(verdicts, ['VALID', 'VALID']);
  t.same(ids, [lines[0]!.jti, lines[0]!.jti], 'both forms show the same credential id');
  t.equal((await mleg(['issuer', 'revoke', '--dir', at('issuer'), String(lines[0]!.idx)])).code, 0);
  t.equal((await mleg(['issuer', 'status-list', '--dir', at('issuer'), '--out', at('status.jwt')])).code, 0);
  const revoked = await mleg(['wallet', 'present', '--credential', lines[1]!.file, '--key', at('phone-a.json')]);
  t.match(JSON.parse((await mleg(['verify', '--config', at('mleg.json'), revoked.stdout.trim()])).stdout), { verdict: 'REVOKED' }, 'revoking the index revokes the MLEG2 form too');

  const only = await mleg(['issuer', 'issue', '--dir', at('issuer'), '--records', at('both.json'), '--device', at('phone-a.pub.json'), '--out', at('only'), '--format', 'mleg2']);
  t.equal(only.code, 0, only.stderr);
  t.match(JSON.parse(only.stdout), { format: 'mleg2', jti: /^[A-Za-z0-9_-]{11}$/ }, 'MLEG2 alone: an 8-byte id');
  writeFileSync(at('badjti.json'), JSON.stringify([{ given_name: 'A', family_name: 'B', birthdate: '2011-11-11', doc: 'school', doc_no: 'S/4', org: { name: 'SP', id: 'R' }, valid_until: '2030-09-30', jti: 'not base64url!' }]));
  const bad = await mleg(['issuer', 'issue', '--dir', at('issuer'), '--records', at('badjti.json'), '--device', at('phone-a.pub.json'), '--out', at('only'), '--format', 'mleg2']);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /record 1: jti "not base64url!" is not the base64url of 1-32 bytes/);
  t.equal((await mleg(['issuer', 'issue', '--dir', at('issuer'), '--records', at('both.json'), '--format', 'cbor'])).code, 2, 'an unknown --format');
});

t.test('usage errors exit 2', async (t) => {
  t.equal((await mleg(['issuer'])).code, 2);
  t.equal((await mleg(['issuer', 'keygen', '--dir', at('x')])).code, 2, 'missing --iss');
  t.equal((await mleg(['issuer', 'keygen', '--dir', at('x'), '--iss', 'a', '--kid', 'b', '--status-uri', uri, '--alg', 'RS256'])).code, 2);
  t.equal((await mleg(['wallet', 'present', '--credential'])).code, 2);
  t.equal((await mleg(['issuer', 'revoke', '--dir', at('issuer'), 'seven'])).code, 2);
});
