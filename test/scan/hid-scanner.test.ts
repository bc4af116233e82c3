/**
 * The HID scanner shells in a running service: report bytes in, verdicts out, through the
 * same parsers the unit tests check; device choice by usage page; unplug and reconnect.
 */
import t, { type Test } from 'tap';
import { Terminal } from '../../src/act/terminal.js';
import type { ScannerConfig } from '../../src/config/config.js';
import { resolveTerminalPlan } from '../../src/devices/terminal-plan.js';
import type { ScanEvent } from '../../src/events/event-bus.js';
import { bytes, KEYBOARD_TYPED } from '../fixtures/hid-reports.js';
import { hidInfo, hidPosReports, RecordedHid } from '../helpers/hid.js';
import { until } from '../helpers/until.js';
import { startService } from '../helpers/service.js';

async function rig(t: Test, scanner: Partial<ScannerConfig>, hid: RecordedHid) {
  const s = await startService();
  const config = { id: 'till', type: 'hid-pos', debounceMs: 2000, layout: 'us', feedback: true, ...scanner } as ScannerConfig;
  const terminal = new Terminal({ plan: resolveTerminalPlan({ scanners: [config], outputs: [], lanes: [] }, 'test'), verifier: s.verifier, bus: s.bus, log: s.log, hid: async () => hid, minDelayMs: 20, maxDelayMs: 50 });
  const scans: ScanEvent[] = [];
  s.bus.subscribe((e) => e.type === 'scan' && scans.push(e.data));
  terminal.start();
  t.teardown(async () => {
    await terminal.stop();
    await s.close();
  });
  return { s, terminal, scans };
}

t.test('HID POS: the interface with usage page 0x8C is chosen; a code over several reports is verified', async (t) => {
  const hid = new RecordedHid();
  hid.attached = [
    hidInfo({ path: '/dev/hidraw4', usagePage: 0x01, usage: 0x06 }),
    hidInfo({ path: '/dev/hidraw5', usagePage: 0xff00, usage: 0x01 }),
    hidInfo({ path: '/dev/hidraw6' }),
  ];
  const { s, terminal, scans } = await rig(t, { vendorId: '0c2e' }, hid);
  await until(() => terminal.status()[0]!.state === 'connected', 2000, 'connected');
  t.equal(terminal.status()[0]!.detail, '/dev/hidraw6');
  const payload = s.present();
  const reports = hidPosReports(payload);
  t.ok(reports.length > 5, `the payload takes ${reports.length} reports`);
  for (const r of reports) hid.last!.report(r);
  await until(() => scans.length === 1, 2000, 'the scan');
  t.equal(scans[0]!.result.verdict, 'VALID');
  t.equal(scans[0]!.scanner, 'till');
});

t.test('HID POS: unplugged, reported, reopened, scanning again', async (t) => {
  const hid = new RecordedHid();
  hid.attached = [hidInfo({ path: '/dev/hidraw6' })];
  const { s, terminal, scans } = await rig(t, { vendorId: '0c2e', productId: '0b87' }, hid);
  await until(() => terminal.status()[0]!.state === 'connected', 2000, 'connected');
  const first = hid.last!;
  first.report(hidPosReports(s.present())[0]!); // half a code
  hid.attached = [];
  first.unplug();
  await until(() => terminal.status()[0]!.state === 'disconnected', 2000, 'disconnected');
  t.match(terminal.status()[0]!.detail, /went away/);
  t.ok(first.closed, 'the dead handle was closed');
  hid.attached = [hidInfo({ path: '/dev/hidraw7' })];
  await until(() => terminal.status()[0]!.state === 'connected', 2000, 'reconnected');
  for (const r of hidPosReports(s.present())) hid.last!.report(r);
  await until(() => scans.length === 1, 2000, 'the scan');
  t.equal(scans[0]!.result.verdict, 'VALID', 'the half code from before the unplug was forgotten');
});

