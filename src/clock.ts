/**
 * Time as the long-running parts see it: the current time and timers, injected, so that
 * tests advance time instead of waiting for it (test/helpers/manual-clock.ts). Timers made
 * here never keep the process alive by themselves.
 */
export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `callback` once, `ms` from now. */
  after(ms: number, callback: () => void): Timer;
}

/** setTimeout's longest delay; a later timer is set for this and set again when it fires. */
const LONGEST_DELAY_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  after(ms, callback) {
    const handle = setTimeout(callback, Math.max(0, Math.min(ms, LONGEST_DELAY_MS)));
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
};
