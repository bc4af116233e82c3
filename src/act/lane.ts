/**
 * A lane: one or more scanners, the relays they open, and the policy. For every read:
 * drop a double read (debounce), verify, then on VALID pulse the relays for `openMs` and
 * send the scanner's good-read feedback, on anything else bad-read feedback and the gate
 * stays shut; publish the result on the bus and log one line without personal data.
 * The relay command goes out before the event, and nothing here waits on a device.
 *
 * Reads of one scanner are acted on in the order they were read, even when verifier
 * threads finish them out of order: the person at the gate sees (and the scanner beeps
 * for) their own result, not the one of the person before or after them.
 */
import { performance } from 'node:perf_hooks';
import type { EventBus } from '../events/event-bus.js';
import type { Logger } from '../logger.js';
import { Debounce } from '../scan/debounce.js';
import type { ScannerInput, ScanRead } from '../scan/scanner.js';
import type { Verifier } from '../verifier.js';
import type { VerifyResult } from '../verify/result.js';
import type { RelayOutput } from './relay.js';

export interface LaneOptions {
  /** null for the implicit lane of a scanner that no lane names. */
  id: string | null;
  relays: RelayOutput[];
  openMs: number;
  debounceMs: number;
  verifier: Verifier;
  bus: EventBus;
  log: Logger;
  /** Told of every read dropped as a double read. */
  onDoubleRead?: (scanner: ScannerInput) => void;
}

export class Lane {
  readonly id: string | null;
  readonly #o: LaneOptions;
  readonly #debounce: Debounce;
  readonly #scans = new Map<string, number>();
  /** scanner id → the last of its reads still being verified or waiting for an earlier one. */
  readonly #inFlight = new Map<string, Promise<void>>();

  constructor(o: LaneOptions) {
    this.id = o.id;
    this.#o = o;
    this.#debounce = new Debounce(o.debounceMs);
  }

  /** Verified reads per scanner, for /v1/state. */
  scans(scanner: string): number {
    return this.#scans.get(scanner) ?? 0;
  }

  read(scanner: ScannerInput, read: ScanRead): void {
    const log = this.#o.log;
    if (!this.#debounce.accept(read.text, Date.now())) {
      log.debug({ scanner: scanner.id, lane: this.id, bytes: read.bytes }, 'double read dropped');
      this.#o.onDoubleRead?.(scanner);
      return;
    }
    let result: VerifyResult | Promise<VerifyResult>;
    try {
      result = this.#o.verifier.verify(read.text, scanner.id);
    } catch (err) {
      log.error({ scanner: scanner.id, lane: this.id, err: (err as Error).message }, 'verification failed');
      return;
    }
    const earlier = this.#inFlight.get(scanner.id);
    if (earlier === undefined && !(result instanceof Promise)) return this.#act(scanner, read, result);
    const verified = result;
    const settled = (earlier ?? Promise.resolve())
      .then(() => verified)
      .then(
        (r) => this.#act(scanner, read, r),
        (err: Error) => log.error({ scanner: scanner.id, lane: this.id, err: err.message }, 'verification failed'),
      )
      .catch((err: Error) => log.error({ scanner: scanner.id, lane: this.id, err: err.message }, 'scan handling failed'))
      .finally(() => {
        if (this.#inFlight.get(scanner.id) === settled) this.#inFlight.delete(scanner.id);
      });
    this.#inFlight.set(scanner.id, settled);
  }

  #act(scanner: ScannerInput, read: ScanRead, result: VerifyResult): void {
    const { relays, openMs, bus, log } = this.#o;
    if (result.valid) for (const relay of relays) relay.pulse(openMs);
    scanner.feedback(result.valid ? 'good' : 'bad');
    this.#scans.set(scanner.id, this.scans(scanner.id) + 1);
    bus.publish({ type: 'scan', data: this.id === null ? { scanner: scanner.id, result } : { scanner: scanner.id, lane: this.id, result } });
    log.info(
      {
        scanner: scanner.id,
        lane: this.id,
        verdict: result.verdict,
        bytes: read.bytes,
        gate: result.valid ? (relays.length > 0 ? 'opened' : 'none') : 'shut',
        ms: Math.round((performance.now() - read.at) * 100) / 100,
      },
      'scan',
    );
  }
}
