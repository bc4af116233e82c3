/**
 * Gate relays: a USB HID relay board (dcttech USBRelayN: a feature report) or a serial
 * relay module (LC-Technology CH340: four bytes), with the commands of its profile.
 *
 * A relay holds a wanted state: open until a moment, else shut. `pulse(ms)` opens it now
 * and shuts it `ms` later (a second VALID while open extends the pulse). Commands are
 * fire-and-forget: a failing write never blocks the caller. When the board is missing or
 * fails, the link reports it and reopens it with backoff; on every (re)connect the
 * wanted state is sent again, so a board plugged back mid-pulse opens for the rest of
 * it, and a board that may have missed an "off" is switched off. At stop it is switched off.
 */
import { hex } from '../devices/byte-sequence.js';
import { DeviceLink, type LinkOptions, type LinkStatus } from '../devices/device-link.js';
import { openHidDevice } from '../devices/hid-device.js';
import { loadHid, type HidHandle, type HidModule } from '../devices/hid-loader.js';
import { BINDING, closeSerialPort, openSerialPort, watchSerialPort, writeSerial, type BindingInterface, type SerialPort } from '../devices/serial-port.js';
import type { RelayPlan } from '../devices/terminal-plan.js';

export interface RelayOutput {
  readonly id: string;
  readonly status: LinkStatus;
  /** Opens now and shuts after `ms`. Never throws, never waits. */
  pulse(ms: number): void;
  start(): void;
  stop(): Promise<void>;
}

abstract class Relay<H> extends DeviceLink<H> implements RelayOutput {
  readonly id: string;
  /** The board, its commands for this channel and how to reach it, resolved from config and profile. */
  protected readonly plan: RelayPlan;
  #openUntil = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(plan: RelayPlan, o: LinkOptions) {
    super({ ...o, log: o.log.child({ output: plan.id }) });
    this.id = plan.id;
    this.plan = plan;
  }

  protected abstract send(handle: H, bytes: Buffer): Promise<void>;

  pulse(ms: number): void {
    this.#openUntil = Date.now() + ms;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#openUntil = 0;
      this.#apply();
    }, ms);
    this.#timer.unref();
    this.#apply();
  }

  /** Subclasses watch the handle, then call this to send the wanted state. */
  protected attach(_handle: H): void {
    this.#apply();
  }

  #apply(): void {
    const open = Date.now() < this.#openUntil;
    const handle = this.handle;
    if (handle === undefined) {
      if (open) this.log.warn({ state: this.status.state, detail: this.status.detail }, 'relay not connected: the gate stays shut until it is back');
      return;
    }
    const bytes = open ? this.plan.on : this.plan.off;
    this.send(handle, bytes).catch((err: Error) => {
      this.log.error({ command: open ? 'on' : 'off', bytes: hex(bytes), err: err.message }, 'relay command failed; reopening the relay');
      this.lost(handle, `command failed (${err.message})`);
    });
  }

  protected override async beforeClose(handle: H): Promise<void> {
    clearTimeout(this.#timer);
    this.#openUntil = 0;
    await this.send(handle, this.plan.off).catch(() => {});
  }

  override async stop(): Promise<void> {
    clearTimeout(this.#timer);
    await super.stop();
  }
}

export class SerialRelay extends Relay<SerialPort> {
  readonly #binding: BindingInterface;

  constructor(plan: RelayPlan, o: LinkOptions, binding: BindingInterface = BINDING) {
    super(plan, o);
    this.#binding = binding;
  }

  protected open() {
    return openSerialPort(this.plan.target, this.plan.serial, this.#binding);
  }

  protected override attach(port: SerialPort): void {
    watchSerialPort(port, (reason) => this.lost(port, reason));
    // Reading is what notices an unplugged board before the next command: read and drop.
    port.on('data', () => {});
    super.attach(port);
  }

  protected close(port: SerialPort): Promise<void> {
    return closeSerialPort(port);
  }

  protected send(port: SerialPort, bytes: Buffer): Promise<void> {
    return writeSerial(port, bytes);
  }
}

export class HidRelay extends Relay<HidHandle> {
  readonly #hid: () => Promise<HidModule>;

  constructor(plan: RelayPlan, o: LinkOptions, hid: () => Promise<HidModule> = loadHid) {
    super(plan, o);
    this.#hid = hid;
  }

  protected open() {
    return openHidDevice(this.#hid, this.plan.target, 'hid-relay');
  }

  protected override attach(device: HidHandle): void {
    device.on('error', (err: Error) => this.lost(device, err.message));
    super.attach(device);
  }

  protected async close(device: HidHandle): Promise<void> {
    await device.close();
  }

  protected async send(device: HidHandle, bytes: Buffer): Promise<void> {
    if (this.plan.report === 'feature') await device.sendFeatureReport(bytes);
    else await device.write(bytes);
  }
}

/** How relay boards are reached: the real serial binding and node-hid unless a test injects others. */
export interface DeviceAccess {
  serial?: BindingInterface;
  hid?: () => Promise<HidModule>;
}

/** The relay of a plan, with its profile's commands. */
export function createRelay(plan: RelayPlan, o: LinkOptions, access: DeviceAccess = {}): RelayOutput {
  return plan.type === 'serial-relay' ? new SerialRelay(plan, o, access.serial) : new HidRelay(plan, o, access.hid);
}
