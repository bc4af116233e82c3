/**
 * The decoding thread: loads the configured decoder once, then answers one image at a
 * time with the codes found. Runs in a worker so that a slow image never holds up the
 * event loop, and so that it can be stopped when it takes too long.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { findCodes, type FoundCodes } from './find-codes.js';
import type { GreyImage } from './grey-image.js';
import { loadQrDecoder } from './load-qr-decoder.js';
import type { QrDecoder, QrDecoderName } from './qr-decoder.js';

export interface DecodeRequest {
  id: number;
  image: GreyImage;
}

export type DecodeReply = { id: number; ok: true; found: FoundCodes } | { id: number; ok: false; error: string };

const port = parentPort!;
let decoder: Promise<QrDecoder> | undefined;

port.on('message', async ({ id, image }: DecodeRequest) => {
  let reply: DecodeReply;
  try {
    decoder ??= loadQrDecoder((workerData as { decoder: QrDecoderName }).decoder);
    reply = { id, ok: true, found: await findCodes(image, await decoder) };
  } catch (err) {
    reply = { id, ok: false, error: (err as Error).message };
  }
  port.postMessage(reply);
});
