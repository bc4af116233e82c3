/**
 * When each URI's list is fetched again (SPEC 5): after its `ttl`, or `refreshSeconds` when
 * that is shorter; after a failed attempt, sooner, backing off (5 s, doubling, up to
 * `refreshSeconds`). One timer per URI, on the injected clock, so that lists are refreshed
 * even when no one scans. What each URI's last attempt gave is kept here too.
 */
import type { Clock, Timer } from '../clock.js';
import type { HeldList } from './status-slots.js';

export const FIRST_RETRY_MS = 5000;

export interface Attempt {
  /** Milliseconds since the epoch. */
  at: number;
  ok: boolean;
  /** Why it failed: a reason fit for an answer (no path, no OS error text). */
  error: string | null;
}

interface UriState {
  failures: number;
  /** While failing: when to try again (ms); 0 when the last attempt succeeded. */
  retryAt: number;
  last: Attempt | undefined;
  timer: Timer | undefined;
  /** When the timer set by the last plan() falls due (ms; undefined: none). */
  plannedAt: number | undefined;
}

export class RefreshSchedule {
  readonly #states = new Map<string, UriState>();
  #closed = false;

  constructor(
    readonly clock: Clock,
    readonly refreshSeconds: number,
    /** Called when a URI's refresh falls due. */
    readonly due: (uri: string) => void,
  ) {}

  /** The URIs tried or scheduled. */
  uris(): string[] {
    return [...this.#states.keys()];
  }

  lastAttempt(uri: string): Attempt | undefined {
    return this.#states.get(uri)?.last;
  }

  /** Backing off after a failure: a verification should not wait for another attempt yet. */
  backingOff(uri: string): boolean {
    const state = this.#states.get(uri);
    return state !== undefined && state.retryAt > 0 && this.clock.now() < state.retryAt;
  }

  succeeded(uri: string): void {
    const state = this.#state(uri);
    state.failures = 0;
    state.retryAt = 0;
    state.last = { at: this.clock.now(), ok: true, error: null };
  }

  /** Records a failure and when to try again; returns how many in a row. */
  failed(uri: string, error: string): number {
    const state = this.#state(uri);
    const now = this.clock.now();
    state.failures += 1;
    state.retryAt = now + Math.min(FIRST_RETRY_MS * 2 ** (state.failures - 1), this.refreshSeconds * 1000);
    state.last = { at: now, ok: false, error };
    return state.failures;
  }

  /** When `uri` is refreshed next, given the lists held for it; undefined: nothing to refresh. */
  nextAt(uri: string, held: readonly HeldList[]): number | undefined {
    const state = this.#states.get(uri);
    if (state !== undefined && state.retryAt > 0) return state.retryAt;
    let next: number | undefined;
    for (const { list, fetchedAt } of held) {
      const at = fetchedAt + Math.min(list.ttl ?? Infinity, this.refreshSeconds) * 1000;
      if (next === undefined || at < next) next = at;
    }
    return next;
  }

  /**
   * When the last plan() said `uri` is refreshed next: nextAt as of the last change to what
   * is held or to how fetching went (the owner plans again after each), without the list of
   * held lists nextAt needs. A lookup asks this on every verification.
   */
  plannedAt(uri: string): number | undefined {
    return this.#states.get(uri)?.plannedAt;
  }

  /** Sets the timer of `uri` for its next refresh (none when nothing is to be refreshed). */
  plan(uri: string, held: readonly HeldList[]): void {
    const state = this.#state(uri);
    state.timer?.cancel();
    state.timer = undefined;
    const at = this.nextAt(uri, held);
    state.plannedAt = at;
    if (at === undefined || this.#closed) return;
    state.timer = this.clock.after(at - this.clock.now(), () => {
      state.timer = undefined;
      this.due(uri);
    });
  }

  /** Forgets `uri` when nothing is held for it any more and it is not failing. */
  forgetIfIdle(uri: string, held: readonly HeldList[]): void {
    const state = this.#states.get(uri);
    if (state === undefined || held.length > 0 || state.retryAt > 0) return;
    state.timer?.cancel();
    this.#states.delete(uri);
  }

  close(): void {
    this.#closed = true;
    for (const state of this.#states.values()) state.timer?.cancel();
  }

  #state(uri: string): UriState {
    let state = this.#states.get(uri);
    if (state === undefined) this.#states.set(uri, (state = { failures: 0, retryAt: 0, last: undefined, timer: undefined, plannedAt: undefined }));
    return state;
  }
}
