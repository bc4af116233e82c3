/**
 * node-hid, loaded only when a HID scanner or relay is configured (or `mleg devices`
 * asks). Its prebuilt addon links libusb-1.0 and fails to load without it; then the
 * service still runs, and every HID device reports this error, which says what to install.
 */
import type { Device, HIDAsync } from 'node-hid';
import { MlegError } from '../errors.js';

export type HidDeviceInfo = Device;
export type HidHandle = HIDAsync;

export interface HidModule {
  devices(): Promise<HidDeviceInfo[]>;
  open(path: string): Promise<HidHandle>;
}

export class HidUnavailableError extends MlegError {
  override name = 'HidUnavailableError';
  constructor(message: string) {
    super('HID_UNAVAILABLE', message);
  }
}

let loading: Promise<HidModule> | undefined;

/** node-hid, or HidUnavailableError. The outcome is remembered: a failed load is not retried. */
export function loadHid(): Promise<HidModule> {
  loading ??= (async () => {
    let hid: typeof import('node-hid');
    try {
      hid = await import('node-hid');
      // The addon itself loads on first use: list once to know now.
      await hid.devicesAsync();
    } catch (err) {
      throw hidUnavailable(err as Error);
    }
    return {
      devices: () => hid.devicesAsync(),
      open: (path: string) => hid.HIDAsync.open(path, { nonExclusive: true }),
    };
  })();
  return loading;
}

/** Turns a load failure into a message a station technician can act on. */
export function hidUnavailable(err: Error): HidUnavailableError {
  const message = err.message;
  if (/libusb-1\.0/.test(message)) {
    return new HidUnavailableError(
      `USB HID support needs the libusb-1.0 library, which is not installed: install the package libusb-1.0-0 (Debian/Ubuntu: apt-get install libusb-1.0-0) and restart mleg (${message})`,
    );
  }
  if (/libudev/.test(message)) {
    return new HidUnavailableError(`USB HID support needs libudev: install the package libudev1 and restart mleg (${message})`);
  }
  if (/Cannot find (?:module|package) 'node-hid'/.test(message)) {
    return new HidUnavailableError(`USB HID support needs the npm package node-hid: reinstall mleg with its dependencies (${message})`);
  }
  return new HidUnavailableError(`USB HID support (node-hid) could not be loaded: ${message}`);
}

/** The devices' numeric USB IDs as profiles and configs write them: "0c2e". */
export function usbId(n: number): string {
  return n.toString(16).padStart(4, '0');
}
