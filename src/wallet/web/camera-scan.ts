/**
 * Scanning the letter's QR code with the phone's camera: getUserMedia, frames drawn to a
 * canvas a few times a second, read by the project's own QR decoder (zxing-wasm, its
 * `.wasm` served from /wallet/ — never a CDN) until a code is an offer this wallet takes.
 */
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import { MlegError } from '../../errors.js';
import { readOffer } from '../oid4vci-client.js';

const EVERY_MS = 250;
/** Frames are scaled down to this width: enough for a letter's code, cheap to read. */
const MAX_WIDTH = 960;

let prepared: Promise<unknown> | undefined;

function prepareDecoder(): Promise<unknown> {
  prepared ??= Promise.resolve(
    prepareZXingModule({ overrides: { locateFile: (path: string) => new URL(path, document.baseURI).href }, fireImmediately: true }),
  );
  return prepared;
}

/** Resolves with the first offer link seen; rejects CAMERA_UNAVAILABLE; stops the camera when done or when `signal` aborts. */
export async function scanOffer(video: HTMLVideoElement, signal: AbortSignal): Promise<string> {
  if (navigator.mediaDevices?.getUserMedia === undefined) throw new MlegError('CAMERA_UNAVAILABLE', 'this browser gives no camera here (it needs https)');
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'environment' } }, audio: false });
  } catch (err) {
    throw new MlegError('CAMERA_UNAVAILABLE', `the camera cannot be opened (${(err as Error).name})`, { cause: err });
  }
  const stop = () => {
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  };
  signal.addEventListener('abort', stop, { once: true });
  try {
    video.srcObject = stream;
    await video.play();
    await prepareDecoder();
    const canvas = document.createElement('canvas');
    const context = canvas.getContext('2d', { willReadFrequently: true })!;
    while (!signal.aborted) {
      if (video.videoWidth > 0) {
        const scale = Math.min(1, MAX_WIDTH / video.videoWidth);
        canvas.width = Math.round(video.videoWidth * scale);
        canvas.height = Math.round(video.videoHeight * scale);
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        const found = await readBarcodes(context.getImageData(0, 0, canvas.width, canvas.height), { formats: ['QRCode'], tryHarder: true, maxNumberOfSymbols: 4 });
        for (const code of found) {
          if (!code.isValid) continue;
          try {
            await readOffer(code.text);
            return code.text;
          } catch {
            // Another code in view (not an offer): keep looking.
          }
        }
      }
      await new Promise((resolve) => setTimeout(resolve, EVERY_MS));
    }
    throw new DOMException('scan stopped', 'AbortError');
  } finally {
    stop();
  }
}
