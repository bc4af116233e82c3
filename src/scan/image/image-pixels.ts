/**
 * From the bytes of a PNG, JPEG or WebP image to one byte of grey per pixel, with sharp
 * (libvips, off the event loop). The type is told by the bytes themselves, and the pixel
 * count is checked from the header before any pixel is decoded. sharp (a native library,
 * ~40 ms to load) is loaded with the first image, not when the service starts.
 */
import type { OutputInfo, default as Sharp } from 'sharp';
import { MlegError } from '../../errors.js';
import { ImageError } from './image-error.js';
import type { GreyImage } from './grey-image.js';

let loaded: Promise<typeof Sharp> | undefined;

function loadSharp(): Promise<typeof Sharp> {
  loaded ??= import('sharp').then(
    (module) => module.default,
    (err: Error) => {
      loaded = undefined;
      throw new MlegError('INSTALL_BROKEN', 'sharp, which reads images, cannot be loaded (reinstall: npm ci)', { cause: err.message });
    },
  );
  return loaded;
}

export type ImageType = 'png' | 'jpeg' | 'webp';

export interface PixelLimits {
  /** Width × height above which an image is refused before decoding (decompression bombs). */
  maxPixels: number;
  /** libvips gives up after this long (whole seconds; it has no finer clock). */
  timeoutSeconds: number;
}

/** The image type from the first bytes (PNG signature, JPEG SOI marker, RIFF…WEBP); null for anything else. */
export function imageType(bytes: Uint8Array): ImageType | null {
  const starts = (offset: number, ...values: number[]) => values.every((v, i) => bytes[offset + i] === v);
  if (starts(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (starts(0, 0xff, 0xd8, 0xff)) return 'jpeg';
  if (starts(0, 0x52, 0x49, 0x46, 0x46) && starts(8, 0x57, 0x45, 0x42, 0x50)) return 'webp';
  return null;
}

export async function readGreyImage(bytes: Uint8Array, limits: PixelLimits): Promise<GreyImage> {
  if (bytes.length === 0) throw new ImageError('NOT_AN_IMAGE', 'empty input; expected a PNG, JPEG or WebP image');
  const type = imageType(bytes);
  if (type === null) throw new ImageError('NOT_AN_IMAGE', 'not a PNG, JPEG or WebP image');
  const options = { limitInputPixels: limits.maxPixels, failOn: 'error', autoOrient: true } as const;
  const sharp = await loadSharp();

  let width: number;
  let height: number;
  try {
    // The header only: its size is compared with the limit here, to name it in the reason.
    ({ width, height } = await sharp(bytes, { ...options, limitInputPixels: false }).metadata());
  } catch {
    throw new ImageError('NOT_AN_IMAGE', `not a readable ${type.toUpperCase()} image`);
  }
  if (width * height > limits.maxPixels) throw tooManyPixels(limits.maxPixels, width, height);

  let pixels: { data: Buffer; info: OutputInfo };
  try {
    pixels = await sharp(bytes, options)
      .flatten({ background: '#ffffff' })
      .toColourspace('b-w')
      .raw({ depth: 'uchar' })
      .timeout({ seconds: limits.timeoutSeconds })
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    if (/timeout/i.test((err as Error).message)) throw new ImageError('DECODE_TIMEOUT', `reading the ${type.toUpperCase()} pixels took longer than ${limits.timeoutSeconds} s`);
    throw new ImageError('NOT_AN_IMAGE', `the ${type.toUpperCase()} image is damaged or truncated`);
  }
  const { data, info } = pixels;
  if (info.channels !== 1) throw new Error(`expected one grey channel, got ${info.channels}`);
  return { data, width: info.width, height: info.height };
}

function tooManyPixels(maxPixels: number, width: number, height: number): ImageError {
  return new ImageError('TOO_MANY_PIXELS', `the image is ${width}×${height} pixels, more than image.maxPixels (${maxPixels}); send a smaller picture`);
}
