/**
 * `mleg wallet present --qr -` in a terminal of 80 columns (issue 22 item 6): the MLEG2
 * code fits (quadrant blocks when half blocks would be too wide), with a 4-module quiet
 * zone, and a picture of the terminal reads back to the same payload with the project's
 * own image decoder; an MLEG1 code that cannot fit is drawn anyway and said so.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { issueCompactCredential } from '../../src/issuer/compact-credential.js';
import { issueCredential } from '../../src/issuer/credential.js';
import { qrForTerminal, qrSize } from '../../src/issuer/qr.js';
import { ImageDecoder } from '../../src/scan/image/decode-image.js';
import { mleg } from '../helpers/cli.js';
import { terminalColumns, terminalLines, terminalPicture } from '../helpers/terminal-picture.js';
import { DAY, IDX, STATUS_URI, STUDENT, makeDevice, makeIssuer } from '../helpers/world.js';

const dir = mkdtempSync(join(tmpdir(), 'mleg-wallet-qr-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const decoder = new ImageDecoder({ decoder: 'zxing-wasm', maxPixels: 25_000_000, timeoutMs: 30_000 });
t.teardown(() => decoder.close());

const issuer = makeIssuer();
const device = makeDevice();
const now = Math.floor(Date.now() / 1000);
// A holder with names as long as the demo's, so the code is as large as a real one.
const options = { issuer, student: { ...STUDENT, org: { name: 'Szkoła Podstawowa nr 123 w Krakowie', id: 'RSPO-123456' } }, device: device.publicJwk, status: { uri: STATUS_URI, idx: IDX.valid }, iat: now, exp: now + 300 * DAY };
writeFileSync(join(dir, 'device.json'), JSON.stringify({ ...device.key.export({ format: 'jwk' }) }));
writeFileSync(join(dir, 'cred.cose'), `${issueCompactCredential(options).toString('base64url')}\n`);
writeFileSync(join(dir, 'cred.jwt'), `${issueCredential(options)}\n`);

const payloadOf = (stdout: string) => stdout.trim().split('\n').at(-1)!;

t.test('MLEG2: within 80 columns, and a picture of it reads back', async (t) => {
  const run = await mleg(['wallet', 'present', '--credential', join(dir, 'cred.cose'), '--key', join(dir, 'device.json'), '--qr', '-']);
  t.equal(run.code, 0, run.stderr);
  t.equal(run.stderr, '', 'nothing to warn of');
  const payload = payloadOf(run.stdout);
  t.match(payload, /^MLEG2:/);
  const drawing = run.stdout.slice(0, run.stdout.lastIndexOf(payload));
  const { version, modules } = qrSize(payload);
  t.ok(version > 15, `version ${version}: too wide for half blocks in 80 columns with a 4-module quiet zone`);
  const columns = terminalColumns(drawing);
  t.ok(columns <= 80, `${columns} columns`);
  t.equal(columns, Math.ceil((modules + 8) / 2), 'two modules a column, 4 modules of quiet zone each side');
  t.ok(terminalLines(drawing).every((l) => l.startsWith('  ') && l.endsWith('  ')), 'a light quiet zone of two cells (4 modules) on the left and right');
  const picture = await terminalPicture(drawing);
  t.ok(picture.length > 0);
  const { codes } = await decoder.decode(picture);
  t.same(codes.map((c) => c.text), [payload], 'the decoder reads the terminal picture (modules 4 × 8 pixels) back to the payload');
});

t.test('a small code is drawn in half blocks (square modules)', async (t) => {
  const small = qrForTerminal('MLEG2:SHORT');
  t.equal(small.cell, 'half');
  t.equal(terminalColumns(small.text), qrSize('MLEG2:SHORT').modules + 8);
  const { codes } = await decoder.decode(await terminalPicture(small.text));
  t.same(codes.map((c) => c.text), ['MLEG2:SHORT']);
});

t.test('MLEG1: too wide for 80 columns; drawn anyway, and the operator is told to use MLEG2', async (t) => {
  const run = await mleg(['wallet', 'present', '--credential', join(dir, 'cred.jwt'), '--key', join(dir, 'device.json'), '--qr', '-']);
  t.equal(run.code, 0, run.stderr);
  const payload = payloadOf(run.stdout);
  t.match(payload, /^MLEG1:/);
  const drawing = run.stdout.slice(0, run.stdout.lastIndexOf(payload));
  const columns = terminalColumns(drawing);
  t.ok(columns > 80, `${columns} columns`);
  t.match(run.stderr, new RegExp(`${columns} columns wide and does not fit a terminal of 80; present with --format mleg2`));
  const { codes } = await decoder.decode(await terminalPicture(drawing));
  t.same(codes.map((c) => c.text), [payload], 'what is drawn is still a readable code');
});

t.test('--format must match the credential file', async (t) => {
  const run = await mleg(['wallet', 'present', '--credential', join(dir, 'cred.jwt'), '--key', join(dir, 'device.json'), '--format', 'mleg2']);
  t.equal(run.code, 2);
  t.match(run.stderr, /holds an MLEG1 credential.*--format mleg2/);
  writeFileSync(join(dir, 'junk.cose'), 'not a credential at all\n');
  const junk = await mleg(['wallet', 'present', '--credential', join(dir, 'junk.cose'), '--key', join(dir, 'device.json')]);
  t.equal(junk.code, 2);
  t.match(junk.stderr, /neither an MLEG1 credential .* nor an MLEG2 one/);
});
