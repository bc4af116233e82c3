/**
 * USB HID scanners through node-hid (loaded lazily): HID POS (usage page 0x8C) reports
 * reassembled by HidPosAssembler, and keyboard wedges whose boot reports are typed out by
 * HidKeyboardDecoder and framed like serial text. The device is found as hid-device.ts
 * says, and reopened with backoff after an unplug.
 */
import { performance } from 'node:perf_hooks';
import { hex } from './byte-sequence.js';
import { DeviceLink } from './device-link.js';
import { openHidDevice } from './hid-device.js';
import { HidKeyboardDecoder } from './hid-keyboard-report.js';
import { loadHid, type HidHandle, type HidModule } from './hid-loader.js';
import { HidPosAssembler } from './hid-pos-report.js';
import { loadLayout } from './keyboard-layout.js';
import { FramedInput, type ScannerHooks, type ScannerInput, type ScannerSettings } from './scanner.js';

export class HidScanner extends DeviceLink<HidHandle> implements ScannerInput {
  readonly id: string;
  readonly type: 'hid-pos' | 'hid-keyboard';
  readonly #settings: ScannerSettings;
  readonly #hid: () => Promise<HidModule>;
  readonly #onReport: (report: Buffer) => void;
  readonly #reset: () => void;

  /** `hid` is how node-hid is reached: loadHid, unless a caller supplies another source of reports. */
  constructor(settings: ScannerSettings, hooks: ScannerHooks, hid: () => Promise<HidModule> = loadHid) {
    super(hooks);
    const type = settings.config.type;
    if (type === 'serial') throw new Error('HidScanner reads HID scanners only');
    this.id = settings.config.id;
    this.type = type;
    this.#settings = settings;
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
      const decoder = new HidKeyboardDecoder(loadLayout(settings.config.layout));
      const input = new FramedInput({ idleMs: settings.idleMs, tab: true, log, onScan: hooks.onScan });
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
    const c = this.#settings.config;
    return openHidDevice(this.#hid, c, this.type);
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
    const sequence = this.#settings.feedback[kind];
    const device = this.handle;
    if (sequence === undefined || device === undefined) return;
    const bytes = sequence();
    device.write(bytes).catch((err: Error) => this.log.warn({ scanner: this.id, kind, bytes: hex(bytes), err: err.message }, 'scanner feedback failed'));
  }
}
