import t from 'tap';
import { mleg } from '../helpers/cli.js';

t.test('mleg demo: fresh VALID, REVOKED and EXPIRED payloads against the embedded demo configuration', async (t) => {
  const json = await mleg(['demo', '--json']);
  t.equal(json.code, 0, json.stderr);
  const payloads = JSON.parse(json.stdout) as Record<'valid' | 'revoked' | 'expired', string>;
  const expected = { valid: ['VALID', 0], revoked: ['REVOKED', 1], expired: ['EXPIRED', 1] } as const;
  for (const [kind, [verdict, code]] of Object.entries(expected)) {
    const run = await mleg(['verify', payloads[kind as keyof typeof payloads]]);
    t.equal(run.code, code, `${kind}: exit ${code}`);
    t.equal(JSON.parse(run.stdout).verdict, verdict, `${kind}: ${verdict}`);
  }
  const again = await mleg(['demo', '--json']);
  t.not(JSON.parse(again.stdout).valid, payloads.valid, 'each run makes a fresh presentation');
});

t.test('mleg demo --json: the VALID presentation in MLEG2 too, with both QR sizes', async (t) => {
  const run = await mleg(['demo', '--json']);
  const demo = JSON.parse(run.stdout) as { valid: string; mleg2: { valid: string }; qr: Record<'mleg1' | 'mleg2', { characters: number; version: number; modules: number }> };
  t.match(demo.mleg2.valid, /^MLEG2:/);
  const verified = await mleg(['verify', demo.mleg2.valid]);
  t.equal(verified.code, 0, 'VALID');
  const [one, two] = [JSON.parse((await mleg(['verify', demo.valid])).stdout), JSON.parse(verified.stdout)];
  const unTimed = (r: typeof one) => ({ ...r, checked_at: 0, presented_at: 0, credential: { ...r.credential, id: 0 }, status: { ...r.status, age_seconds: 0 } });
  t.same(unTimed(two), unTimed(one), 'the same result but for the credential id and times');
  t.ok(demo.qr.mleg2.version <= 17, `SPEC 11: at most version 17-M (${demo.qr.mleg2.version})`);
  t.equal(demo.qr.mleg2.modules, 17 + 4 * demo.qr.mleg2.version);
  t.equal(demo.qr.mleg2.characters, demo.mleg2.valid.length);
});

t.test('the text form says what each payload is and how to try it with curl', async (t) => {
  const run = await mleg(['demo']);
  t.equal(run.code, 0);
  t.match(run.stdout, /DEMO/);
  for (const v of ['VALID', 'REVOKED', 'EXPIRED']) t.match(run.stdout, new RegExp(`${v}:\\nMLEG1:`));
  t.match(run.stdout, /VALID, compact format \(MLEG2[^\n]*\nMLEG2:/);
  t.match(run.stdout, /--data-binary 'MLEG2:[^']+'\n/, 'its curl command quotes the spaces and symbols of base45');
  t.match(run.stdout, /QR codes at error correction M: MLEG1 \d+ characters, QR version \d+-M \(\d+ modules a side\); MLEG2 \d+ characters, QR version 1[0-7]-M/);
  t.match(run.stdout, /curl -s http:\/\/127\.0\.0\.1:8080\/v1\/verify -H 'content-type: text\/plain' --data-binary 'MLEG1:/);
  t.match(run.stdout, /paste a payload into the result display: http:\/\/127\.0\.0\.1:8080\/\n/);
});

t.test('--qr draws the VALID payload as a QR image that the image route verifies', async (t) => {
  const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'mleg-demo-qr-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const png = join(dir, 'code.png');
  const run = await mleg(['demo', '--qr', png, '--format', 'mleg1']);
  t.equal(run.code, 0, run.stderr);
  t.match(run.stdout, /The VALID MLEG1 payload is drawn/);
  t.match(run.stdout, /verify\/image -H 'content-type: image\/jpeg'/);
  const scan = await mleg(['scan-image', '--json', png]);
  t.equal(scan.code, 0, scan.stderr);
  t.match(JSON.parse(scan.stdout), { results: [{ verdict: 'VALID' }] });
  t.ok(readFileSync(png).length > 1000);
});
