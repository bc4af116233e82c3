/**
 * The one way this project talks to a worker thread (the status list thread, the image
 * decoder, the verifier threads): calls answered by id, each with an optional deadline;
 * the worker started on first use (or at once) and never keeping the process alive;
 * stopped after a while without work; its loss answering every call it had in hand; and a
 * close that answers everything. The worker's side is serve.ts.
 *
 * A call fails with a coded error: DEADLINE_PASSED, WORKER_LOST, CLOSED, or the code the
 * worker's handler threw.
 */
import type { Worker, WorkerOptions } from 'node:worker_threads';
import { ERRORS, MlegError, type ErrorCode } from '../errors.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { startWorker } from './start-worker.js';

export interface ChannelOptions {
  /** The worker module: siblingModule(name, import.meta.url). */
  file: URL;
  worker?: WorkerOptions;
  /** Calls the worker has in hand at once; the rest wait, in order (1: one after another). Default: no limit. */
  concurrency?: number;
  /** Stop the worker after this long with no call in hand; the next call starts a fresh one. */
  idleMs?: number;
  /** At the deadline of a call the worker is working on, stop the worker too (it may be stuck). */
  stopOnDeadline?: boolean;
  /** Answers what the worker asks on its own (serve.ts `ask`). */
  onAsk?: (message: unknown) => unknown;
  /** Told when the worker stops without being asked to, and how many calls it had in hand (they fail with WORKER_LOST). */
  onLost?: (why: string, calls: number) => void;
  /** Start the worker now rather than at the first call. */
  eager?: boolean;
  /**
   * Calls made in one turn of the event loop go to the worker as one message, once the turn's
   * I/O is done (setImmediate), and the answers it has at once come back as one: a message to
   * a worker asleep costs the sender several times what one to a worker awake does (the
   * kernel wakes the thread), and under load most calls found the worker asleep
   * (bench/results/findings.md, "a message to a worker thread").
   */
  batch?: boolean;
}

export interface CallOptions {
  /** Milliseconds since the epoch; absent: no deadline. */
  deadline?: number;
  /** Buffers moved (not copied) to the worker with the request. */
  transfer?: ArrayBuffer[];
}

interface Call {
  id: number;
  request: unknown;
  transfer: ArrayBuffer[];
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

export class WorkerChannel<Request, Reply> {
  readonly #o: ChannelOptions;
  #worker: Worker | null = null;
  /** Sent to the worker, not answered yet. */
  readonly #inHand = new Map<number, Call>();
  /** Waiting for the worker to have room (concurrency). */
  readonly #waiting: Call[] = [];
  #nextId = 1;
  #idle: NodeJS.Timeout | undefined;
  #closed = false;
  /** Calls in hand not sent yet (batch), and the buffers they move. */
  #outgoing: { id: number; request: unknown }[] = [];
  #outgoingTransfer: ArrayBuffer[] = [];
  #flush: NodeJS.Immediate | undefined;

  constructor(options: ChannelOptions) {
    this.#o = options;
    if (options.eager) this.#worker = this.#start();
  }

  /** Calls sent or waiting. */
  get pending(): number {
    return this.#inHand.size + this.#waiting.length;
  }

