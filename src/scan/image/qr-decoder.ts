/**
 * What an image decoder must do: find every QR code in a greyscale image. Two
 * implementations, chosen by config `image.decoder` and loaded only when first needed.
 */
import { QR_DECODERS, type QrDecoderName } from '../../config/image.js';
import type { GreyImage } from './grey-image.js';

export interface Point {
  x: number;
  y: number;
}

/** Corners of a code in the image's pixels, as the code reads (top left is where the text starts). */
export interface CodePosition {
  topLeft: Point;
  topRight: Point;
  bottomRight: Point;
  bottomLeft: Point;
}

export { QR_DECODERS, type QrDecoderName };

export interface DecodedCode {
  text: string;
  format: string;
  position: CodePosition;
}

export interface QrDecoder {
  readonly name: QrDecoderName;
  /** True when the decoder also looks for light-on-dark codes itself (so no inverted retry is needed). */
  readonly readsInverted: boolean;
  /** Every QR code found, in no particular order; an empty list when there is none. */
  decode(image: GreyImage): DecodedCode[] | Promise<DecodedCode[]>;
}
