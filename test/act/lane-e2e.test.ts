/**
 * End to end, as at a station gate: a payload written to the scanner's pty → the relay
 * command bytes on the relay's pty and an SSE event with the verdict; the scanner's
 * good-read / bad-read feedback back on the scanner's pty; a relay unplugged never stops
 * verification or the other lanes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { IDX, STATUS_URI } from '../helpers/world.js';
import { PtyPair } from '../helpers/pty.js';
import { until } from '../helpers/until.js';
import { startService } from '../helpers/service.js';
import { SseClient } from '../helpers/sse.js';

const ON = 'A0 01 01 A2';
const OFF = 'A0 01 00 A1';

interface ScanData {
  scanner: string;
  lane?: string;
  result: { verdict: string; valid: boolean };
}

t.test('scan → relay bytes and SSE event, per lane', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mleg-e2e-'));
  const [gate, relayPty, till] = await Promise.all([PtyPair.open(dir, 'gate'), PtyPair.open(dir, 'relay'), PtyPair.open(dir, 'till')]);
  const s = await startService({
    config: {
      scanners: [
        { id: 'gate-1', type: 'serial', path: gate.path, profile: 'honeywell' },
        { id: 'till-1', type: 'serial', path: till.path, baudRate: 9600 },
      ],
      outputs: [{ id: 'turnstile', type: 'serial-relay', path: relayPty.path, relay: 1 }],
      lanes: [{ id: 'entry', scanners: ['gate-1'], outputs: ['turnstile'], openMs: 300 }],
    },
  });
  const [scanner, relay, tillDevice] = await Promise.all([gate.device(), relayPty.device(), till.device()]);
  const client = await SseClient.open(`${s.url}/v1/events`);
  t.teardown(async () => {
    client.close();
    await Promise.all([scanner.close(), relay.close(), tillDevice.close()]);
    await s.close();
    await Promise.all([gate.kill(), relayPty.kill(), till.kill()]);
    rmSync(dir, { recursive: true, force: true });
  });
  await until(() => s.service.scanners().every((x) => x.state === 'connected'), 5000, 'scanners connected');
  await until(() => relay.hex === OFF, 5000, 'the relay shut on connect');
  const scans = () => client.data<ScanData>('scan');

  // VALID: the gate opens, the scanner beeps good, the display hears of it.
  await scanner.write(`${s.present()}\r\n`);
  await until(() => relay.hex === `${OFF} ${ON}`, 5000, 'the relay on command');
  await client.until(() => scans().length === 1, 5000, 'the VALID event');
  t.match(scans()[0], { scanner: 'gate-1', lane: 'entry', result: { verdict: 'VALID', valid: true } });
  await until(() => scanner.hex === '1B 37', 2000, 'good-read feedback to the scanner');
  await until(() => relay.hex === `${OFF} ${ON} ${OFF}`, 5000, 'the relay off after openMs');

  // REVOKED: the gate stays shut, the scanner beeps bad.
  await scanner.write(`${s.present(s.credential({ status: { uri: STATUS_URI, idx: IDX.revoked } }))}\r`);
  await client.until(() => scans().length === 2, 5000, 'the REVOKED event');
  t.match(scans()[1], { scanner: 'gate-1', lane: 'entry', result: { verdict: 'REVOKED', valid: false } });
  await until(() => scanner.hex === '1B 37 1B 38', 2000, 'bad-read feedback');
  await new Promise((r) => setTimeout(r, 400));
  t.equal(relay.hex, `${OFF} ${ON} ${OFF}`, 'no relay command for a REVOKED');

  // A scanner in no lane verifies and publishes, and opens nothing.
  await tillDevice.write(`${s.present()}\r`);
  await client.until(() => scans().length === 3, 5000, 'the till event');
  t.match(scans()[2], { scanner: 'till-1', result: { verdict: 'VALID' } });
  t.notOk('lane' in scans()[2]!);
  t.equal(relay.hex, `${OFF} ${ON} ${OFF}`);

  // The relay unplugged: scans are still verified and published; the failure is logged.
  await relay.close();
  await relayPty.kill();
  await until(() => s.logs.some((l) => l.msg === 'relay not connected: gates it serves cannot open' && l.output === 'turnstile'), 5000, 'the relay failure logged');
  await scanner.write(`${s.present()}\r`);
  await client.until(() => scans().length === 4, 5000, 'the event without a relay');
  t.match(scans()[3], { scanner: 'gate-1', lane: 'entry', result: { verdict: 'VALID' } });
  t.ok(s.logs.some((l) => l.msg === 'relay not connected: the gate stays shut until it is back'));

  // Plugged back: it reconnects and the next VALID opens the gate.
  await relayPty.start();
  const relay2 = await relayPty.device();
  t.teardown(() => relay2.close());
  await until(() => s.logs.filter((l) => l.msg === 'relay connected').length >= 2, 8000, 'the relay back');
  await scanner.write(`${s.present()}\r`);
  await until(() => relay2.hex.endsWith(ON), 5000, 'the relay opens again');
  await client.until(() => scans().length === 5, 5000, 'the fifth event');
  t.same(scans().map((e) => e.result.verdict), ['VALID', 'REVOKED', 'VALID', 'VALID', 'VALID']);
});
