/** Why an image gave no answer: one code per outcome, a short reason for people (never the image's content). */
export type ImageErrorCode = 'NOT_AN_IMAGE' | 'TOO_MANY_PIXELS' | 'DECODE_TIMEOUT';

export class ImageError extends Error {
  override name = 'ImageError';
  constructor(
    readonly code: ImageErrorCode,
    message: string,
  ) {
    super(message);
  }
}
