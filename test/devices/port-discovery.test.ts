/**
 * Serial port discovery from sysfs (no udevadm needed), on a tree laid out as Linux lays
 * out /sys for a USB-CDC scanner, a CH340 relay and the legacy 8250 ports; and no crash
 * where neither sysfs nor udevadm is there.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import t from 'tap';
import { findSerialPort, listSerialPorts, onPath } from '../../src/devices/port-discovery.js';

function sysfsTree(): string {
  const root = mkdtempSync(join(tmpdir(), 'mleg-sysfs-'));
  const ttyClass = join(root, 'class', 'tty');
  mkdirSync(ttyClass, { recursive: true });
  const usbDevice = (bus: string, files: Record<string, string>) => {
    const dir = join(root, 'devices', 'pci0000:00', '0000:00:14.0', 'usb1', bus);
    mkdirSync(dir, { recursive: true });
    for (const [f, v] of Object.entries(files)) writeFileSync(join(dir, f), `${v}\n`);
    return dir;
  };
  const tty = (name: string, deviceDir: string, extra: Record<string, string> = {}) => {
    const classDir = join(deviceDir, 'tty', name);
    mkdirSync(classDir, { recursive: true });
    for (const [f, v] of Object.entries(extra)) writeFileSync(join(classDir, f), `${v}\n`);
    symlinkSync(relative(classDir, deviceDir), join(classDir, 'device'));
    symlinkSync(relative(ttyClass, classDir), join(ttyClass, name));
  };
  const scanner = usbDevice('1-2', { idVendor: '0C2E', idProduct: '0b61', manufacturer: 'Honeywell', product: 'Xenon', serial: '21012B' });
  const scannerIf = join(scanner, '1-2:1.0');
  mkdirSync(scannerIf, { recursive: true });
  tty('ttyACM0', scannerIf);
  const relay = usbDevice('1-3', { idVendor: '1a86', idProduct: '7523', product: 'USB Serial' });
  const relayPort = join(relay, '1-3:1.0', 'ttyUSB0');
  mkdirSync(relayPort, { recursive: true });
  tty('ttyUSB0', relayPort);
  const platform = join(root, 'devices', 'platform', 'serial8250');
  mkdirSync(platform, { recursive: true });
  tty('ttyS0', platform, { type: '4' });
  tty('ttyS1', platform, { type: '0' });
  mkdirSync(join(root, 'devices', 'virtual', 'tty', 'tty0'), { recursive: true });
  symlinkSync(relative(ttyClass, join(root, 'devices', 'virtual', 'tty', 'tty0')), join(ttyClass, 'tty0'));
  return root;
}

t.test('ports from sysfs, with the USB IDs of the device above them', async (t) => {
  const root = sysfsTree();
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const { ports, note } = await listSerialPorts({ sysfs: root, platform: 'linux' });
  t.equal(note, undefined);
  t.same(ports, [
    { path: '/dev/ttyACM0', vendorId: '0c2e', productId: '0b61', manufacturer: 'Honeywell', product: 'Xenon', serialNumber: '21012B' },
    { path: '/dev/ttyS0' },
    { path: '/dev/ttyUSB0', vendorId: '1a86', productId: '7523', manufacturer: undefined, product: 'USB Serial', serialNumber: undefined },
  ]);
  t.match(await findSerialPort('1a86', '7523', { sysfs: root, platform: 'linux' }), { path: '/dev/ttyUSB0' });
  t.match(await findSerialPort('0c2e', undefined, { sysfs: root, platform: 'linux' }), { path: '/dev/ttyACM0' });
  t.equal(await findSerialPort('05e0', undefined, { sysfs: root, platform: 'linux' }), undefined);
});

t.test('no sysfs and no udevadm: an empty list and a reason, never a crash', async (t) => {
  const path = process.env.PATH;
  process.env.PATH = '/nonexistent';
  t.teardown(() => {
    process.env.PATH = path;
  });
  t.notOk(onPath('udevadm'));
  const { ports, note } = await listSerialPorts({ sysfs: '/nonexistent/sys', platform: 'linux' });
  t.same(ports, []);
  t.match(note, /neither .* nor udevadm/);
});

t.test('this machine', async (t) => {
  const { ports } = await listSerialPorts();
  t.ok(Array.isArray(ports), 'listing the real machine works whatever is attached');
});
