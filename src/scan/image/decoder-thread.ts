/**
 * The main thread's side of the decoding worker: one image at a time, in arrival order;
 * each with a deadline. A job still waiting at its deadline is dropped; a job running at
 * its deadline stops the worker, and the next job starts a fresh one.
 */
import type { Worker } from 'node:worker_threads';
import { siblingModule, startWorker } from '../../worker-thread.js';
import type { DecodeReply, DecodeRequest } from './decode-worker.js';
import type { FoundCodes } from './find-codes.js';
import type { GreyImage } from './grey-image.js';
import type { QrDecoderName } from './qr-decoder.js';

const WORKER_FILE = siblingModule('decode-worker', import.meta.url);

interface Job {
  id: number;
  image: GreyImage;
  resolve: (found: FoundCodes) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class DeadlinePassed extends Error {
  override name = 'DeadlinePassed';
}

export class DecoderThread {
  readonly decoder: QrDecoderName;
  #worker: Worker | null = null;
  #running: Job | null = null;
  readonly #waiting: Job[] = [];
  #nextId = 1;
  #closed = false;

  constructor(decoder: QrDecoderName) {
    this.decoder = decoder;
  }

  /**
   * The codes in `image`; rejects with DeadlinePassed at `deadline` (ms since the epoch).
   * The pixels are moved to the worker (copied where the buffer cannot move, e.g. sharp's).
   */
  findCodes(image: GreyImage, deadline: number): Promise<FoundCodes> {
    if (this.#closed) return Promise.reject(new Error('the decoder thread is closed'));
    return new Promise((resolve, reject) => {
      const job: Job = { id: this.#nextId++, image, resolve, reject, timer: setTimeout(() => this.#expire(job), Math.max(0, deadline - Date.now())) };
      this.#waiting.push(job);
      this.#next();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const job of [...this.#waiting.splice(0), ...(this.#running ? [this.#running] : [])]) this.#settle(job, new Error('the decoder thread is closed'));
    this.#running = null;
    const worker = this.#worker;
    this.#worker = null;
    await worker?.terminate();
  }

  #next(): void {
    if (this.#running !== null || this.#closed) return;
    const job = this.#waiting.shift();
    if (job === undefined) return;
    this.#running = job;
    const request: DecodeRequest = { id: job.id, image: job.image };
    const { data } = job.image;
    const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
    if (!whole) request.image = { ...job.image, data: data.slice() }; // never hand over a buffer shared with others
    (this.#worker ??= this.#start()).postMessage(request, [request.image.data.buffer as ArrayBuffer]);
  }

  #start(): Worker {
    const worker = startWorker(WORKER_FILE, { workerData: { decoder: this.decoder } });
    worker.unref();
    worker.on('message', (reply: DecodeReply) => {
      const job = this.#running;
      if (job === null || job.id !== reply.id) return;
      this.#running = null;
      this.#settle(job, reply.ok ? reply.found : new Error(reply.error));
      this.#next();
    });
    const lost = (err: Error) => {
      if (this.#worker !== worker) return; // one that was stopped on purpose
      this.#worker = null;
      const job = this.#running;
      this.#running = null;
      if (job !== null) this.#settle(job, err);
      this.#next();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`the decoder thread stopped (exit code ${code})`)));
    return worker;
  }

  #expire(job: Job): void {
    if (this.#running === job) {
      this.#running = null;
      const worker = this.#worker;
      this.#worker = null;
      void worker?.terminate();
    } else {
      const i = this.#waiting.indexOf(job);
      if (i >= 0) this.#waiting.splice(i, 1);
    }
    this.#settle(job, new DeadlinePassed());
    this.#next();
  }

  #settle(job: Job, outcome: FoundCodes | Error): void {
    clearTimeout(job.timer);
    if (outcome instanceof Error) job.reject(outcome);
    else job.resolve(outcome);
  }
}
