/** `mleg scan`: a technician's check of a scanner: each read and its verdict, no gate relays. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { runMleg } from '../helpers/cli.js';
import { PtyPair } from '../helpers/pty.js';
import { until } from '../helpers/until.js';
import { startService } from '../helpers/service.js';
import { STATUS_URI } from '../helpers/world.js';

t.test('prints connection, each read with its verdict, double reads; stops on SIGINT', async (t) => {
  const s = await startService(); // for its trust list, status list and presentations
  const dir = mkdtempSync(join(tmpdir(), 'mleg-scan-'));
  const pty = await PtyPair.open(dir, 'gate');
  const config = join(s.dir, 'scan.json');
  writeFileSync(
    config,
    JSON.stringify({
      trust: { file: 'trust.json' },
      status: { files: { [STATUS_URI]: 'status.jwt' } },
      scanners: [
        { id: 'gate-1', type: 'serial', path: pty.path },
        { id: 'gate-2', type: 'serial', path: join(dir, 'absent') },
      ],
    }),
  );
  const run = runMleg(['scan', '--config', config, '--scanner', 'gate-1']);
  const device = await pty.device();
  t.teardown(async () => {
    run.child.kill('SIGKILL');
    await device.close();
    await s.close();
    await pty.kill();
    rmSync(dir, { recursive: true, force: true });
  });
  await until(() => /gate-1 {2}connected/.test(run.stdout()), 15000, 'the scanner connected');
  t.match(run.stdout(), /reading gate-1; no gate outputs/);
  const payload = s.present();
  await device.write(`${payload}\r\n`);
  await until(() => /gate-1 {2}VALID/.test(run.stdout()), 5000, 'the VALID line');
  await device.write(`${payload}\r\n`);
  await until(() => /double read/.test(run.stdout()), 5000, 'the double read line');
  await device.write('hello\r');
  await until(() => /gate-1 {2}MALFORMED/.test(run.stdout()), 5000, 'the MALFORMED line');
  t.match(run.stdout(), /\d\d:\d\d:\d\d\.\d{3} {2}gate-1 {2}VALID {2}valid.* \[PL-TEST school\]/);
  t.notOk(run.stdout().includes('Testowa') || run.stdout().includes(payload.slice(10, 50)), 'no holder data, no payload');
  t.notOk(run.stdout().includes('gate-2'), 'only the scanner asked for');
  run.child.kill('SIGINT');
  t.equal(await run.exited, 0, 'Ctrl-C stops it cleanly');
});

t.test('usage errors exit 2', async (t) => {
  const s = await startService();
  t.teardown(() => s.close());
  const none = runMleg(['scan', '--config', join(s.dir, 'config.json')]);
  t.equal(await none.exited, 2);
  t.match(none.stderr(), /no "scanners"/);
  const config = join(s.dir, 'one.json');
  writeFileSync(config, JSON.stringify({ trust: { file: 'trust.json' }, scanners: [{ id: 'gate-1', type: 'serial', path: '/dev/null-gate' }] }));
  const unknown = runMleg(['scan', '--config', config, '--scanner', 'gate-9']);
  t.equal(await unknown.exited, 2);
  t.match(unknown.stderr(), /no scanner "gate-9" in the configuration \(it has: gate-1\)/);
});
