/**
 * What every scanner input (serial, HID POS, HID keyboard) offers the lanes, and the
 * settings a configured scanner ends up with once its device profile is applied.
 */
import { performance } from 'node:perf_hooks';
import type { ScannerConfig } from '../config/terminal.js';
import type { Logger } from '../logger.js';
import type { ByteSequence } from './byte-sequence.js';
import type { LinkStatus } from './device-link.js';
import { profileFor, type SerialSettings } from './device-profiles.js';
import { ScanFramer } from './scan-framer.js';
import { serialSettings } from './serial-port.js';

/** One read: the text, its size, and when its last byte arrived (performance.now()). */
export interface ScanRead {
  text: string;
  bytes: number;
  at: number;
}

export interface ScannerInput {
  readonly id: string;
  readonly type: ScannerConfig['type'];
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

export interface ScannerSettings {
  config: ScannerConfig;
  serial: SerialSettings;
  idleMs: number;
  feedback: { good?: ByteSequence | undefined; bad?: ByteSequence | undefined };
  /** The profile that supplied defaults, for logs and `mleg devices`. */
  profile: string | null;
}

/** The silence that ends a scan for a profile that sends no suffix and a config that sets no idleMs. */
export const DEFAULT_IDLE_MS = 50;

/** Config over profile over defaults. */
export function scannerSettings(config: ScannerConfig): ScannerSettings {
  const match = profileFor(config, config.type);
  const iface = match?.iface;
  const profileIdle = iface?.framing.suffix === 'none' && iface.framing.idleMs === 0 ? DEFAULT_IDLE_MS : (iface?.framing.idleMs ?? 0);
  return {
    config,
    serial: serialSettings(iface?.serial, config),
    idleMs: config.idleMs ?? profileIdle,
    feedback: config.feedback ? { good: iface?.feedback.good, bad: iface?.feedback.bad } : {},
    profile: match?.profile.id ?? null,
  };
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
