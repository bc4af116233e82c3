/**
 * What every scanner input (serial, HID POS, HID keyboard) offers the lanes. A scanner's
 * settings come resolved in its ScannerPlan (src/devices/terminal-plan.ts).
 */
import { performance } from 'node:perf_hooks';
import type { LinkStatus } from '../devices/device-link.js';
import type { ScannerPlan } from '../devices/terminal-plan.js';
import type { Logger } from '../logger.js';
import { ScanFramer } from './scan-framer.js';

/** One read: the text, its size, and when its last byte arrived (performance.now()). */
export interface ScanRead {
  text: string;
  bytes: number;
  at: number;
}

export interface ScannerInput {
  readonly id: string;
  readonly type: ScannerPlan['type'];
  readonly status: LinkStatus;
  start(): void;
  stop(): Promise<void>;
  /** Sends the good-read or bad-read command, when the scanner has one; never throws. */
  feedback(kind: 'good' | 'bad'): void;
}

export interface ScannerHooks {
  log: Logger;
  onScan: (read: ScanRead) => void;
  onState: (status: LinkStatus) => void;
  minDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * A framer with its idle timer: the text-stream half of serial and keyboard scanners.
 * Reads are reported with the arrival time of the chunk that completed them.
 */
export class FramedInput {
  readonly #framer: ScanFramer;
  readonly #idleMs: number;
  #timer: NodeJS.Timeout | undefined;
  #chunkAt = 0;

  constructor(o: { idleMs: number; tab: boolean; log: Logger; onScan: (read: ScanRead) => void }) {
    this.#idleMs = o.idleMs;
    this.#framer = new ScanFramer({
      tab: o.tab,
      onScan: (text) => o.onScan({ text, bytes: text.length, at: this.#chunkAt }),
      onOverflow: (length) => o.log.warn({ bytes: length }, 'scan longer than 8 KiB without a terminator: dropped'),
    });
  }

  push(text: string): void {
    this.#chunkAt = performance.now();
    this.#framer.push(text);
    clearTimeout(this.#timer);
    if (this.#idleMs > 0 && this.#framer.pending > 0) {
      this.#timer = setTimeout(() => this.#framer.flush(), this.#idleMs);
      this.#timer.unref();
    }
  }

  /** Forgets a partial scan (the device went away mid-scan). */
  reset(): void {
    clearTimeout(this.#timer);
    this.#framer.reset();
  }
}
