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
import type { SerialPort } from 'serialport';
import type { OutputConfig } from '../config/terminal.js';
import { relayProfile } from '../config/terminal.js';
import { hex, type ByteSequence } from '../scan/byte-sequence.js';
import { DeviceLink, type LinkOptions } from '../scan/device-link.js';
import { loadHid, type HidHandle, type HidModule } from '../scan/hid-loader.js';
import { openHidDevice } from '../scan/hid-scanner.js';
import { closeSerialPort, openSerialPort, serialSettings, writeSerial } from '../scan/serial-port.js';

export interface RelayCommands {
  on: ByteSequence;
  off: ByteSequence;
  report: 'output' | 'feature';
}

export interface RelayOutput {
  readonly id: string;
  readonly status: DeviceLink<unknown>['status'];
  /** Opens now and shuts after `ms`. Never throws, never waits. */
  pulse(ms: number): void;
  start(): void;
  stop(): Promise<void>;
}

abstract class Relay<H> extends DeviceLink<H> implements RelayOutput {
  readonly id: string;
  protected readonly config: OutputConfig;
  protected readonly commands: RelayCommands;
  #openUntil = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(config: OutputConfig, commands: RelayCommands, o: LinkOptions) {
    super({ ...o, log: o.log.child({ output: config.id }) });
    this.id = config.id;
    this.config = config;
    this.commands = commands;
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
    const { iface } = relayProfile(this.config);
    return openSerialPort({ path: this.config.path, vendorId: this.config.vendorId, productId: this.config.productId, ...serialSettings(iface.serial, this.config) });
  }

  protected override attach(port: SerialPort): void {
    port.on('error', (err: Error) => this.lost(port, err.message));
    port.on('close', (err: Error | null) => this.lost(port, err?.message ?? 'the port closed'));
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

  constructor(config: OutputConfig, commands: RelayCommands, o: LinkOptions, hid: () => Promise<HidModule> = loadHid) {
    super(config, commands, o);
    this.#hid = hid;
  }

  protected open() {
    const { iface } = relayProfile(this.config);
    return openHidDevice(this.#hid, { ...this.config, productName: iface.productName }, 'hid-relay');
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

/** The relay for an output, with its profile's commands. */
export function createRelay(config: OutputConfig, o: LinkOptions): RelayOutput {
  const { iface } = relayProfile(config);
  const relay = iface.relay!;
  const commands: RelayCommands = { on: relay.on, off: relay.off, report: relay.report };
  return config.type === 'serial-relay' ? new SerialRelay(config, commands, o) : new HidRelay(config, commands, o);
}
