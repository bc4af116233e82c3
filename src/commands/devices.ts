/**
 * `mleg devices`: the attached serial ports and USB HID devices, the profile each matches,
 * and a config snippet to use it. Works with no devices, no udevadm and no libusb: it
 * then says what it could not see and why.
 */
import { loadHid, usbId, type HidDeviceInfo } from '../devices/hid-loader.js';
import { HID_POS_USAGE_PAGE } from '../devices/hid-device.js';
import { loadProfiles, matchProfiles, type InterfaceKind, type ProfileMatch } from '../devices/device-profiles.js';
import { listSerialPorts, type Discovery } from '../devices/port-discovery.js';
import { parseCommand } from './usage.js';

export type HidListing = { devices: HidDeviceInfo[] } | { error: string };

export async function devicesCommand(args: string[]): Promise<number> {
  const { values } = parseCommand(args, { profiles: { type: 'boolean' } });
  if (values.profiles) {
    process.stdout.write(describeProfiles());
    return 0;
  }
  const serial = await listSerialPorts();
  let hid: HidListing;
  try {
    hid = { devices: await (await loadHid()).devices() };
  } catch (err) {
    hid = { error: (err as Error).message };
  }
  process.stdout.write(describeDevices(serial, hid));
  return 0;
}

const SERIAL_KINDS: InterfaceKind[] = ['serial', 'serial-relay', 'unsupported'];
const HID_KINDS: InterfaceKind[] = ['hid-pos', 'hid-keyboard', 'hid-relay', 'unsupported'];

/** The listing as text (pure: the tests feed it devices). */
export function describeDevices(serial: Discovery, hid: HidListing): string {
  const out: string[] = ['Serial ports'];
  if (serial.ports.length === 0) out.push('  none found');
  let n = 0;
  for (const port of serial.ports) {
    const usb = port.vendorId === undefined ? 'no USB id' : `${port.vendorId}:${port.productId}`;
    const name = [port.manufacturer, port.product].filter(Boolean).join(' ');
    out.push(`  ${port.path}  ${usb}${name === '' ? '' : `  ${name}`}`);
    const match = port.vendorId === undefined ? undefined : matchProfiles({ vendorId: port.vendorId, productId: port.productId ?? '' }, SERIAL_KINDS)[0];
    out.push(...describeMatch(match, ++n, { path: port.path, vendorId: port.vendorId, productId: port.productId }, 'serial'));
  }
  if (serial.note !== undefined) out.push(`  (${serial.note})`);

  out.push('', 'USB HID devices');
  if ('error' in hid) out.push(`  not available: ${hid.error}`);
  else {
    if (hid.devices.length === 0) out.push('  none found');
    for (const d of hid.devices) {
      const vendorId = usbId(d.vendorId);
      const productId = usbId(d.productId);
      const usage = d.usagePage ? `  usage page ${d.usagePage.toString(16).padStart(4, '0')} usage ${(d.usage ?? 0).toString(16)}` : '';
      const name = [d.manufacturer, d.product].filter(Boolean).join(' ');
      out.push(`  ${d.path ?? '(no path)'}  ${vendorId}:${productId}${name === '' ? '' : `  ${name}`}${usage}`);
      const kinds = HID_KINDS.filter((k) => k !== 'hid-pos' || !d.usagePage || d.usagePage === HID_POS_USAGE_PAGE);
      const match = matchProfiles({ vendorId, productId, product: d.product }, kinds)[0];
      const generic = d.usagePage === HID_POS_USAGE_PAGE ? 'hid-pos' : undefined;
      out.push(...describeMatch(match, ++n, { path: d.path, vendorId, productId }, generic));
    }
  }
  out.push(
    '',
    'Paste a snippet into the config file (several scanners share one "scanners" array; relays go into "outputs"), tie scanners to relays',
    'in "lanes", and try it with: mleg scan --config FILE. Known models: mleg devices --profiles.',
    '',
  );
  return out.join('\n');
}

function describeMatch(
  match: ProfileMatch | undefined,
  n: number,
  device: { path?: string | undefined; vendorId?: string | undefined; productId?: string | undefined },
  generic: 'serial' | 'hid-pos' | undefined,
): string[] {
  const lines: string[] = [];
  if (match?.iface.interface === 'unsupported') return [`    ${match.profile.vendor} ${match.profile.model}: not supported: ${match.iface.note}`];
  const kind = match?.iface.interface ?? generic;
  if (kind === undefined) return ['    no known profile'];
  if (match !== undefined) {
    const s = match.iface.serial;
    const settings = s === undefined ? '' : `, ${s.baudRate} ${s.dataBits}${s.parity[0]!.toUpperCase()}${s.stopBits}`;
    lines.push(`    profile ${match.profile.id}: ${match.profile.vendor} ${match.profile.model} (${kind}${settings})${match.iface.note === '' ? '' : `; ${match.iface.note}`}`);
  } else lines.push(`    no known profile; usable as a generic ${kind} scanner`);
  const relay = kind === 'serial-relay' || kind === 'hid-relay';
  const snippet: Record<string, unknown> = { id: `${relay ? 'relay' : 'scanner'}-${n}`, type: kind };
  // USB IDs survive re-plugging into another port; a path is for two identical devices.
  if (device.vendorId !== undefined) {
    snippet.vendorId = device.vendorId;
    snippet.productId = device.productId;
  } else snippet.path = device.path;
  if (match !== undefined) snippet.profile = match.profile.id;
  if (relay) snippet.relay = 1;
  lines.push(`    ${relay ? '"outputs"' : '"scanners"'}: [${JSON.stringify(snippet).replace(/,"/g, ', "').replace(/":/g, '": ')}]`);
  return lines;
}

export function describeProfiles(): string {
  const out = ['Known device profiles (devices/*.json)'];
  for (const p of loadProfiles()) {
    out.push(`  ${p.id}: ${p.vendor} ${p.model}`);
    for (const i of p.interfaces) out.push(`    ${p.vendorId}:${i.productId}  ${i.interface}${i.note === '' ? '' : `  ${i.note}`}`);
  }
  return `${out.join('\n')}\n`;
}
