/**
 * The verification core assembled for a running process: trust list (reloaded on
 * change), status lists, caches and replay memory around the pure `verify`.
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Config } from './config/config.js';
import type { Logger } from './logger.js';
import type { Client } from './pool/inline-rule.js';
import { VerifierPool } from './pool/verifier-pool.js';
import { systemClock, type Clock, type Timer } from './clock.js';
import { GENERATION_SECONDS, MemoryReplayStore, type ReplayStore } from './replay/replay-store.js';
import { StatusArchive } from './status/status-archive.js';
import { StatusLists } from './status/status-lists.js';
import { TrustStore } from './trust/trust-store.js';
import { CredentialCache } from './verify/credential-cache.js';
import type { VerifyResult } from './verify/result.js';
import { verify, type VerifyDeps } from './verify/verify.js';

/** Told of every verification: where it came from (http, batch, a scanner id), its result, how long it took. */
export type VerificationObserver = (source: string, result: VerifyResult, seconds: number) => void;

export interface VerifierOptions {
  /**
   * Verify on `config.workers` threads (default one per core) rather than on this one:
   * for `mleg serve`. A single verification (`mleg verify`) is quicker without.
   */
  threads?: boolean;
  /** The clock of status-list refreshes and of forgetting replay memory (tests advance their own). */
  clock?: Clock;
  /** Replay memory (default: this process's own); `mleg serve` with `replay.store: "redis"` gives the fleet's shared store. */
  replay?: ReplayStore;
}

export class Verifier {
  readonly trust: TrustStore;
  readonly status: StatusLists;
  /** This thread's credential cache (all of it without threads). */
  readonly credentials: CredentialCache;
  readonly replay: ReplayStore;
  /** Present when verifications run on threads (src/pool/). */
  readonly pool: VerifierPool | undefined;
  readonly #deps: VerifyDeps;
  readonly #config: Config;
  readonly #log: Logger;
  #observers: VerificationObserver[] = [];
  readonly #clock: Clock;
  #verifiedHere = 0;
  #forgetting: Timer | undefined;

  /** Throws TrustListError when the trust list is missing or invalid. */
  constructor(config: Config, log: Logger, options: VerifierOptions = {}) {
    this.#config = config;
    this.#log = log;
    this.#clock = options.clock ?? systemClock;
    this.trust = new TrustStore(config.trust.file);
    this.credentials = new CredentialCache(config.cache.credentials);
    this.replay = options.replay ?? new MemoryReplayStore();
    const s = config.status;
    this.status = new StatusLists({
      trust: () => this.trust.current,
      allowHttp: s.allowHttp,
      maxAgeSeconds: s.maxAgeSeconds,
      clockSkewSeconds: config.clockSkewSeconds,
      refreshSeconds: s.refreshSeconds,
      timeoutMs: s.fetchTimeoutMs,
      maxBytes: s.maxResponseBytes,
      maxRedirects: s.maxRedirects,
      files: s.files,
      archive: s.dataDir === null ? undefined : new StatusArchive(s.dataDir),
      log: log.child({ part: 'status' }),
      clock: this.#clock,
    });
    const trust = this.trust;
    this.#deps = {
      get trust() {
        return trust.current;
      },
      credentials: this.credentials,
      status: this.status,
      replay: this.replay,
      policy: {
        requireProof: config.presentation.requireProof,
        proofMaxAgeSeconds: config.presentation.maxAgeSeconds,
        proofFutureSkewSeconds: config.presentation.futureSkewSeconds,
        clockSkewSeconds: config.clockSkewSeconds,
        onStatusUnavailable: s.onUnavailable,
      },
    };
    const threads = config.workers ?? availableParallelism();
    if (options.threads === true && threads > 1) {
      this.pool = new VerifierPool({
        threads,
        settings: { policy: this.#deps.policy, cacheSize: config.cache.credentials, status: { maxAgeSeconds: s.maxAgeSeconds, clockSkewSeconds: config.clockSkewSeconds } },
        trust: () => this.trust.current,
        status: this.status,
        replay: this.replay,
        fallback: (payloads, now) => this.#verifyHere(payloads, now),
        log,
      });
    }
  }

  /** Starts the verifier threads, if there are to be any (until then, verifications are made on this thread). */
  startThreads(): void {
    this.pool?.start();
  }