t.test('keyboard wedge: boot reports typed out by the layout, ended by Enter', async (t) => {
  const hid = new RecordedHid();
  hid.attached = [hidInfo({ path: '/dev/hidraw2', vendorId: 0x05f9, productId: 0x2206, usagePage: 0x01, usage: 0x06 })];
  const { terminal, scans } = await rig(t, { type: 'hid-keyboard', path: '/dev/hidraw2', layout: 'pl' }, hid);
  await until(() => terminal.status()[0]!.state === 'connected', 2000, 'connected');
  for (const r of KEYBOARD_TYPED) hid.last!.report(bytes(r));
  await until(() => scans.length === 1, 2000, 'the scan');
  t.equal(scans[0]!.result.verdict, 'MALFORMED', '"MLEG1:aZ-_~.9" is no credential, but it was typed out and verified');
  t.match(scans[0]!.result.reason, /.+/);
});

t.test('keyboard wedge: a real presentation typed key by key', async (t) => {
  const hid = new RecordedHid();
  hid.attached = [hidInfo({ path: '/dev/hidraw2', usagePage: 0x01, usage: 0x06 })];
  const { s, terminal, scans } = await rig(t, { type: 'hid-keyboard', path: '/dev/hidraw2' }, hid);
  await until(() => terminal.status()[0]!.state === 'connected', 2000, 'connected');
  const { loadLayout } = await import('../../src/devices/keyboard-layout.js');
  const us = loadLayout('us');
  const keyOf = new Map<string, [number, number]>();
  for (const [code, [plain, shifted]] of us.keys) {
    if (!keyOf.has(plain)) keyOf.set(plain, [0, code]);
    if (!keyOf.has(shifted)) keyOf.set(shifted, [0x02, code]);
  }
  for (const c of `${s.present()}\r`) {
    const [mod, code] = keyOf.get(c)!;
    hid.last!.report(Buffer.from([mod, 0, code, 0, 0, 0, 0, 0]));
    hid.last!.report(Buffer.alloc(8));
  }
  await until(() => scans.length === 1, 2000, 'the scan');
  t.equal(scans[0]!.result.verdict, 'VALID');
});

t.test('MLEG2 through both HID shells: keyboard wedge in each layout, and HID POS; a final space arrives', async (t) => {
  const { loadLayout, layoutNames } = await import('../../src/devices/keyboard-layout.js');
  for (const layout of layoutNames()) {
    const hid = new RecordedHid();
    hid.attached = [hidInfo({ path: '/dev/hidraw2', usagePage: 0x01, usage: 0x06 })];
    const { s, terminal, scans } = await rig(t, { type: 'hid-keyboard', path: '/dev/hidraw2', layout, debounceMs: 0 }, hid);
    await until(() => terminal.status()[0]!.state === 'connected', 2000, 'connected');
    const keyOf = new Map<string, [number, number]>();
    for (const [code, [plain, shifted]] of loadLayout(layout).keys) {
      if (!keyOf.has(plain)) keyOf.set(plain, [0, code]);
      if (!keyOf.has(shifted)) keyOf.set(shifted, [0x02, code]);
    }
    const type = (text: string) => {
      for (const c of text) {
        const [mod, code] = keyOf.get(c)!;
        hid.last!.report(Buffer.from([mod, 0, code, 0, 0, 0, 0, 0]));
        hid.last!.report(Buffer.alloc(8));
      }
    };
    const payload = s.presentCompact();
    t.match(payload, / /, 'the payload has spaces');
    type(`${payload}\r`);
    await until(() => scans.length === 1, 5000, 'the scan');
    t.equal(scans[0]!.result.verdict, 'VALID', `${layout}: an MLEG2 payload typed key by key`);
    // The same kind of payload with a space typed after it: were the space dropped it would be VALID.
    type(`${s.presentCompact()} \r`);
    await until(() => scans.length === 2, 5000, 'the second scan');
    t.equal(scans[1]!.result.verdict, 'MALFORMED', `${layout}: the final space reached the verifier`);
  }
  const hid = new RecordedHid();
  hid.attached = [hidInfo({ path: '/dev/hidraw6' })];
  const { s, terminal, scans } = await rig(t, { vendorId: '0c2e', debounceMs: 0 }, hid);
  await until(() => terminal.status()[0]!.state === 'connected', 2000, 'connected');
  for (const r of hidPosReports(s.presentCompact())) hid.last!.report(r);
  for (const r of hidPosReports(`${s.presentCompact()} `)) hid.last!.report(r);
  await until(() => scans.length === 2, 5000, 'the HID POS scans');
  t.same(scans.map((x) => x.result.verdict), ['VALID', 'MALFORMED'], 'HID POS: VALID, and the final space kept');
});
