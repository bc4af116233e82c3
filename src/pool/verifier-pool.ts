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
 * jobs verified here instead, and is started again.
 */
import type { Worker } from 'node:worker_threads';
import type { Logger } from '../logger.js';
import type { ReplayStore } from '../replay/replay-store.js';
import type { StatusList } from '../status/status-list-token.js';
import type { StatusLists } from '../status/status-lists.js';
import type { TrustList } from '../trust/trust-list.js';
import type { VerifyResult } from '../verify/result.js';
import type { StatusAnswer } from '../verify/status-answer.js';
import { afterReplay } from '../verify/verify.js';
import { siblingModule, startWorker } from '../worker-thread.js';
import type { SharedStatusList } from './status-mirror.js';
import type { FromThread, ThreadSettings, ToThread } from './verifier-thread.js';

/**
 * A verifier thread's young generation (V8's default grows to 48 MB). Each signature check
 * leaves a native object for the next minor collection to finalise, so with the default a
 * thread under load paused 5 ms on average and up to 12 ms per collection, and every
 * request queued on it waited that long; at 6 MB the pauses are ~2 ms (at most ~6 ms) at
 * the same throughput (bench/http.bench.ts p99, bench/verify.bench.ts pool).
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

/** A thread's answer: results, and for each VALID one what replay memory should remember. */
type Verified = Pick<Extract<FromThread, { type: 'verified' }>, 'results' | 'remember'>;

interface Job {
  payloads: string[];
  now: number;
  resolve: (verified: Verified) => void;
}

interface Thread {
  worker: Worker;
  jobs: Map<number, Job>;
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
  #nextId = 1;
  #closed = false;

  constructor(options: PoolOptions) {
    this.#o = options;
    this.#count = options.threads;
    for (let i = 0; i < options.threads; i++) this.#threads.push(this.#start());
    options.status.onChange((uri) => this.#sendList(uri));
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
    return this.#threads.map((t) => ({ verified: t.verified, in_hand: t.jobs.size, restarts: t.restarts }));
  }

  /** Stops thread `i` as a crash would (for tests of the recovery). */
  async crashThread(i: number): Promise<void> {
    await this.#threads[i]?.worker.terminate();
  }

  close(): void {
    this.#closed = true;
    for (const thread of this.#threads) void thread.worker.terminate();
  }

  #idlest(): Thread {
    let best = this.#threads[0]!;
    for (const thread of this.#threads) if (thread.jobs.size < best.jobs.size) best = thread;
    return best;
  }

  #send(thread: Thread, payloads: string[], now: number): Promise<Verified> {
    const trust = this.#o.trust();
    if (thread.trust !== trust) this.#sendTrust(thread, trust);
    const id = this.#nextId++;
    const verified = new Promise<Verified>((resolve) => thread.jobs.set(id, { payloads, now, resolve }));
    this.#post(thread, { type: 'verify', id, payloads, now });
    return verified;
  }

  /**
   * Replay memory, asked in order: a VALID presentation already remembered becomes
   * REPLAYED. The shared store (Redis) answers later; a memory store at once.
   */
  #remember({ results, remember }: Verified): VerifyResult[] | Promise<VerifyResult[]> {
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
    const settings: ThreadSettings = this.#o.settings;
    const worker = startWorker(THREAD_FILE, { workerData: settings, name: 'mleg verifier', resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
    worker.unref();
    const thread: Thread = { worker, jobs: new Map(), verified: 0, restarts, trust: undefined, cache: { hits: 0, misses: 0, size: 0 } };
    worker.on('message', (message: FromThread) => this.#receive(thread, message));
    worker.on('error', (err) => this.#lost(thread, err.message));
    worker.on('exit', (code) => this.#lost(thread, `exit code ${code}`));
    return thread;
  }

  #receive(thread: Thread, message: FromThread): void {
    if (message.type === 'status') {
      const { id, uri, idx, iss, nowSeconds } = message;
      void new Promise<StatusAnswer>((resolve) => resolve(this.#o.status.lookup(uri, idx, iss, nowSeconds)))
        .catch((err: Error) => ({ state: 'unavailable' as const, reason: `status lookup failed: ${err.message}` }))
        .then((answer) => this.#post(thread, { type: 'status', id, answer }));
      return;
    }
    const job = thread.jobs.get(message.id);
    if (job === undefined) return;
    thread.jobs.delete(message.id);
    thread.cache = message.cache;
    thread.verified += message.results.length;
    job.resolve(message);
  }

  #lost(thread: Thread, why: string): void {
    const at = this.#threads.indexOf(thread);
    if (at < 0) return;
    if (!this.#closed) this.#o.log.error({ why, jobs: thread.jobs.size }, 'verifier thread lost; its jobs are verified on the main thread and the thread is started again');
    // Verified here in full, replay included: nothing is left for #remember to do.
    for (const job of thread.jobs.values()) void this.#o.fallback(job.payloads, job.now).then((results) => job.resolve({ results, remember: [] }));
    thread.jobs.clear();
    this.#threads.splice(at, 1);
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
    this.#post(thread, { type: 'trust', keys: [...trust.keys.values()], loadedAt: trust.loadedAt, source: trust.source });
    // The thread forgets its lists with the old keys; send those that check out under the new ones.
    for (const uri of this.#o.status.uris()) this.#post(thread, { type: 'list', uri, list: this.#sharedList(uri) });
  }

  #sendList(uri: string): void {
    const list = this.#sharedList(uri);
    for (const thread of this.#threads) if (thread.trust !== undefined) this.#post(thread, { type: 'list', uri, list });
  }

  /** The main thread's list for `uri`, its bytes copied once into shared memory. */
  #sharedList(uri: string): SharedStatusList | undefined {
    const list = this.#o.status.current(uri);
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

  #post(thread: Thread, message: ToThread): void {
    try {
      thread.worker.postMessage(message);
    } catch (err) {
      this.#lost(thread, (err as Error).message);
    }
  }
}
