/** The image part of the configuration: QR decoding from camera pictures (src/scan/image/). */
import type { Field, ValueOf } from './schema.js';

/** The QR decoders that can be chosen (src/scan/image/qr-decoder.ts loads them). */
export const QR_DECODERS = ['zxing-wasm', 'zxing-js'] as const;
export type QrDecoderName = (typeof QR_DECODERS)[number];

export const IMAGE_SCHEMA = {
  kind: 'object',
  fields: {
    decoder: { kind: 'enum', values: QR_DECODERS, default: 'zxing-wasm' },
    /** Width × height above which an image is refused unread. */
    maxPixels: { kind: 'integer', default: 25_000_000, min: 1, max: 268_402_689 },
    /** For one image, from its bytes to its codes, waiting for the decoder included. */
    timeoutMs: { kind: 'integer', default: 5000, min: 10, max: 120000 },
  },
} as const satisfies Field;

export type ImageOptions = ValueOf<typeof IMAGE_SCHEMA>;