  /** Credential cache counts, of every thread (this one's included). */
  get credentialCounts(): { hits: number; misses: number; size: number } {
    const here = this.credentials;
    const threads = this.pool?.cache ?? { hits: 0, misses: 0, size: 0 };
    return { hits: here.hits + threads.hits, misses: here.misses + threads.misses, size: here.size + threads.size };
  }

  /**
   * Presentations verified on this thread: all of them without threads; with threads, those
   * that came alone while the threads were idle, and those of a lost thread.
   */
  get verifiedHere(): number {
    return this.#verifiedHere;
  }

  /**
   * Restores and loads status lists; starts watching the trust list; starts the verifier
   * threads, unless told to leave that to `startThreads` (the service starts them once it
   * is ready: on two cores their start held its own back by half a second or more).
   */
  start(o: { threads?: 'now' | 'later' } = {}): void {
    if (o.threads !== 'later') this.startThreads();
    this.status.start();
    this.#forgetOnTimer();
    if (this.#config.trust.watch) {
      this.trust.watch((outcome) => {
        if (!outcome.ok) this.#log.error({ file: this.trust.file, error: outcome.error }, 'trust list change refused; keeping the previous list');
        else if (outcome.changed) this.#log.info({ file: this.trust.file, keys: outcome.list.keys.size }, 'trust list reloaded');
      });
    }
    this.#log.info({ file: this.trust.file, keys: this.trust.current.keys.size }, 'trust list loaded');
  }

  /**
   * Verifies one payload now: on this thread (synchronously when its status list is held)
   * without threads, or when the pool leaves it here (the threads idle, no other client
   * asking: a lone till, src/pool/inline-rule.ts); otherwise on a thread.
   * @param source what presented it: "http", "batch", "image", or a scanner id
   * @param client who asks: the HTTP connection (its socket); by default the source
   */
  verify(payload: string, source: string, now = Date.now(), client: Client = source): VerifyResult | Promise<VerifyResult> {
    const pool = this.pool;
    if (pool !== undefined && !pool.leavesToCaller(client)) {
      const started = performance.now();
      return pool.verify([payload], now).then(([result]) => this.#observe(source, result!, started));
    }
    this.#verifiedHere++;
    const observed = this.#observers.length > 0;
    const started = observed ? performance.now() : 0;
    const result = verify(payload, now, this.#deps);
    pool?.doneHere();
    if (!observed) return result;
    if (result instanceof Promise) return result.then((r) => this.#observe(source, r, started));
    return this.#observe(source, result, started);
  }

  /** Verifies payloads in order (replay memory sees them in that order), spread over the threads when there are any. */
  async verifyAll(payloads: string[], source: string, now = Date.now()): Promise<VerifyResult[]> {
    const started = performance.now();
    const results = await (this.pool?.verify(payloads, now) ?? this.#verifyHere(payloads, now));
    for (const result of results) this.#observe(source, result, started, results.length);
    return results;
  }

  /** On this thread, in order: without threads, and for the jobs of a lost one. */
  async #verifyHere(payloads: string[], now: number): Promise<VerifyResult[]> {
    this.#verifiedHere += payloads.length;
    const results: VerifyResult[] = [];
    for (const payload of payloads) results.push(await verify(payload, now, this.#deps));
    return results;
  }

  observe(observer: VerificationObserver): void {
    this.#observers.push(observer);
  }

  /** @param of how many verifications shared the time since `started` */
  #observe(source: string, result: VerifyResult, started: number, of = 1): VerifyResult {
    const seconds = (performance.now() - started) / 1000 / of;
    for (const observer of this.#observers) {
      try {
        observer(source, result, seconds);
      } catch (err) {
        this.#log.error({ err: (err as Error).message }, 'verification observer failed');
      }
    }
    return result;
  }

  /** Replay memory forgets past generations every GENERATION_SECONDS, scans or not. */
  #forgetOnTimer(): void {
    this.#forgetting = this.#clock.after(GENERATION_SECONDS * 1000, () => {
      this.replay.forgetPast(Math.floor(this.#clock.now() / 1000));
      this.#forgetOnTimer();
    });
  }

  close(): void {
    this.#forgetting?.cancel();
    this.pool?.close();
    this.trust.close();
    this.status.close();
  }
}
