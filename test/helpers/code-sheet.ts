/** A white sheet with QR codes laid out in rows (as a printout or a screen with several codes), for decoders and reading order. */
import sharp from 'sharp';
import { qrPng } from '../../src/issuer/qr.js';
import type { GreyImage } from '../../src/scan/image/grey-image.js';
import { readGreyImage } from '../../src/scan/image/image-pixels.js';

export interface SheetCode {
  text: string;
  left: number;
  top: number;
  /** Pixels per module (default 4). */
  scale?: number;
}

/** A PNG of `width`×`height` with each code drawn at (left, top); `invert` gives light codes on black. */
export async function codeSheet(width: number, height: number, codes: SheetCode[], invert = false): Promise<Buffer> {
  const composite = await Promise.all(codes.map(async (c) => ({ input: await qrPng(c.text, c.scale ?? 4), left: c.left, top: c.top })));
  const sheet = sharp({ create: { width, height, channels: 3, background: '#ffffff' } }).composite(composite);
  if (!invert) return sheet.png().toBuffer();
  return sharp(await sheet.png().toBuffer()).negate({ alpha: false }).png().toBuffer();
}

/** The grey pixels of a picture, as the service reads them. */
export function greyOf(picture: Buffer): Promise<GreyImage> {
  return readGreyImage(picture, { maxPixels: 100_000_000, timeoutSeconds: 60 });
}
