/**
 * Drops repeated reads of the same code on one lane (pure; the caller passes the clock).
 *
 * A scanner in continuous mode reads the code under it several times a second. The same
 * text within `ms` of the last time it was seen is a double read: dropped before
 * verification, so it can never turn a green VALID into a red REPLAYED. The window slides
 * (every drop renews it), so a phone held under the scanner for ten seconds is one scan.
 */
const MAX_REMEMBERED = 64;

export class Debounce {
  /** text → when it was last seen (ms); insertion order is age order. */
  readonly #seen = new Map<string, number>();

  constructor(readonly ms: number) {}

  /** True when `text` should be verified; false for a double read. */
  accept(text: string, now: number): boolean {
    if (this.ms <= 0) return true;
    for (const [seen, at] of this.#seen) {
      if (now - at < this.ms && this.#seen.size <= MAX_REMEMBERED) break;
      this.#seen.delete(seen);
    }
    const last = this.#seen.get(text);
    this.#seen.delete(text);
    this.#seen.set(text, now);
    return last === undefined || now - last >= this.ms;
  }
}
