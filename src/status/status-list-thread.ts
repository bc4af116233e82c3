/**
 * The main thread's side of the status list thread (status-list-worker.ts): each load is
 * answered with the checked list or why not, within a deadline. The thread starts on
 * first use, never keeps the process alive by itself, stops after a while without work
 * (it holds a few megabytes), and starts afresh after it is lost.
 */
import type { Worker } from 'node:worker_threads';
import type { TrustList } from '../trust/trust-list.js';
import { siblingModule, startWorker } from '../worker-thread.js';
import type { FetchLimits } from './fetch-status-list.js';
import type { LoadOutcome, LoadReply, LoadRequest } from './status-list-worker.js';

const WORKER_FILE = siblingModule('status-list-worker', import.meta.url);

/** Lists are refreshed every few minutes at most: the thread is not kept between refreshes. */
const IDLE_MS = 30_000;

/** On top of the fetch timeout: time to check a list at the inflate cap, and to start the thread. */
const CHECK_MARGIN_MS = 10_000;

interface Job {
  resolve: (outcome: LoadOutcome) => void;
  timer: NodeJS.Timeout;
}

export class StatusListThread {
  #worker: Worker | null = null;
  readonly #jobs = new Map<number, Job>();
  #nextId = 1;
  #idle: NodeJS.Timeout | undefined;
  #closed = false;

  /** The list at `uri` (read from `file` when given), checked against `trust`. Never rejects. */
  load(uri: string, file: string | undefined, limits: FetchLimits, trust: TrustList): Promise<LoadOutcome> {
    if (this.#closed) return Promise.resolve({ ok: false, reason: 'the status list thread is closed' });
    clearTimeout(this.#idle);
    const id = this.#nextId++;
    const waitMs = limits.timeoutMs + CHECK_MARGIN_MS;
    const answer = new Promise<LoadOutcome>((resolve) => {
      // A pending job's timer keeps the process alive until its answer (the thread itself does not).
      const timer = setTimeout(() => this.#settle(id, { ok: false, reason: `no answer from the status list thread within ${waitMs} ms` }), waitMs);
      this.#jobs.set(id, { resolve, timer });
    });
    const { allowHttp, timeoutMs, maxBytes, maxRedirects } = limits;
    const request: LoadRequest = { id, uri, file, limits: { allowHttp, timeoutMs, maxBytes, maxRedirects }, keys: [...trust.keys.values()] };
    try {
      (this.#worker ??= this.#start()).postMessage(request);
    } catch (err) {
      this.#settle(id, { ok: false, reason: 'the status list thread cannot start', detail: (err as Error).message });
    }
    return answer;
  }

  /** Answers every pending load with a failure and stops the thread. */
  close(): void {
    this.#closed = true;
    this.#failAll('the status list thread is closed');
    this.#stop();
  }

  #start(): Worker {
    const worker = startWorker(WORKER_FILE);
    worker.unref();
    worker.on('message', (reply: LoadReply) => this.#settle(reply.id, reply.outcome));
    const lost = (err: Error): void => {
      if (this.#worker !== worker) return; // one that was stopped on purpose
      this.#worker = null;
      this.#failAll('the status list thread stopped', err.message);
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`the status list thread stopped (exit code ${code})`)));
    return worker;
  }

  #settle(id: number, outcome: LoadOutcome): void {
    const job = this.#jobs.get(id);
    if (job === undefined) return; // answered already (its deadline passed)
    this.#jobs.delete(id);
    clearTimeout(job.timer);
    job.resolve(outcome);
    if (this.#jobs.size === 0 && this.#worker !== null) {
      this.#idle = setTimeout(() => this.#stop(), IDLE_MS);
      this.#idle.unref();
    }
  }

  #failAll(reason: string, detail?: string): void {
    for (const id of [...this.#jobs.keys()]) this.#settle(id, { ok: false, reason, ...(detail === undefined ? {} : { detail }) });
  }

  #stop(): void {
    clearTimeout(this.#idle);
    const worker = this.#worker;
    this.#worker = null;
    void worker?.terminate();
  }
}
