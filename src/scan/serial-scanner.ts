/**
 * A serial or USB-CDC scanner: bytes from the port → framer → reads. The port is found by
 * path or USB IDs, reopened with backoff when it disappears, and feedback commands are
 * written back to it.
 */
import { hex } from '../devices/byte-sequence.js';
import { DeviceLink } from '../devices/device-link.js';
import { BINDING, closeSerialPort, openSerialPort, watchSerialPort, writeSerial, type BindingInterface, type SerialPort } from '../devices/serial-port.js';
import type { ScannerPlan } from '../devices/terminal-plan.js';
import { FramedInput, type ScannerHooks, type ScannerInput } from './scanner.js';

export class SerialScanner extends DeviceLink<SerialPort> implements ScannerInput {
  readonly id: string;
  readonly type = 'serial' as const;
  readonly #plan: ScannerPlan;
  readonly #input: FramedInput;
  readonly #binding: BindingInterface;

  constructor(plan: ScannerPlan, hooks: ScannerHooks, binding: BindingInterface = BINDING) {
    super(hooks);
    this.id = plan.id;
    this.#plan = plan;
    this.#binding = binding;
    this.#input = new FramedInput({ idleMs: plan.idleMs, tab: false, log: hooks.log, onScan: hooks.onScan });
  }

  protected open() {
    return openSerialPort(this.#plan.target, this.#plan.serial, this.#binding);
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
    const bytes = this.#plan.feedback[kind];
    const port = this.handle;
    if (bytes === undefined || port === undefined) return;
    writeSerial(port, bytes).catch((err: Error) => this.log.warn({ scanner: this.id, kind, bytes: hex(bytes), err: err.message }, 'scanner feedback failed'));
  }
}
