/**
 * The hang-up fix on serialport's reads: a pty (or USB tty) that vanishes while a read is
 * in flight answers 0 bytes, which serialport 13 alone re-reads for ever. Through the
 * product's opener, every vanishing must close the port as a disconnect.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { openSerialPort, watchSerialPort } from '../../src/devices/serial-port.js';
import { PtyPair } from '../helpers/pty.js';
import { until } from '../helpers/until.js';

t.test('a pty vanishing right after open or right after data is always noticed', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mleg-hangup-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const reasons: string[] = [];
  for (let i = 0; i < 12; i++) {
    const pty = await PtyPair.open(dir, `p${i}`);
    const { handle: port, where } = await openSerialPort({ path: pty.path }, { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 });
    t.equal(where, pty.path);
    let reason: string | undefined;
    watchSerialPort(port, (r) => (reason ??= r));
    port.on('data', () => {});
    if (i % 2 === 1) {
      const device = await pty.device();
      await device.write('half a scan');
      await device.close();
    }
    await pty.kill();
    await until(() => reason !== undefined, 3000, `the hang-up to be noticed (round ${i})`);
    reasons.push(reason!);
  }
  t.equal(reasons.length, 12);
  t.ok(reasons.every((r) => /went away/.test(r)), 'each one a disconnect');
});
