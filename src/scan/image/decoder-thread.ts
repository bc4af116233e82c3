/**
 * The main thread's side of the decoding worker, over a worker channel
 * (src/worker/channel.ts): one image at a time, in arrival order, each with a deadline. A
 * job still waiting at its deadline is dropped; a job running at its deadline stops the
 * worker (a decoder may be stuck), and the next job starts a fresh one. Rejections are
 * coded: DEADLINE_PASSED, WORKER_LOST, CLOSED.
 */
import { WorkerChannel } from '../../worker/channel.js';
import { siblingModule } from '../../worker/start-worker.js';
import type { DecodeRequest } from './decode-worker.js';
import type { FoundCodes } from './find-codes.js';
import type { GreyImage } from './grey-image.js';
import type { QrDecoderName } from './qr-decoder.js';

export class DecoderThread {
  readonly decoder: QrDecoderName;
  readonly #channel: WorkerChannel<DecodeRequest, FoundCodes>;

  constructor(decoder: QrDecoderName) {
    this.decoder = decoder;
    this.#channel = new WorkerChannel({ file: siblingModule('decode-worker', import.meta.url), worker: { workerData: { decoder } }, concurrency: 1, stopOnDeadline: true });
  }

  /**
   * The codes in `image`; rejects with DEADLINE_PASSED at `deadline` (ms since the epoch).
   * The pixels are moved to the worker (copied where the buffer cannot move, e.g. sharp's).
   */
  findCodes(image: GreyImage, deadline: number): Promise<FoundCodes> {
    const { data } = image;
    const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
    const moved = whole ? image : { ...image, data: data.slice() }; // never hand over a buffer shared with others
    return this.#channel.call({ image: moved }, { deadline, transfer: [moved.data.buffer as ArrayBuffer] });
  }

  close(): Promise<void> {
    return this.#channel.close();
  }
}
