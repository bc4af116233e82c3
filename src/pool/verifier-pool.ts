/**
 * `mleg serve --workers N`: the hot path (`verify`, signature checks above all) on N
 * threads, so every core verifies, while what must be exact or done once stays on the
 * main thread:
 * - replay memory: a thread reports a VALID presentation with what to remember; here it
 *   is remembered, or found remembered (REPLAYED), in the order the answers arrive, so a
 *   presentation accepted on one thread is REPLAYED on every other;
 * - status lists: fetched, refreshed and judged by the main thread's StatusLists, each
 *   change sent to every thread with its bytes in a SharedArrayBuffer (not copied);
 *   a thread asks here whenever its copy cannot answer;
 * - the trust list: sent to every thread whenever the one in force changes.
 * Work goes to the thread with the fewest jobs in hand. A thread that is lost has its
 * jobs verified here instead, and is started again. A lone verification while the threads
 * are idle is left to the caller, on the main thread (inline-rule.ts): no hop for a till.
 */
import type { Logger } from '../logger.js';
import type { ReplayStore } from '../replay/replay-store.js';
import type { StatusList } from '../status/status-list-token.js';
import type { StatusLists } from '../status/status-lists.js';
import type { Slot } from '../status/status-slots.js';
import { trustedKeyData, type TrustList } from '../trust/trust-list.js';
import type { VerifyResult } from '../verify/result.js';
import type { StatusAnswer } from '../verify/status-answer.js';
import { afterReplay } from '../verify/verify.js';
import { WorkerChannel } from '../worker/channel.js';
import { siblingModule } from '../worker/start-worker.js';
import { InlineRule, type Client } from './inline-rule.js';
import type { SharedStatusList } from './status-mirror.js';
import type { StatusAsk, ThreadPost, ThreadSettings, VerifyJob, Verified } from './verifier-thread.js';

/**
 * A verifier thread's young generation, kept small. Each signature check leaves a native
 * object for the next minor collection to finalise; with V8's default (it grows far larger)
 * a thread under load paused for each collection several times as long, and every request
 * queued on it waited as long, at no gain in throughput (bench/results/findings.md, "a
 * verifier thread's young generation").
 */
const YOUNG_GENERATION_MB = 6;

const THREAD_FILE = siblingModule('verifier-thread', import.meta.url);

/** Above this many payloads, a batch is split over the threads. */
const SPLIT_FROM = 8;

export interface PoolOptions {
  threads: number;
  settings: ThreadSettings;
  trust: () => TrustList;
  status: StatusLists;
  replay: ReplayStore;
  /** Verifies in this thread: for the jobs of a lost thread. */
  fallback: (payloads: string[], now: number) => Promise<VerifyResult[]>;
  log: Logger;
}

interface Thread {
  channel: WorkerChannel<VerifyJob, Verified>;
  verified: number;
  restarts: number;
  trust: TrustList | undefined;
  cache: { hits: number; misses: number; size: number };
}

export class VerifierPool {
  readonly #o: PoolOptions;
  readonly #threads: Thread[] = [];
  readonly #shared = new WeakMap<StatusList, SharedStatusList>();
  readonly #count: number;
  readonly #inline = new InlineRule();
  #closed = false;

