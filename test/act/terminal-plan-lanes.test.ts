/**
 * Plan and lane logic without ptys: the terminal built from a resolved plan, its serial
 * scanner and relay on an injected binding (@serialport/binding-mock, as serialport's own
 * tests do). The pty tests (lane-e2e, relay, serial-scanner) cover the real binding.
 */
import { MockBinding, type MockPortBinding } from '@serialport/binding-mock';
import t from 'tap';
import { Terminal } from '../../src/act/terminal.js';
import { loadConfig } from '../../src/config/config.js';
import { hex } from '../../src/devices/byte-sequence.js';
import type { BindingInterface } from '../../src/devices/serial-port.js';
import { resolveTerminalPlan } from '../../src/devices/terminal-plan.js';
import { EventBus, type ScanEvent } from '../../src/events/event-bus.js';
import { Verifier } from '../../src/verifier.js';
import { captureLog } from '../helpers/log.js';
import { until } from '../helpers/until.js';
import { createSite } from '../helpers/site.js';
import { IDX, STATUS_URI } from '../helpers/world.js';

/** The mock binding, remembering each port it opened so the test can play the device. */
function mockBinding(): { binding: BindingInterface; opened: Map<string, MockPortBinding> } {
  const opened = new Map<string, MockPortBinding>();
  const binding = {
    list: () => MockBinding.list(),
    async open(options: Parameters<typeof MockBinding.open>[0]) {
      const port = await MockBinding.open(options);
      opened.set(options.path, port);
      return port;
    },
  } as unknown as BindingInterface;
  return { binding, opened };
}

t.test('a scan on the gate scanner opens the lane\'s relay for openMs and beeps good; a revoked ID beeps bad and opens nothing', async (t) => {
  MockBinding.reset();
  MockBinding.createPort('/dev/gate', { record: true });
  MockBinding.createPort('/dev/turnstile', { record: true });
  const { binding, opened } = mockBinding();
  const site = createSite();
  t.teardown(() => site.remove());
  const config = loadConfig(site.configFile);
  const { log } = captureLog('warn');
  const verifier = new Verifier(config, log);
  verifier.start();
  t.teardown(() => verifier.close());
  const plan = resolveTerminalPlan(
    {
      scanners: [{ id: 'gate-1', type: 'serial', path: '/dev/gate', profile: 'honeywell', debounceMs: 0, layout: 'us', feedback: true }],
      outputs: [{ id: 'turnstile', type: 'serial-relay', path: '/dev/turnstile', relay: 1 }],
      lanes: [{ id: 'entry', scanners: ['gate-1'], outputs: ['turnstile'], openMs: 200 }],
    },
    'test',
  );
  t.equal(plan.scanners[0]!.serial.baudRate, 115200, 'the profile\'s settings…');
  const bus = new EventBus();
  const scans: ScanEvent[] = [];
  bus.subscribe((e) => e.type === 'scan' && scans.push(e.data));
  const terminal = new Terminal({ plan, verifier, bus, log, serial: binding, minDelayMs: 10, maxDelayMs: 20 });
  terminal.start();
  t.teardown(() => terminal.stop());
  await until(() => terminal.status().every((s) => s.state === 'connected'), 2000, 'the scanner to open');
  await until(() => opened.get('/dev/turnstile')?.recording.length === 4, 2000, 'the relay shut on connect');
  const gate = opened.get('/dev/gate')!;
  const relay = opened.get('/dev/turnstile')!;
  t.equal(gate.openOptions.baudRate, 115200, '…are what the port is opened with');

  gate.emitData(`${site.present()}\r\n`);
  await until(() => scans.length === 1, 2000, 'the VALID scan');
  t.match(scans[0], { scanner: 'gate-1', lane: 'entry', result: { verdict: 'VALID' } });
  t.equal(hex(relay.recording), 'A0 01 00 A1 A0 01 01 A2', 'the relay on');
  await until(() => gate.recording.length === 2, 1000, 'good-read feedback');
  t.equal(hex(gate.recording), '1B 37');
  await until(() => relay.recording.length === 12, 2000, 'the relay off after openMs');

  gate.emitData(`${site.present(site.credential({ status: { uri: STATUS_URI, idx: IDX.revoked } }))}\r\n`);
  await until(() => scans.length === 2, 2000, 'the REVOKED scan');
  t.equal(scans[1]!.result.verdict, 'REVOKED');
  await until(() => gate.recording.length === 4, 1000, 'bad-read feedback');
  t.equal(hex(gate.recording.subarray(2)), '1B 38');
  t.equal(relay.recording.length, 12, 'no relay command for a REVOKED');

  await terminal.stop();
  t.equal(hex(relay.recording.subarray(-4)), 'A0 01 00 A1', 'off at stop');
});
