/// <reference types="zxing-wasm/imageData" />
/**
 * ZXing-C++ compiled to WebAssembly (zxing-wasm). Its `.wasm` is read from node_modules
 * and handed over as `wasmBinary`: left to itself the package fetches it from a CDN.
 * (The reference above declares the ImageData shape the reader takes, outside a browser.)
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { prepareZXingModule, readBarcodes, ZXING_WASM_SHA256, type ReaderOptions } from 'zxing-wasm/reader';
import type { GreyImage } from './grey-image.js';
import type { QrDecoder } from './qr-decoder.js';
import { MlegError } from '../../errors.js';

const READER_OPTIONS: ReaderOptions = {
  formats: ['QRCode'],
  tryHarder: true,
  tryRotate: true,
  tryInvert: true,
  tryDownscale: true,
  maxNumberOfSymbols: 255,
};

/** The path of the package's own `zxing_reader.wasm`. */
export const ZXING_WASM_FILE = createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm');

/** The package's `.wasm`, checked against the hash the installed zxing-wasm names (the web wallet serves it too). */
export function readZxingWasm(): Buffer {
  const binary = readFileSync(ZXING_WASM_FILE);
  const sha256 = createHash('sha256').update(binary).digest('hex');
  if (sha256 !== ZXING_WASM_SHA256) throw new MlegError('INSTALL_BROKEN', `${ZXING_WASM_FILE} does not belong to the installed zxing-wasm (SHA-256 ${sha256})`);
  return binary;
}

export async function createZxingWasmDecoder(): Promise<QrDecoder> {
  const binary = readZxingWasm();
  const wasmBinary = binary.buffer.slice(binary.byteOffset, binary.byteOffset + binary.byteLength);
  await prepareZXingModule({
    overrides: {
      wasmBinary,
      // Only names the binary: with wasmBinary given, nothing is fetched from this location.
      locateFile: () => ZXING_WASM_FILE,
    },
    fireImmediately: true,
  });
  return {
    name: 'zxing-wasm',
    readsInverted: true,
    async decode(image: GreyImage) {
      const results = await readBarcodes(asImageData(image), READER_OPTIONS);
      return results.filter((r) => r.isValid).map((r) => ({ text: r.text, format: r.format, position: r.position }));
    },
  };
}

/**
 * The reader takes RGBA (it computes luminance itself): grey g becomes (g, g, g, 255),
 * which its luminance formula maps back to exactly g.
 */
function asImageData({ data, width, height }: GreyImage): ImageData {
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0, j = 0; i < data.length; i++, j += 4) {
    const g = data[i]!;
    rgba[j] = g;
    rgba[j + 1] = g;
    rgba[j + 2] = g;
    rgba[j + 3] = 255;
  }
  return { data: rgba, width, height };
}
