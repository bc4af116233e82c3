/**
 * The verification core assembled for a running process: trust list (reloaded on
 * change), status lists, caches and replay memory around the pure `verify`.
 */
import { performance } from 'node:perf_hooks';
import type { Config } from './config/config.js';
import type { Logger } from './logger.js';
import { MemoryReplayStore } from './replay/replay-store.js';
import { StatusArchive } from './status/status-archive.js';
import { StatusLists } from './status/status-lists.js';
import { TrustStore } from './trust/trust-store.js';
import { CredentialCache } from './verify/credential-cache.js';
import type { VerifyResult } from './verify/result.js';
import { verify, type VerifyDeps } from './verify/verify.js';

/** Told of every verification: where it came from (http, batch, a scanner id), its result, how long it took. */
export type VerificationObserver = (source: string, result: VerifyResult, seconds: number) => void;

export class Verifier {
  readonly trust: TrustStore;
  readonly status: StatusLists;
  readonly credentials: CredentialCache;
  readonly replay = new MemoryReplayStore();
  readonly #deps: VerifyDeps;
  readonly #config: Config;
  readonly #log: Logger;
  #observers: VerificationObserver[] = [];

  /** Throws TrustListError when the trust list is missing or invalid. */
  constructor(config: Config, log: Logger) {
    this.#config = config;
    this.#log = log;
    this.trust = new TrustStore(config.trust.file);
    this.credentials = new CredentialCache(config.cache.credentials);
    const s = config.status;
    this.status = new StatusLists({
      trust: () => this.trust.current,
      allowHttp: s.allowHttp,
      maxAgeSeconds: s.maxAgeSeconds,
      refreshSeconds: s.refreshSeconds,
      timeoutMs: s.fetchTimeoutMs,
      maxBytes: s.maxResponseBytes,
      maxRedirects: s.maxRedirects,
      files: s.files,
      archive: s.dataDir === null ? undefined : new StatusArchive(s.dataDir),
      log: log.child({ part: 'status' }),
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
  }

  /** Restores and loads status lists; starts watching the trust list. */
  start(): void {
    this.status.start();
    if (this.#config.trust.watch) {
      this.trust.watch((outcome) => {
        if (!outcome.ok) this.#log.error({ file: this.trust.file, error: outcome.error }, 'trust list change refused; keeping the previous list');
        else if (outcome.changed) this.#log.info({ file: this.trust.file, keys: outcome.list.keys.size }, 'trust list reloaded');
      });
    }
    this.#log.info({ file: this.trust.file, keys: this.trust.current.keys.size }, 'trust list loaded');
  }

  /**
   * Verifies one payload now. Synchronous when the status list is cached.
   * @param source what presented it: "http", "batch", "image", or a scanner id
   */
  verify(payload: string, source: string, now = Date.now()): VerifyResult | Promise<VerifyResult> {
    if (this.#observers.length === 0) return verify(payload, now, this.#deps);
    const started = performance.now();
    const result = verify(payload, now, this.#deps);
    if (result instanceof Promise) return result.then((r) => this.#observe(source, r, started));
    return this.#observe(source, result, started);
  }

  observe(observer: VerificationObserver): void {
    this.#observers.push(observer);
  }

  #observe(source: string, result: VerifyResult, started: number): VerifyResult {
    const seconds = (performance.now() - started) / 1000;
    for (const observer of this.#observers) {
      try {
        observer(source, result, seconds);
      } catch (err) {
        this.#log.error({ err: (err as Error).message }, 'verification observer failed');
      }
    }
    return result;
  }

  close(): void {
    this.trust.close();
    this.status.close();
  }
}