  call(request: Request, o: CallOptions = {}): Promise<Reply> {
    if (this.#closed) return Promise.reject(coded('CLOSED', 'the worker thread is closed'));
    clearTimeout(this.#idle);
    return new Promise<Reply>((resolve, reject) => {
      const call: Call = { id: this.#nextId++, request, transfer: o.transfer ?? [], resolve: resolve as (value: unknown) => void, reject, timer: undefined };
      if (o.deadline !== undefined) {
        // A deadline's timer keeps the process alive until the answer (the worker itself does not).
        call.timer = setTimeout(() => this.#expire(call), Math.max(0, o.deadline - Date.now()));
      }
      this.#waiting.push(call);
      this.#next();
    });
  }

  /** A message that needs no answer (the worker's `onPost`). */
  post(message: unknown, transfer: ArrayBuffer[] = []): void {
    if (this.#closed) return;
    this.#send({ kind: 'post', message }, transfer);
  }

  /** Stops the worker as a crash would (for tests of the recovery). */
  async crash(): Promise<void> {
    await this.#worker?.terminate();
  }

  /** Answers every call with CLOSED and stops the worker. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#idle);
    for (const call of [...this.#waiting.splice(0), ...this.#inHand.values()]) this.#settle(call, coded('CLOSED', 'the worker thread is closed'));
    this.#inHand.clear();
    await this.#stop();
  }

  #next(): void {
    const limit = this.#o.concurrency ?? Infinity;
    while (this.#waiting.length > 0 && this.#inHand.size < limit && !this.#closed) {
      const call = this.#waiting.shift()!;
      this.#inHand.set(call.id, call);
      if (this.#o.batch !== true) {
        this.#send({ kind: 'call', id: call.id, request: call.request }, call.transfer);
        continue;
      }
      this.#outgoing.push({ id: call.id, request: call.request });
      this.#outgoingTransfer.push(...call.transfer);
      this.#flush ??= setImmediate(() => this.#sendOutgoing());
    }
  }

  /** The batch of calls made this turn, as one message (those no longer in hand left out). */
  #sendOutgoing(): void {
    this.#flush = undefined;
    const calls = this.#outgoing.filter(({ id }) => this.#inHand.has(id));
    const transfer = this.#outgoingTransfer;
    this.#outgoing = [];
    this.#outgoingTransfer = [];
    if (calls.length > 0 && !this.#closed) this.#send({ kind: 'calls', calls }, transfer);
  }

  #send(message: ToWorker, transfer: ArrayBuffer[]): void {
    try {
      (this.#worker ??= this.#start()).postMessage(message, transfer);
    } catch (err) {
      this.#lost(this.#worker, `the message could not be sent (${(err as Error).message})`);
    }
  }

  #start(): Worker {
    const worker = startWorker(this.#o.file, this.#o.worker);
    worker.unref();
    worker.on('message', (message: FromWorker) => this.#receive(worker, message));
    worker.on('error', (err) => this.#lost(worker, err.message));
    worker.on('exit', (code) => this.#lost(worker, `the worker thread stopped (exit code ${code})`));
    return worker;
  }

  #receive(worker: Worker, message: FromWorker): void {
    if (message.kind === 'results') {
      for (const result of message.results) this.#receive(worker, result);
      return;
    }
    if (message.kind === 'ask') {
      void Promise.resolve()
        .then(() => this.#o.onAsk?.(message.message))
        .then((value) => {
          if (this.#worker === worker) worker.postMessage({ kind: 'answer', id: message.id, value } satisfies ToWorker);
        });
      return;
    }
    const call = this.#inHand.get(message.id);
    if (call === undefined) return; // answered already (its deadline passed)
    this.#inHand.delete(message.id);
    if (message.ok) this.#settle(call, undefined, message.value);
    else this.#settle(call, remoteError(message.error));
    this.#afterCall();
  }

  #expire(call: Call): void {
    const waiting = this.#waiting.indexOf(call);
    if (waiting >= 0) this.#waiting.splice(waiting, 1);
    else if (this.#inHand.delete(call.id) && this.#o.stopOnDeadline) void this.#stop();
    this.#settle(call, coded('DEADLINE_PASSED', 'the worker thread did not answer in time'));
    this.#afterCall();
  }

  /** The worker went away without being asked: what it had in hand fails; what waits goes to a fresh one. */
  #lost(worker: Worker | null, why: string): void {
    if (worker === null || this.#worker !== worker) return; // one stopped on purpose
    this.#worker = null;
    const calls = this.#inHand.size;
    for (const call of this.#inHand.values()) this.#settle(call, coded('WORKER_LOST', why));
    this.#inHand.clear();
    if (!this.#closed) this.#o.onLost?.(why, calls);
    this.#next();
  }

  #afterCall(): void {
    this.#next();
    if (this.pending === 0 && this.#worker !== null && this.#o.idleMs !== undefined) {
      this.#idle = setTimeout(() => void this.#stop(), this.#o.idleMs);
      this.#idle.unref();
    }
  }

  /** Stops the worker on purpose: what it had in hand fails at once, what waits goes to a fresh one. */
  async #stop(): Promise<void> {
    const worker = this.#worker;
    this.#worker = null;
    const orphans = [...this.#inHand.values()];
    this.#inHand.clear();
    for (const call of orphans) this.#settle(call, coded('WORKER_LOST', 'the worker thread was stopped'));
    this.#next();
    await worker?.terminate();
  }

  #settle(call: Call, err: Error | undefined, value?: unknown): void {
    clearTimeout(call.timer);
    if (err !== undefined) call.reject(err);
    else call.resolve(value);
  }
}

function coded(code: ErrorCode, message: string): MlegError {
  return new MlegError(code, message);
}

/** The worker's error, coded as it was thrown when its code is one of ours. */
function remoteError(error: { code: string | undefined; message: string; cause: string | undefined }): Error {
  const options = error.cause === undefined ? undefined : { cause: error.cause };
  return error.code !== undefined && Object.hasOwn(ERRORS, error.code) ? new MlegError(error.code as ErrorCode, error.message, options) : new Error(error.message, options);
}
