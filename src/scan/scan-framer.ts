/**
 * From a scanner's character stream to whole scans (pure: no timers, no I/O).
 *
 * A scan ends at a terminator (CR, LF or CRLF; Tab too for keyboard wedges), or when the
 * shell calls `flush()` after a configured silence (`idleMs`, for scanners that send no
 * suffix). An AIM symbology prefix (`]Q1`…`]Q6`) is stripped. A line longer than
 * `maxLength` without a terminator is dropped whole — everything up to the next
 * terminator — and reported, so a scanner spewing garbage can never grow memory.
 *
 * Serial bytes are pushed as latin1 text, so one character is one byte.
 */
export const MAX_SCAN_LENGTH = 8 * 1024;

const CR = '\r';
const LF = '\n';
const TAB = '\t';
const AIM = /^\]Q[1-6]/;

export interface FramerOptions {
  /** End scans at Tab as well as CR/LF (keyboard wedges send Tab or Enter). */
  tab?: boolean;
  maxLength?: number;
  /** A complete scan, terminator and AIM prefix removed; never empty. */
  onScan: (text: string) => void;
  /** A line passed `maxLength` without a terminator; `length` is how much was dropped so far. */
  onOverflow?: (length: number) => void;
}

export class ScanFramer {
  readonly #tab: boolean;
  readonly #max: number;
  readonly #onScan: (text: string) => void;
  readonly #onOverflow: (length: number) => void;
  #buffer = '';
  /** Inside an over-long line: drop until the next terminator. */
  #discarding = false;

  constructor(o: FramerOptions) {
    this.#tab = o.tab ?? false;
    this.#max = o.maxLength ?? MAX_SCAN_LENGTH;
    this.#onScan = o.onScan;
    this.#onOverflow = o.onOverflow ?? (() => {});
  }

  /** Characters buffered for an unfinished scan. */
  get pending(): number {
    return this.#buffer.length;
  }

  push(chunk: string): void {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (c === CR || c === LF || (c === TAB && this.#tab)) {
        this.#append(chunk.slice(start, i));
        this.#end();
        start = i + 1;
      }
    }
    this.#append(chunk.slice(start));
  }

  /** Ends the pending scan (the shell calls this after `idleMs` of silence). */
  flush(): void {
    this.#end();
  }

  /** Forgets any partial scan (the port closed mid-scan). */
  reset(): void {
    this.#buffer = '';
    this.#discarding = false;
  }

  #append(text: string): void {
    if (text.length === 0 || this.#discarding) return;
    this.#buffer += text;
    if (this.#buffer.length > this.#max) {
      this.#onOverflow(this.#buffer.length);
      this.#buffer = '';
      this.#discarding = true;
    }
  }

  #end(): void {
    const text = this.#buffer.replace(AIM, '');
    const wasDiscarding = this.#discarding;
    this.reset();
    // CRLF (and blank lines) end nothing: an empty scan is not a scan.
    if (text.length > 0 && !wasDiscarding) this.#onScan(text);
  }
}
