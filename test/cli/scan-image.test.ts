/** `mleg scan-image FILE…`, run as a user runs it, on the config of a test service. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import sharp from 'sharp';
import { mleg as mlegArgs } from '../helpers/cli.js';
import { photograph, placed } from '../helpers/phone-screen.js';
import { startService, type TestService } from '../helpers/service.js';
import { STUDENT } from '../helpers/world.js';

/** `mleg …` as `npx mleg` runs it (dist/cli.js); decoding a camera picture may take a while. */
const mleg = (...args: string[]) => mlegArgs(args, { timeoutMs: 60_000 });

let s: TestService;
let config: string;
const file = (name: string) => join(s.dir, name);
t.before(async () => {
  s = await startService({ config: { log: { level: 'info' } } });
  config = file('config.json');
});
t.teardown(() => s.close());

t.test('the PNG of `mleg wallet present --qr`: one line, VALID, exit 0', async (t) => {
  writeFileSync(file('credential.jwt'), `${s.credential()}\n`);
  writeFileSync(file('device.json'), JSON.stringify(s.device.key.export({ format: 'jwk' })));
  const present = await mleg('wallet', 'present', '--credential', file('credential.jwt'), '--key', file('device.json'), '--qr', file('code.png'));
  t.equal(present.code, 0, present.stderr);

  const run = await mleg('scan-image', '--config', config, file('code.png'));
  t.equal(run.code, 0, run.stderr);
  t.equal(run.stdout, `${file('code.png')}: VALID (valid)\n`);
  for (const secret of [STUDENT.family_name, STUDENT.doc_no, 'MLEG1:']) t.notOk(run.stdout.includes(secret) || run.stderr.includes(secret), `no ${secret}`);
});

t.test('several files: a line per code, a line for a file with none or with no picture; exit 1 unless all are VALID', async (t) => {
  writeFileSync(file('two-phones.png'), await photograph([s.present(), s.present()], { name: 'two', frame: { width: 1600, height: 900 }, phones: [placed(450, 450, 0.6), placed(1150, 450, 0.6)] }));
  writeFileSync(file('desk.jpg'), await sharp({ create: { width: 320, height: 240, channels: 3, background: '#654' } }).jpeg().toBuffer());
  writeFileSync(file('notes.txt'), 'not a picture');
  const both = await mleg('scan-image', '--config', config, file('two-phones.png'));
  t.equal(both.code, 0, both.stderr);
  t.equal(both.stdout, `${file('two-phones.png')} #1: VALID (valid)\n${file('two-phones.png')} #2: VALID (valid)\n`);

  const run = await mleg('scan-image', '--config', config, file('desk.jpg'), file('notes.txt'));
  t.equal(run.code, 1);
  t.equal(run.stdout, `${file('desk.jpg')}: no QR code found\n${file('notes.txt')}: not a PNG, JPEG or WebP image\n`);
});

t.test('--json: one line per file with the full results', async (t) => {
  writeFileSync(file('phone.jpg'), await photograph([s.present()], { name: 'phone', phones: [placed(640, 480, 0.7, 10)], jpeg: 80 }));
  const run = await mleg('scan-image', '--json', '--config', config, file('phone.jpg'), file('desk.jpg'), file('notes.txt'));
  t.equal(run.code, 1, 'a file without codes');
  const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
  t.match(lines, [
    { file: file('phone.jpg'), results: [{ verdict: 'VALID', valid: true, holder: { family_name: STUDENT.family_name } }] },
    { file: file('desk.jpg'), results: [] },
    { file: file('notes.txt'), error: 'NOT_AN_IMAGE', message: /not a PNG/ },
  ]);
});

t.test('exit 2: no file, a file that cannot be read, a bad config', async (t) => {
  const none = await mleg('scan-image', '--config', config);
  t.equal(none.code, 2);
  t.match(none.stderr, /give at least one image FILE/);
  const missing = await mleg('scan-image', '--config', config, file('nowhere.png'));
  t.equal(missing.code, 2);
  t.match(missing.stderr, /cannot read .*nowhere\.png \(ENOENT\)/);
  writeFileSync(file('bad.json'), JSON.stringify({ trust: { file: 'trust.json' }, image: { decoder: 'jsqr' } }));
  const bad = await mleg('scan-image', '--config', file('bad.json'), file('desk.jpg'));
  t.equal(bad.code, 2);
  t.match(bad.stderr, /"image\.decoder" must be one of "zxing-wasm", "zxing-js"/);
});