  constructor(options: PoolOptions) {
    this.#o = options;
    this.#count = options.threads;
    options.status.onChange((slot) => this.#sendList(slot));
  }

  /**
   * Starts the threads (until then, and while every thread is lost, verifications are made
   * on the main thread). Each loads its modules, a core's work for a while: the service
   * starts them once it accepts scans, not while it is still getting there.
   */
  start(): void {
    if (this.#threads.length > 0 || this.#closed) return;
    for (let i = 0; i < this.#count; i++) this.#threads.push(this.#start());
  }

  /** Threads configured (some may be waiting to be started again after a loss). */
  get size(): number {
    return this.#count;
  }

  /** The threads' credential caches, summed. */
  get cache(): { hits: number; misses: number; size: number } {
    const sum = { hits: 0, misses: 0, size: 0 };
    for (const { cache } of this.#threads) {
      sum.hits += cache.hits;
      sum.misses += cache.misses;
      sum.size += cache.size;
    }
    return sum;
  }

  /**
   * Whether the one verification `client` asks for now is better made by the caller, on the
   * main thread, than sent to a thread: when no thread has work in hand and no other client
   * asked just before (inline-rule.ts); and while every thread is lost. Asked once per
   * verification: the answer is only good for that one.
   */
  leavesToCaller(client: Client): boolean {
    let inHand = 0;
    for (const thread of this.#threads) inHand += thread.channel.pending;
    return this.#inline.verifyHere(inHand, client) || this.#threads.length === 0;
  }

  /** A verification left to the caller has been made (see InlineRule.doneHere). */
  doneHere(): void {
    this.#inline.doneHere();
  }

  /** Results in the order of `payloads`; a repeat within them is REPLAYED, as at a gate. */
  async verify(payloads: string[], now: number): Promise<VerifyResult[]> {
    if (this.#threads.length === 0) return this.#o.fallback(payloads, now); // every thread lost, none back yet
    if (payloads.length < SPLIT_FROM) return this.#remember(await this.#send(this.#idlest(), payloads, now));
    const per = Math.ceil(payloads.length / this.#threads.length);
    const parts: Promise<Verified>[] = [];
    for (let i = 0; i < payloads.length; i += per) parts.push(this.#send(this.#idlest(), payloads.slice(i, i + per), now));
    // Replay memory sees the whole batch in its order, whichever thread finished first.
    const verified = await Promise.all(parts);
    return this.#remember({ results: verified.flatMap((v) => v.results), remember: verified.flatMap((v) => v.remember) });
  }

  /** Per thread: presentations verified, jobs in hand, restarts after a loss (for /v1/state). */
  threadStates(): { verified: number; in_hand: number; restarts: number }[] {
    return this.#threads.map((t) => ({ verified: t.verified, in_hand: t.channel.pending, restarts: t.restarts }));
  }

  /** Stops thread `i` as a crash would (for tests of the recovery). */
  async crashThread(i: number): Promise<void> {
    await this.#threads[i]?.channel.crash();
  }

  close(): void {
    this.#closed = true;
    for (const thread of this.#threads) void thread.channel.close();
  }

  #idlest(): Thread {
    let best = this.#threads[0]!;
    for (const thread of this.#threads) if (thread.channel.pending < best.channel.pending) best = thread;
    return best;
  }

  /** The thread's answer; if the thread is lost first, the same verified here in full, replay included. */
  async #send(thread: Thread, payloads: string[], now: number): Promise<Verified> {
    const trust = this.#o.trust();
    if (thread.trust !== trust) this.#sendTrust(thread, trust);
    try {
      const verified = await thread.channel.call({ payloads, now });
      thread.cache = verified.cache;
      thread.verified += verified.results.length;
      return verified;
    } catch {
      // Lost (or closed) with this job in hand: nothing is left for #remember to do.
      return { results: await this.#o.fallback(payloads, now), remember: [], cache: thread.cache };
    }
  }

  /**
   * Replay memory, asked in order: a VALID presentation already remembered becomes
   * REPLAYED. The shared store (Redis) answers later; a memory store at once.
   */
  #remember({ results, remember }: Pick<Verified, 'results' | 'remember'>): VerifyResult[] | Promise<VerifyResult[]> {
    let later: Promise<void>[] | undefined;
    for (let i = 0; i < results.length; i++) {
      const r = remember[i];
      if (r === null || r === undefined) continue;
      const answer = this.#o.replay.rememberOnce(r.key, r.nowSeconds, r.untilSeconds);
      if (answer instanceof Promise) (later ??= []).push(answer.then((a) => void (results[i] = afterReplay(results[i]!, a))));
      else results[i] = afterReplay(results[i]!, answer);
    }
    return later === undefined ? results : Promise.all(later).then(() => results);
  }

  #start(restarts = 0): Thread {
    const thread: Thread = {
      channel: new WorkerChannel<VerifyJob, Verified>({
        file: THREAD_FILE,
        worker: { workerData: this.#o.settings, name: 'mleg verifier', resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } },
        eager: true,
        batch: true,
        // A thread asks here whenever its copy of the status lists cannot answer.
        onAsk: (ask) => this.#statusFor(ask as StatusAsk),
        onLost: (why, calls) => this.#lost(thread, why, calls),
      }),
      verified: 0,
      restarts,
      trust: undefined,
      cache: { hits: 0, misses: 0, size: 0 },
    };
    return thread;
  }

  async #statusFor({ uri, idx, iss, nowSeconds }: StatusAsk): Promise<StatusAnswer> {
    try {
      return await this.#o.status.lookup(uri, idx, iss, nowSeconds);
    } catch (err) {
      return { state: 'unavailable', reason: `status lookup failed: ${(err as Error).message}` };
    }
  }

  #lost(thread: Thread, why: string, jobs: number): void {
    const at = this.#threads.indexOf(thread);
    if (at < 0) return;
    if (!this.#closed) this.#o.log.error({ why, jobs }, 'verifier thread lost; its jobs are verified on the main thread and the thread is started again');
    this.#threads.splice(at, 1);
    void thread.channel.close();
    if (this.#closed) return;
    // At once the first time; a thread that keeps dying (say, its module is missing) is retried
    // ever more slowly, while the main thread verifies in its place.
    const delay = thread.restarts === 0 ? 0 : Math.min(1000 * 2 ** (thread.restarts - 1), 60_000);
    setTimeout(() => {
      if (!this.#closed) this.#threads.push(this.#start(thread.restarts + 1));
    }, delay).unref();
  }

  #sendTrust(thread: Thread, trust: TrustList): void {
    thread.trust = trust;
    this.#post(thread, { type: 'trust', keys: [...trust.keys.values()].map(trustedKeyData), loadedAt: trust.loadedAt, source: trust.source });
    // The thread forgets its lists with the old keys; send those that check out under the new ones.
    for (const slot of this.#o.status.slots()) this.#post(thread, { type: 'list', ...slot, list: this.#sharedList(slot) });
  }

  #sendList(slot: Slot): void {
    const list = this.#sharedList(slot);
    for (const thread of this.#threads) if (thread.trust !== undefined) this.#post(thread, { type: 'list', ...slot, list });
  }

  /** The main thread's list for a slot, its bytes copied once into shared memory. */
  #sharedList({ uri, iss }: Slot): SharedStatusList | undefined {
    const list = this.#o.status.current(uri, iss);
    if (list === undefined) return undefined;
    let shared = this.#shared.get(list);
    if (shared === undefined) {
      const bytes = new Uint8Array(new SharedArrayBuffer(list.bytes.length));
      bytes.set(list.bytes);
      shared = { uri, iss: list.iss, iat: list.iat, ...(list.exp !== undefined ? { exp: list.exp } : {}), bits: list.bits, bytes, entries: list.entries };
      this.#shared.set(list, shared);
    }
    return shared;
  }

  #post(thread: Thread, message: ThreadPost): void {
    thread.channel.post(message);
  }
}
