/**
 * Gate relays: the serial relay over a real pty (the bytes a CH340 relay module would
 * receive), the HID relay's feature reports, pulses, unplugging and reconnecting.
 */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { createRelay } from '../../src/act/relay.js';
import type { OutputConfig } from '../../src/config/config.js';
import { hex } from '../../src/devices/byte-sequence.js';
import { resolveTerminalPlan, type RelayPlan } from '../../src/devices/terminal-plan.js';
import { hidInfo, RecordedHid } from '../helpers/hid.js';
import { captureLog } from '../helpers/log.js';
import { PtyPair } from '../helpers/pty.js';
import { until } from '../helpers/until.js';

/** One output's plan, resolved as the service resolves it. */
const relayPlan = (output: OutputConfig): RelayPlan => resolveTerminalPlan({ scanners: [], outputs: [output], lanes: [] }, 'test').relays[0]!;

const ON = 'A0 01 01 A2';
const OFF = 'A0 01 00 A1';

/**
 * The relay opens `cable`, a symlink to the pty, so the test decides when a board plugged
 * back becomes reachable: only after its own end is open (opening a serial port flushes
 * what arrived before, which would swallow the relay's first command).
 */
async function serialRig(t: Test) {
  const dir = mkdtempSync(join(tmpdir(), 'mleg-relay-'));
  const pty = await PtyPair.open(dir, 'relay');
  const cable = join(dir, 'cable');
  symlinkSync(pty.path, cable);
  let device = await pty.device();
  const { log, lines } = captureLog();
  const relay = createRelay(relayPlan({ id: 'turnstile', type: 'serial-relay', path: cable, relay: 1 }), { log, minDelayMs: 20, maxDelayMs: 100 });
  relay.start();
  t.teardown(async () => {
    await relay.stop();
    await device.close();
    await pty.kill();
    rmSync(dir, { recursive: true, force: true });
  });
  await until(() => relay.status.state === 'connected', 5000, 'the relay to connect');
  return {
    relay,
    lines,
    get device() {
      return device;
    },
    /** Unplugs the board: both pty ends vanish. */
    async unplug() {
      await device.close();
      await pty.kill();
      rmSync(cable);
    },
    /** Plugs it back: the test's end is open before the relay can reach it. */
    async plugBack() {
      await pty.start();
      device = await pty.device();
      symlinkSync(pty.path, cable);
      return device;
    },
  };
}

t.test('serial relay: shut on connect, on at the pulse, off after openMs', async (t) => {
  const r = await serialRig(t);
  await until(() => r.device.hex === OFF, 2000, 'the relay switched off on connect');
  const started = performance.now();
  r.relay.pulse(200);
  await until(() => r.device.hex === `${OFF} ${ON}`, 2000, 'the on command');
  const onAt = r.device.chunks.at(-1)![0];
  t.ok(onAt - started < 100, `on within 100 ms (${Math.round(onAt - started)} ms)`);
  await until(() => r.device.hex === `${OFF} ${ON} ${OFF}`, 2000, 'the off command');
  const offAt = r.device.chunks.at(-1)![0];
  t.ok(offAt - onAt >= 180, `off after the pulse (${Math.round(offAt - onAt)} ms)`);
});

t.test('serial relay: a second pulse while open extends it', async (t) => {
  const r = await serialRig(t);
  await until(() => r.device.hex === OFF);
  r.relay.pulse(150);
  await new Promise((res) => setTimeout(res, 100));
  r.relay.pulse(150);
  await new Promise((res) => setTimeout(res, 100));
  t.equal(r.device.hex, `${OFF} ${ON} ${ON}`, 'still open 200 ms after the first pulse');
  await until(() => r.device.hex.endsWith(OFF) && r.device.hex.length > OFF.length * 3, 2000, 'off');
});

t.test('serial relay unplugged: reported, a pulse does not throw, plugged back it is driven to the wanted state', async (t) => {
  const r = await serialRig(t);
  await until(() => r.device.hex === OFF);
  await r.unplug();
  await until(() => r.relay.status.state === 'disconnected', 5000, 'disconnected');
  t.doesNotThrow(() => r.relay.pulse(3000));
  t.ok(r.lines.some((l) => l.msg === 'relay not connected: the gate stays shut until it is back' && l.output === 'turnstile'));
  const device = await r.plugBack();
  await until(() => r.relay.status.state === 'connected', 5000, 'reconnected');
  await until(() => device.hex === ON, 2000, 'the pulse still running when it came back: on');
});

t.test('stopping switches the relay off', async (t) => {
  const r = await serialRig(t);
  await until(() => r.device.hex === OFF);
  r.relay.pulse(10000);
  await until(() => r.device.hex === `${OFF} ${ON}`);
  await r.relay.stop();
  await until(() => r.device.hex === `${OFF} ${ON} ${OFF}`, 2000, 'off at stop');
});

t.test('HID relay (dcttech): feature reports on and off; a failed command reopens the board', async (t) => {
  const hid = new RecordedHid();
  hid.attached = [
    hidInfo({ path: '/dev/hidraw1', vendorId: 0x16c0, productId: 0x05df, product: 'some V-USB gadget', usagePage: 0xff00 }),
    hidInfo({ path: '/dev/hidraw3', vendorId: 0x16c0, productId: 0x05df, product: 'USBRelay2', usagePage: 0xff00 }),
  ];
  const { log, lines } = captureLog();
  const config: OutputConfig = { id: 'door', type: 'hid-relay', vendorId: '16c0', productId: '05df', relay: 2 };
  const relay = createRelay(relayPlan(config), { log, minDelayMs: 20, maxDelayMs: 50 }, { hid: async () => hid });
  relay.start();
  t.teardown(() => relay.stop());
  await until(() => relay.status.state === 'connected', 2000, 'connected');
  t.equal(relay.status.detail, '/dev/hidraw3', 'the board named USBRelayN, not the other V-USB device');
  const board = hid.last!;
  relay.pulse(100);
  await until(() => board.features.length === 3, 2000, 'off, on, off');
  t.same(board.features.map(hex), ['00 FD 02 00 00 00 00 00 00', '00 FF 02 00 00 00 00 00 00', '00 FD 02 00 00 00 00 00 00']);
  board.failWrites = true;
  relay.pulse(100);
  await until(() => relay.status.state === 'disconnected', 2000, 'the failure is reported');
  t.ok(lines.some((l) => l.msg === 'relay command failed; reopening the relay' && l.output === 'door'));
  await until(() => relay.status.state === 'connected' && hid.last !== board, 2000, 'reopened');
});
