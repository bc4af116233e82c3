/**
 * The terminal: the configured scanners, relays and lanes, composed. A scanner that no
 * lane names gets a lane of its own with no outputs (it still verifies and publishes).
 * Scanner state changes go to the bus as `scanner` events and to `status()` for /v1/state.
 * Opening devices never blocks start, and no device failure stops the others.
 */
import type { LinkStatus } from '../devices/device-link.js';
import type { HidModule } from '../devices/hid-loader.js';
import type { BindingInterface } from '../devices/serial-port.js';
import type { RelayPlan, ScannerPlan, TerminalPlan } from '../devices/terminal-plan.js';
import type { EventBus, ScannerStatus } from '../events/event-bus.js';
import type { Logger } from '../logger.js';
import { HidScanner } from '../scan/hid-scanner.js';
import type { ScannerInput, ScanRead } from '../scan/scanner.js';
import { SerialScanner } from '../scan/serial-scanner.js';
import type { Verifier } from '../verifier.js';
import { Lane } from './lane.js';
import { createRelay, type RelayOutput } from './relay.js';

export interface TerminalOptions {
  /** Scanners, relays and lanes, resolved (src/devices/terminal-plan.ts). */
  plan: TerminalPlan;
  verifier: Verifier;
  bus: EventBus;
  log: Logger;
  /** Drive the gate relays (false for `mleg scan`). */
  outputs?: boolean;
  /** Only these scanners (default: all). */
  only?: string[];
  onDoubleRead?: (scanner: ScannerInput) => void;
  /** Reopen backoff; tests shorten it. */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** How HID devices are reached (default: node-hid, loaded lazily). */
  hid?: () => Promise<HidModule>;
  /** How serial ports are reached (default: the platform's binding; tests inject @serialport/binding-mock). */
  serial?: BindingInterface;
}

interface Attached {
  scanner: ScannerInput;
  lane: Lane;
}

export class Terminal {
  readonly #attached: Attached[] = [];
  readonly #relays: RelayOutput[] = [];
  readonly #log: Logger;

  constructor(o: TerminalOptions) {
    const { plan, bus } = o;
    this.#log = o.log.child({ part: 'terminal' });
    const link = { minDelayMs: o.minDelayMs, maxDelayMs: o.maxDelayMs };
    const relays = new Map<string, RelayOutput>();
    if (o.outputs ?? true) {
      for (const output of plan.relays) {
        const relay = createRelay(output, { ...link, log: this.#log, onState: (s) => this.#outputState(output, s) }, { hid: o.hid, serial: o.serial });
        relays.set(output.id, relay);
        this.#relays.push(relay);
      }
    }
    for (const lanePlan of plan.lanes) {
      const members = plan.scanners.filter((s) => lanePlan.scanners.includes(s.id) && (o.only === undefined || o.only.includes(s.id)));
      if (members.length === 0) continue;
      const lane = new Lane({
        id: lanePlan.id,
        relays: lanePlan.relays.flatMap((id) => relays.get(id) ?? []),
        openMs: lanePlan.openMs,
        debounceMs: lanePlan.debounceMs,
        verifier: o.verifier,
        bus,
        log: this.#log,
        ...(o.onDoubleRead === undefined ? {} : { onDoubleRead: o.onDoubleRead }),
      });
      for (const member of members) {
        const hooks = {
          ...link,
          log: this.#log,
          onScan: (read: ScanRead) => lane.read(scanner, read),
          onState: (s: LinkStatus) => this.#scannerState(member, s, bus),
        };
        const scanner: ScannerInput = member.type === 'serial' ? new SerialScanner(member, hooks, o.serial) : new HidScanner(member, hooks, o.hid);
        this.#attached.push({ scanner, lane });
      }
    }
  }

  start(): void {
    for (const relay of this.#relays) relay.start();
    for (const { scanner } of this.#attached) scanner.start();
  }

  /** What /v1/state shows of each scanner. */
  status(): ScannerStatus[] {
    return this.#attached.map(({ scanner, lane }) => ({
      id: scanner.id,
      type: scanner.type,
      lane: lane.id,
      state: scanner.status.state,
      detail: scanner.status.detail,
      since: scanner.status.since.toISOString(),
      scans: lane.scans(scanner.id),
    }));
  }

  /** Closes every device (relays are switched off first). */
  async stop(): Promise<void> {
    await Promise.all([...this.#attached.map(({ scanner }) => scanner.stop()), ...this.#relays.map((r) => r.stop())]);
  }

  #scannerState({ id, type, profile }: ScannerPlan, status: LinkStatus, bus: EventBus): void {
    const fields = { scanner: id, type, profile, state: status.state, detail: status.detail };
    if (status.state === 'connected') this.#log.info(fields, 'scanner connected');
    else this.#log.warn(fields, 'scanner not connected');
    bus.publish({
      type: 'scanner',
      data: {
        scanner: id,
        state: status.state === 'connected' ? 'connected' : 'disconnected',
        ...(status.state === 'connected' || status.detail === null ? {} : { reason: status.detail }),
        at: status.since.toISOString(),
      },
    });
  }

  #outputState({ id, type, profile }: RelayPlan, status: LinkStatus): void {
    const fields = { output: id, type, profile, state: status.state, detail: status.detail };
    if (status.state === 'connected') this.#log.info(fields, 'relay connected');
    else this.#log.error(fields, 'relay not connected: gates it serves cannot open');
  }
}
