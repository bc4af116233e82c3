/**
 * USB HID scanners through node-hid (loaded lazily): HID POS (usage page 0x8C) reports
 * reassembled by HidPosAssembler, and keyboard wedges whose boot reports are typed out by
 * HidKeyboardDecoder and framed like serial text. The device is found as hid-device.ts
 * says, and reopened with backoff after an unplug.
 */
import { performance } from 'node:perf_hooks';
import { hex } from '../devices/byte-sequence.js';
import { DeviceLink } from '../devices/device-link.js';
import { openHidDevice } from '../devices/hid-device.js';
import { HidKeyboardDecoder } from './hid-keyboard-report.js';
import { loadHid, type HidHandle, type HidModule } from '../devices/hid-loader.js';
import type { ScannerPlan } from '../devices/terminal-plan.js';
import { HidPosAssembler } from './hid-pos-report.js';
import { FramedInput, type ScannerHooks, type ScannerInput } from './scanner.js';

export class HidScanner extends DeviceLink<HidHandle> implements ScannerInput {
  readonly id: string;
  readonly type: 'hid-pos' | 'hid-keyboard';
  readonly #plan: ScannerPlan;
  readonly #hid: () => Promise<HidModule>;
  readonly #onReport: (report: Buffer) => void;
  readonly #reset: () => void;

  /** `hid` is how node-hid is reached: loadHid, unless a caller supplies another source of reports. */
  constructor(plan: ScannerPlan, hooks: ScannerHooks, hid: () => Promise<HidModule> = loadHid) {
    super(hooks);
    const type = plan.type;
    if (type === 'serial') throw new TypeError('HidScanner reads HID scanners only');
    this.id = plan.id;
    this.type = type;
    this.#plan = plan;
    this.#hid = hid;
    const log = hooks.log.child({ scanner: this.id });
    if (type === 'hid-pos') {
      const assembler = new HidPosAssembler({
        onScan: (scan) => hooks.onScan({ text: scan.text, bytes: scan.text.length, at: performance.now() }),
        onInvalid: (reason) => log.warn({ reason }, 'HID POS report ignored'),
        onOverflow: (length) => log.warn({ bytes: length }, 'HID POS scan longer than 8 KiB: dropped'),
      });
      this.#onReport = (report) => assembler.push(report);
      this.#reset = () => assembler.reset();
    } else {
      const decoder = new HidKeyboardDecoder(plan.layout!);
      const input = new FramedInput({ idleMs: plan.idleMs, tab: true, log, onScan: hooks.onScan });
      this.#onReport = (report) => {
        const typed = decoder.push(report);
        if (typed !== '') input.push(typed);
      };
      this.#reset = () => {
        decoder.reset();
        input.reset();
      };
    }
  }

  protected open() {
    return openHidDevice(this.#hid, this.#plan.target, this.type);
  }

  protected attach(device: HidHandle): void {
    this.#reset();
    device.on('data', (report: Buffer) => this.#onReport(report));
    device.on('error', (err: Error) => this.lost(device, `the device went away (${err.message})`));
  }

  protected async close(device: HidHandle): Promise<void> {
    this.#reset();
    device.removeAllListeners('data');
    await device.close();
  }

  feedback(kind: 'good' | 'bad'): void {
    const bytes = this.#plan.feedback[kind];
    const device = this.handle;
    if (bytes === undefined || device === undefined) return;
    device.write(bytes).catch((err: Error) => this.log.warn({ scanner: this.id, kind, bytes: hex(bytes), err: err.message }, 'scanner feedback failed'));
  }
}
