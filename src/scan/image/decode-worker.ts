/**
 * The decoding thread: loads the configured decoder once, then answers one image at a
 * time with the codes found. Runs in a worker so that a slow image never holds up the
 * event loop, and so that it can be stopped when it takes too long.
 */
import { workerData } from 'node:worker_threads';
import { serveCalls } from '../../worker/serve.js';
import { findCodes, type FoundCodes } from './find-codes.js';
import type { GreyImage } from './grey-image.js';
import { loadQrDecoder } from './load-qr-decoder.js';
import type { QrDecoder, QrDecoderName } from './qr-decoder.js';

export interface DecodeRequest {
  image: GreyImage;
}

let decoder: Promise<QrDecoder> | undefined;

serveCalls<DecodeRequest, FoundCodes>(async ({ image }) => {
  decoder ??= loadQrDecoder((workerData as { decoder: QrDecoderName }).decoder);
  return findCodes(image, await decoder);
});
