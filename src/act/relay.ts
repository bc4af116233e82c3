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
import type { SerialPort } from '../scan/serial-port.js';
import { relayProfile, type OutputConfig } from '../config/terminal.js';
import { hex } from '../scan/byte-sequence.js';
import { DeviceLink, type LinkOptions, type LinkStatus } from '../scan/device-link.js';
import type { ProfileInterface } from '../scan/device-profiles.js';
import { openHidDevice } from '../scan/hid-device.js';
import { loadHid, type HidHandle, type HidModule } from '../scan/hid-loader.js';
import { closeSerialPort, openSerialPort, serialSettings, watchSerialPort, writeSerial } from '../scan/serial-port.js';

type RelayCommands = NonNullable<ProfileInterface['relay']>;

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
  protected readonly config: OutputConfig;
  /** The board's profile interface: its commands, serial settings, product name. */
  protected readonly iface: ProfileInterface;
  protected readonly commands: RelayCommands;
  #openUntil = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(config: OutputConfig, iface: ProfileInterface, o: LinkOptions) {
    super({ ...o, log: o.log.child({ output: config.id }) });
    this.id = config.id;
    this.config = config;
    this.iface = iface;
    this.commands = iface.relay!;
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
    const bytes = (open ? this.commands.on : this.commands.off)({ relay: this.config.relay });
    this.send(handle, bytes).catch((err: Error) => {
      this.log.error({ command: open ? 'on' : 'off', bytes: hex(bytes), err: err.message }, 'relay command failed; reopening the relay');
      this.lost(handle, `command failed (${err.message})`);
    });
  }

  protected override async beforeClose(handle: H): Promise<void> {
    clearTimeout(this.#timer);
    this.#openUntil = 0;
    await this.send(handle, this.commands.off({ relay: this.config.relay })).catch(() => {});
  }

  override async stop(): Promise<void> {
    clearTimeout(this.#timer);
    await super.stop();
  }
}

export class SerialRelay extends Relay<SerialPort> {
  protected open() {
    const c = this.config;
    return openSerialPort({ path: c.path, vendorId: c.vendorId, productId: c.productId, ...serialSettings(this.iface.serial, c) });
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

  constructor(config: OutputConfig, iface: ProfileInterface, o: LinkOptions, hid: () => Promise<HidModule> = loadHid) {
    super(config, iface, o);
    this.#hid = hid;
  }

  protected open() {
    return openHidDevice(this.#hid, { ...this.config, productName: this.iface.productName }, 'hid-relay');
  }

  protected override attach(device: HidHandle): void {
    device.on('error', (err: Error) => this.lost(device, err.message));
    super.attach(device);
  }

  protected async close(device: HidHandle): Promise<void> {
    await device.close();
  }

  protected async send(device: HidHandle, bytes: Buffer): Promise<void> {
    if (this.commands.report === 'feature') await device.sendFeatureReport(bytes);
    else await device.write(bytes);
  }
}

/** The relay for an output, with its profile's commands; `hid` is how HID boards are reached (default node-hid). */
export function createRelay(config: OutputConfig, o: LinkOptions, hid?: () => Promise<HidModule>): RelayOutput {
  const { iface } = relayProfile(config);
  return config.type === 'serial-relay' ? new SerialRelay(config, iface, o) : new HidRelay(config, iface, o, hid);
}
