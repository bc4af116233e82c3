/**
 * An image in, the QR codes in it out: pixels (sharp, greyscale once, size-checked),
 * then the decoding thread, all within one deadline per image.
 */
import { isMlegError } from '../../errors.js';
import { DecoderThread } from './decoder-thread.js';
import type { Pass } from './find-codes.js';
import { ImageError } from './image-error.js';
import { readGreyImage } from './image-pixels.js';
import type { ImageOptions } from '../../config/image.js';
import type { DecodedCode } from './qr-decoder.js';

export type { ImageOptions } from '../../config/image.js';

export interface DecodedImage {
  /** In reading order. */
  codes: DecodedCode[];
  width: number;
  height: number;
  /** Which look at the image found the codes (null: none did), and how many looks it took. */
  pass: Pass | null;
  passes: number;
}

export class ImageDecoder {
  readonly #options: ImageOptions;
  readonly #thread: DecoderThread;

  constructor(options: ImageOptions) {
    this.#options = options;
    this.#thread = new DecoderThread(options.decoder);
  }

  /** Throws ImageError: NOT_AN_IMAGE, TOO_MANY_PIXELS, DECODE_TIMEOUT. */
  async decode(bytes: Uint8Array): Promise<DecodedImage> {
    const { maxPixels, timeoutMs } = this.#options;
    const deadline = Date.now() + timeoutMs;
    const pixels = readGreyImage(bytes, { maxPixels, timeoutSeconds: Math.ceil(timeoutMs / 1000) });
    const image = await beforeDeadline(pixels, deadline, () => timedOut(timeoutMs));
    const { width, height } = image;
    try {
      const found = await this.#thread.findCodes(image, deadline);
      return { codes: found.codes, width, height, pass: found.pass, passes: found.passes };
    } catch (err) {
      if (isMlegError(err, 'DEADLINE_PASSED')) throw timedOut(timeoutMs);
      throw err;
    }
  }

  close(): Promise<void> {
    return this.#thread.close();
  }
}

function timedOut(timeoutMs: number): ImageError {
  return new ImageError('DECODE_TIMEOUT', `decoding the image took longer than image.timeoutMs (${timeoutMs} ms); try again, or send a smaller or sharper picture`);
}

/** The work's outcome, or the `late` error if the deadline comes first (the work itself goes on: libvips stops at its own timeout). */
function beforeDeadline<T>(work: Promise<T>, deadline: number, late: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(late()), Math.max(0, deadline - Date.now()));
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
