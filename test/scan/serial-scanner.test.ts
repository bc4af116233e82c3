/**
 * Serial scanners through the running service, over real pty pairs with the real
 * serialport binding: what a station gate's scanner sends, and what the service makes of it.
 */
import t, { type Test } from 'tap';
import { startScannerService, type ScannerRig as Rig } from '../helpers/pty.js';
import { until } from '../helpers/until.js';

const rig = (t: Test, scanner: Record<string, unknown> = {}): Promise<Rig> =>
  startScannerService(t, (path) => ({ scanners: [{ id: 'gate-1', type: 'serial', path, baudRate: 9600, ...scanner }] }));

const verdicts = (r: Rig) => r.scans.map((e) => e.result.verdict);

t.test('a scan ending at CR, at LF and at CRLF is verified and published', async (t) => {
  const r = await rig(t);
  for (const end of ['\r', '\n', '\r\n']) await r.device.write(`${r.s.present()}${end}`);
  await until(() => r.scans.length === 3, 5000, 'three scans');
  t.same(verdicts(r), ['VALID', 'VALID', 'VALID']);
  t.same(r.scans.map((e) => e.scanner), ['gate-1', 'gate-1', 'gate-1']);
  t.notOk('lane' in r.scans[0]!, 'a scanner in no lane publishes without a lane');
  await new Promise((res) => setTimeout(res, 100));
  t.equal(r.scans.length, 3, 'the LF of a CRLF is not a second (empty) scan');
  t.equal(r.s.service.scanners()[0]!.scans, 3);
});

t.test('an AIM prefix is stripped; a scan split over many small writes is one scan', async (t) => {
  const r = await rig(t);
  await r.device.write(`]Q1${r.s.present()}\r\n`);
  const payload = `${r.s.present()}\r`;
  for (let i = 0; i < payload.length; i += 7) await r.device.write(payload.slice(i, i + 7));
  await until(() => r.scans.length === 2, 5000, 'two scans');
  t.same(verdicts(r), ['VALID', 'VALID']);
});

t.test('two scans in one write are two scans', async (t) => {
  const r = await rig(t);
  await r.device.write(`${r.s.present()}\r\n${r.s.present(r.s.credential({ status: { uri: 'https://status.test/lists/1', idx: 1 } }))}\r\n`);
  await until(() => r.scans.length === 2, 5000, 'two scans');
  t.same(verdicts(r), ['VALID', 'REVOKED']);
});

t.test('binary garbage is MALFORMED, an over-long line is dropped with a warning, and scanning goes on', async (t) => {
  const r = await rig(t);
  await r.device.write(Buffer.from([0x00, 0xff, 0x1b, 0x5b, 0x80, 0xfe, 0x0d]));
  await until(() => r.scans.length === 1, 5000, 'the garbage scan');
  t.equal(r.scans[0]!.result.verdict, 'MALFORMED');
  await r.device.write(Buffer.alloc(9000, 0x41));
  await until(() => r.s.logs.some((l) => /longer than 8 KiB/.test(String(l.msg))), 5000, 'the overflow warning');
  await r.device.write(`${'B'.repeat(100)}\r`); // the tail of the over-long line: dropped too
  await r.device.write(`${r.s.present()}\r`);
  await until(() => r.scans.length === 2, 5000, 'the next scan');
  t.same(verdicts(r), ['MALFORMED', 'VALID'], 'the over-long line and its tail never reach the verifier');
  const warning = r.s.logs.find((l) => /longer than 8 KiB/.test(String(l.msg)))!;
  t.equal(warning.level, 40);
  t.ok((warning.bytes as number) > 8192);
});

t.test('a double read within debounceMs is dropped before verification; after the window it is verified again', async (t) => {
  const r = await rig(t, { debounceMs: 300 });
  const payload = r.s.present();
  await r.device.write(`${payload}\r`);
  await r.device.write(`${payload}\r`);
  await r.device.write(`${payload}\r`);
  await until(() => r.scans.length >= 1, 5000, 'the first scan');
  await new Promise((res) => setTimeout(res, 150));
  t.same(verdicts(r), ['VALID'], 'a continuous-mode double read never turns VALID into REPLAYED');
  await new Promise((res) => setTimeout(res, 350));
  await r.device.write(`${payload}\r`);
  await until(() => r.scans.length === 2, 5000, 'the scan after the window');
  t.same(verdicts(r), ['VALID', 'REPLAYED'], 'the same presentation after the window is a replay');
});

t.test('idleMs ends a scan sent without a suffix', async (t) => {
  const r = await rig(t, { idleMs: 60 });
  await r.device.write(r.s.present());
  await until(() => r.scans.length === 1, 5000, 'the scan ended by silence');
  t.equal(r.scans[0]!.result.verdict, 'VALID');
});

t.test('the pty vanishing mid-scan and coming back: disconnected, connected, scanning again', async (t) => {
  const r = await rig(t);
  await r.device.write(r.s.present().slice(0, 200)); // half a scan, then the cable is pulled
  await r.device.close();
  await r.pty.kill();
  await until(() => r.s.service.scanners()[0]!.state === 'disconnected', 5000, 'disconnected');
  t.match(r.states.at(-1), { scanner: 'gate-1', state: 'disconnected', reason: String });
  t.match(r.s.logs.find((l) => l.msg === 'scanner not connected'), { scanner: 'gate-1', state: 'disconnected' });
  await r.pty.start();
  await until(() => r.s.service.scanners()[0]!.state === 'connected', 8000, 'reconnected');
  t.match(r.states.at(-1), { scanner: 'gate-1', state: 'connected' });
  r.device = await r.pty.device();
  await r.device.write(`${r.s.present()}\r`);
  await until(() => r.scans.length === 1, 5000, 'a scan after the reconnect');
  t.same(verdicts(r), ['VALID'], 'the half scan from before the unplug was forgotten');
  t.teardown(() => r.device.close());
});

t.test('no payload text reaches the log', async (t) => {
  const r = await rig(t);
  const payload = r.s.present();
  await r.device.write(`${payload}\r`);
  await until(() => r.scans.length === 1);
  await until(() => r.s.logs.some((l) => l.msg === 'scan'), 2000, 'the scan log line');
  const line = r.s.logs.find((l) => l.msg === 'scan')!;
  t.match(line, { scanner: 'gate-1', verdict: 'VALID', bytes: payload.length });
  const all = JSON.stringify(r.s.logs);
  t.notOk(all.includes(payload.slice(6, 60)), 'no part of the payload');
  t.notOk(all.includes('Testowa'), 'no name');
  t.notOk(all.includes('2009-02-28'), 'no birthdate');
  t.notOk(all.includes('TEST/4711'), 'no document number');
});

t.test('MLEG2 over a serial line: every base45 character arrives, a final space too', async (t) => {
  const r = await rig(t);
  const payloads = [r.s.presentCompact(), r.s.presentCompact(), r.s.presentCompact()];
  t.ok(payloads.every((p) => p.includes(' ')), 'spaces in every payload');
  for (const end of ['\r', '\n', '\r\n']) await r.device.write(`${payloads.shift()!}${end}`);
  await r.device.write(`${r.s.presentCompact()} \r\n`);
  await r.device.write(`]Q1${r.s.presentCompact()}\r\n`);
  await until(() => r.scans.length === 5, 5000, 'five scans');
  t.same(verdicts(r), ['VALID', 'VALID', 'VALID', 'MALFORMED', 'VALID'], 'the fourth had a space after it: kept, so MALFORMED');
  t.match(r.scans[3]!.result.reason, /base45|CBOR|bytes/, 'refused by the decoder, not by the prefix');
});
