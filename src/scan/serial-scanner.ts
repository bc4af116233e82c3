/**
 * A serial or USB-CDC scanner: bytes from the port → framer → reads. The port is found by
 * path or USB IDs, reopened with backoff when it disappears, and feedback commands are
 * written back to it.
 */
import type { SerialPort } from './serial-port.js';
import { hex } from './byte-sequence.js';
import { DeviceLink } from './device-link.js';
import { closeSerialPort, openSerialPort, watchSerialPort, writeSerial } from './serial-port.js';
import { FramedInput, type ScannerHooks, type ScannerInput, type ScannerSettings } from './scanner.js';

export class SerialScanner extends DeviceLink<SerialPort> implements ScannerInput {
  readonly id: string;
  readonly type = 'serial' as const;
  readonly #settings: ScannerSettings;
  readonly #input: FramedInput;

  constructor(settings: ScannerSettings, hooks: ScannerHooks) {
    super(hooks);
    this.id = settings.config.id;
    this.#settings = settings;
    this.#input = new FramedInput({ idleMs: settings.idleMs, tab: false, log: hooks.log, onScan: hooks.onScan });
  }

  protected open() {
    const c = this.#settings.config;
    return openSerialPort({ path: c.path, vendorId: c.vendorId, productId: c.productId, ...this.#settings.serial });
  }

  protected attach(port: SerialPort): void {
    this.#input.reset();
    port.on('data', (chunk: Buffer) => this.#input.push(chunk.toString('latin1')));
    watchSerialPort(port, (reason) => this.lost(port, reason));
  }

  protected close(port: SerialPort): Promise<void> {
    this.#input.reset();
    return closeSerialPort(port);
  }

  feedback(kind: 'good' | 'bad'): void {
    const sequence = this.#settings.feedback[kind];
    const port = this.handle;
    if (sequence === undefined || port === undefined) return;
    const bytes = sequence();
    writeSerial(port, bytes).catch((err: Error) => this.log.warn({ scanner: this.id, kind, bytes: hex(bytes), err: err.message }, 'scanner feedback failed'));
  }
}
