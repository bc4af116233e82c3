/**
 * A source of HID devices for the HID shells (scanners and relays) where no USB device can
 * be attached: devices are EventEmitters that the test makes emit report bytes (as node-hid's
 * HIDAsync emits 'data'), and that record what the shell writes to them. The code under
 * test — device choice, report parsing, reconnects, relay commands — is the product's own.
 */
import { EventEmitter } from 'node:events';
import type { HidDeviceInfo, HidHandle, HidModule } from '../../src/devices/hid-loader.js';

export class RecordedHidDevice extends EventEmitter {
  readonly written: Buffer[] = [];
  readonly features: Buffer[] = [];
  closed = false;
  failWrites = false;

  constructor(readonly info: HidDeviceInfo) {
    super();
  }

  async write(values: number[] | Buffer): Promise<number> {
    if (this.failWrites) throw new Error('could not write to the device');
    this.written.push(Buffer.from(values));
    return values.length;
  }

  async sendFeatureReport(data: number[] | Buffer): Promise<number> {
    if (this.failWrites) throw new Error('could not send a feature report');
    this.features.push(Buffer.from(data));
    return data.length;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** The device sends one input report. */
  report(bytes: Buffer): void {
    this.emit('data', bytes);
  }

  /** The device is unplugged: node-hid emits 'error'. */
  unplug(): void {
    this.emit('error', new Error('could not read from HID device'));
  }
}

export class RecordedHid implements HidModule {
  /** Attached devices; `opened` has every device handed out, newest last. */
  attached: HidDeviceInfo[] = [];
  readonly opened: RecordedHidDevice[] = [];

  async devices(): Promise<HidDeviceInfo[]> {
    return this.attached;
  }

  async open(path: string): Promise<HidHandle> {
    const info = this.attached.find((d) => d.path === path);
    if (info === undefined) throw new Error('could not open device');
    const device = new RecordedHidDevice(info);
    this.opened.push(device);
    return device as unknown as HidHandle;
  }

  get last(): RecordedHidDevice | undefined {
    return this.opened.at(-1);
  }
}

export const hidInfo = (o: Partial<HidDeviceInfo> & { path: string }): HidDeviceInfo => ({
  vendorId: 0x0c2e,
  productId: 0x0b87,
  release: 1,
  interface: 0,
  usagePage: 0x8c,
  usage: 0x02,
  ...o,
});

/** A code as a HID POS scanner sends it: 56-byte chunks in 64-byte reports, continuation bit on all but the last. */
export function hidPosReports(text: string, aim = ']Q1'): Buffer[] {
  const data = Buffer.from(text, 'latin1');
  const reports: Buffer[] = [];
  for (let i = 0; i < data.length; i += 56) {
    const chunk = data.subarray(i, i + 56);
    const r = Buffer.alloc(64);
    r[0] = 0x02;
    r[1] = chunk.length;
    r.write(aim, 2, 'latin1');
    chunk.copy(r, 5);
    r[63] = i + 56 < data.length ? 1 : 0;
    reports.push(r);
  }
  return reports;
}
