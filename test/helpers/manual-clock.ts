/**
 * Time and file changes that tests drive: `ManualClock` (src/clock.ts) runs its timers
 * when the test advances it, `ManualFiles` (src/file-watch.ts) announces a file change when
 * the test says so. Nothing waits for real time to pass.
 */
import type { Clock, Timer } from '../../src/clock.js';
import type { WatchFile } from '../../src/file-watch.js';

interface Pending {
  at: number;
  seq: number;
  callback: () => void;
}

export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  readonly #pending = new Set<Pending>();

  constructor(start = Date.now()) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  get seconds(): number {
    return Math.floor(this.#now / 1000);
  }

  after(ms: number, callback: () => void): Timer {
    const timer: Pending = { at: this.#now + Math.max(0, ms), seq: this.#seq++, callback };
    this.#pending.add(timer);
    return { cancel: () => this.#pending.delete(timer) };
  }

  /** Timers waiting to fire. */
  get timers(): number {
    return this.#pending.size;
  }

  /** When the next timer fires (undefined: none waits). */
  get next(): number | undefined {
    let next: number | undefined;
    for (const p of this.#pending) if (next === undefined || p.at < next) next = p.at;
    return next;
  }

  /**
   * Moves time on by `ms`, firing each timer that falls due on the way at its own time, in
   * order, and letting the promises it starts settle before the next one.
   */
  async advance(ms: number): Promise<void> {
    const until = this.#now + ms;
    for (;;) {
      let due: Pending | undefined;
      for (const p of this.#pending) if (p.at <= until && (due === undefined || p.at < due.at || (p.at === due.at && p.seq < due.seq))) due = p;
      if (due === undefined) break;
      this.#pending.delete(due);
      this.#now = Math.max(this.#now, due.at);
      due.callback();
      await settle();
    }
    this.#now = until;
    await settle();
  }

  /** Moves time on without firing anything (as when timers have not had their turn yet). */
  set(now: number): void {
    this.#now = now;
  }
}

/** Lets pending promise callbacks and I/O callbacks already due run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}

export class ManualFiles {
  readonly #watchers = new Map<string, Set<() => void>>();

  readonly watchFile: WatchFile = (file, onChange) => {
    let set = this.#watchers.get(file);
    if (set === undefined) this.#watchers.set(file, (set = new Set()));
    set.add(onChange);
    return () => set.delete(onChange);
  };

  /** Announces that `file` changed. */
  changed(file: string): void {
    for (const onChange of this.#watchers.get(file) ?? []) onChange();
  }

  watching(file: string): boolean {
    return (this.#watchers.get(file)?.size ?? 0) > 0;
  }
}
