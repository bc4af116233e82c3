/** Loading the configured decoder, only when first needed (its module, and for zxing-wasm its WebAssembly). */
import { QR_DECODERS, type QrDecoderName } from '../../config/image.js';
import type { QrDecoder } from './qr-decoder.js';

/** Loads a decoder's module (and, for zxing-wasm, compiles its WebAssembly) on first use. */
export async function loadQrDecoder(name: QrDecoderName): Promise<QrDecoder> {
  switch (name) {
    case 'zxing-wasm':
      return (await import('./zxing-wasm-decoder.js')).createZxingWasmDecoder();
    case 'zxing-js':
      return (await import('./zxing-js-decoder.js')).createZxingJsDecoder();
    default:
      throw new Error(`unknown QR decoder ${JSON.stringify(name)}; use one of ${QR_DECODERS.join(', ')}`);
  }
}
