/**
 * When the main thread verifies a presentation itself rather than sending it to a verifier
 * thread: a lone till or gate (one request at a time) should not pay the hop to a thread and
 * back (bench/results/findings.md, "the hop to a verifier thread"; bench/lone-till.bench.ts), while under load the
 * threads must take the work, or the main thread, which also runs HTTP and the scanners,
 * becomes the bottleneck and the other cores idle.
 *
 * The rule: verify here when no verification is in hand on any thread AND the one asked for
 * before it came from the same client (its HTTP connection; a scanner), or from a client that
 * has gone, or longer than WINDOW_MS ago. The second half is the load signal. A verification
 * here is synchronous, so requests that arrive meanwhile queue in the kernel, unseen; were
 * the rule only "no thread has work", each of them would then find the threads idle and be
 * verified here too, one after another, the threads never used. Under load, though, the
 * requests read one after another come from different connections: the second goes to a
 * thread, and from then on the threads have work in hand. A till's requests all come on its
 * own connection, one at a time, however fast it sends them.
 *
 * (Whether the event loop waited for work before a request is no such signal: a client on
 * the same machine sends its next request before the service has written the last one's log
 * line, and the loop finds it there without waiting, as it would under load.)
 */
import { performance } from 'node:perf_hooks';

/** Who asked for a verification: an HTTP connection (its socket), a scanner (its id). */
export type Client = string | { readonly destroyed?: boolean };

/** Asks from another client closer together than this are load. */
export const WINDOW_MS = 10;

/** A client that is gone (a closed connection) cannot be waiting for anything. */
const gone = (client: Client): boolean => typeof client === 'object' && client.destroyed === true;

export class InlineRule {
  readonly #clock: () => number;
  #lastClient: Client | undefined;
  #lastAt = -Infinity;

  /** @param clock milliseconds, monotonic */
  constructor(clock: () => number = () => performance.now()) {
    this.#clock = clock;
  }

  /**
   * Whether the verification asked for now, by `client`, is made on this thread.
   * @param inHand verifications sent to the threads and not answered yet
   */
  verifyHere(inHand: number, client: Client): boolean {
    const at = this.#clock();
    const other = this.#lastClient !== undefined && this.#lastClient !== client && at - this.#lastAt < WINDOW_MS && !gone(this.#lastClient);
    this.#lastClient = client;
    this.#lastAt = at;
    return inHand === 0 && !other;
  }

  /**
   * A verification made here has ended: the window counts from now. Asks that arrived while
   * it held the thread were queued, not late; counted from its start, one verification slower
   * than the window (a busy machine) would hide them and keep the work here.
   */
  doneHere(): void {
    this.#lastAt = this.#clock();
  }
}
