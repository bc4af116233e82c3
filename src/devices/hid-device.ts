/**
 * Finding and opening a USB HID device (scanner or relay board) through node-hid: by path
 * (/dev/hidraw2), or by USB IDs, choosing the interface by usage page when the device
 * exposes several (a HID POS scanner often has a keyboard interface too).
 */
import { MlegError } from '../errors.js';
import { usbId, type HidDeviceInfo, type HidHandle, type HidModule } from './hid-loader.js';
import type { DeviceTarget } from './device-target.js';

/** The HID POS scanner interface (USB HID Point of Sale usage tables): usage page 0x8C, usage 0x02. */
export const HID_POS_USAGE_PAGE = 0x8c;
export const HID_POS_USAGE_SCANNER = 0x02;

/** Usage page and usage of the interface each kind reads. */
export const HID_USAGE = {
  'hid-pos': { usagePage: HID_POS_USAGE_PAGE, usage: HID_POS_USAGE_SCANNER },
  'hid-keyboard': { usagePage: 0x01, usage: 0x06 },
  'hid-relay': undefined,
} as const;


/** Picks the device's interface: matching IDs, and the wanted usage page when interfaces tell theirs. */
export function chooseHidDevice(devices: HidDeviceInfo[], target: DeviceTarget, kind: keyof typeof HID_USAGE): HidDeviceInfo | undefined {
  const candidates = devices.filter(
    (d) =>
      d.path !== undefined &&
      usbId(d.vendorId) === target.vendorId &&
      (target.productId === undefined || usbId(d.productId) === target.productId) &&
      (target.productName === undefined || target.productName.test(d.product ?? '')),
  );
  const usage = HID_USAGE[kind];
  if (usage === undefined) return candidates[0];
  return (
    candidates.find((d) => d.usagePage === usage.usagePage && d.usage === usage.usage) ??
    candidates.find((d) => d.usagePage === usage.usagePage) ??
    // Backends that cannot tell usage pages report 0 or nothing: then the first interface.
    candidates.find((d) => !d.usagePage)
  );
}

/** Opens a HID device by path or USB IDs (shared by scanners and relays). */
export async function openHidDevice(hid: () => Promise<HidModule>, target: DeviceTarget, kind: keyof typeof HID_USAGE): Promise<{ handle: HidHandle; where: string }> {
  const module = await hid();
  let path = target.path;
  if (path === undefined) {
    const chosen = chooseHidDevice(await module.devices(), target, kind);
    if (chosen === undefined) throw new MlegError('DEVICE_NOT_FOUND', `no USB HID device ${target.vendorId}${target.productId === undefined ? '' : `:${target.productId}`} with a ${kind} interface is attached`);
    path = chosen.path!;
  }
  try {
    return { handle: await module.open(path), where: path };
  } catch (err) {
    throw new MlegError('DEVICE_FAILED', `cannot open ${path}: ${(err as Error).message}`);
  }
}
