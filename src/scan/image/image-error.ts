import { MlegError } from '../../errors.js';

/** Why an image gave no answer: one code per outcome, a short reason for people (never the image's content). */
export type ImageErrorCode = 'NOT_AN_IMAGE' | 'TOO_MANY_PIXELS' | 'DECODE_TIMEOUT';

export class ImageError extends MlegError {
  override name = 'ImageError';
  declare readonly code: ImageErrorCode;
  constructor(code: ImageErrorCode, message: string) {
    super(code, message);
  }
}
