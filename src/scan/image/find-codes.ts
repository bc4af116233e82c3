/**
 * One image, every code in it: a first pass as the camera saw it, and only when that
 * finds nothing, cheap retries: the inverted image (dark mode), then a second scale.
 */
import { doubled, halved, inverted, type GreyImage } from './grey-image.js';
import type { CodePosition, DecodedCode, QrDecoder } from './qr-decoder.js';
import { inReadingOrder } from './reading-order.js';

export type Pass = 'as is' | 'inverted' | 'doubled' | 'halved';

export interface FoundCodes {
  /** In reading order, positions in the pixels of the image given. */
  codes: DecodedCode[];
  /** The pass that found them; null when none did. */
  pass: Pass | null;
  /** How many passes ran. */
  passes: number;
}

/** Up to this many pixels after doubling (a Full HD webcam frame), the second look is at twice the size; beyond, at half. */
export const MAX_DOUBLED_PIXELS = 4 * 1920 * 1080;

/** The looks at an image, in order; each after the first only when the ones before found nothing. */
export function plannedPasses(image: GreyImage, decoder: QrDecoder): Pass[] {
  const passes: Pass[] = ['as is'];
  if (!decoder.readsInverted) passes.push('inverted');
  passes.push(image.width * image.height * 4 <= MAX_DOUBLED_PIXELS ? 'doubled' : 'halved');
  return passes;
}

const VIEWS: Record<Pass, { view: (image: GreyImage) => GreyImage; scale: number }> = {
  'as is': { view: (image) => image, scale: 1 },
  inverted: { view: inverted, scale: 1 },
  doubled: { view: doubled, scale: 2 },
  halved: { view: halved, scale: 0.5 },
};

export async function findCodes(image: GreyImage, decoder: QrDecoder): Promise<FoundCodes> {
  const passes = plannedPasses(image, decoder);
  for (const [i, pass] of passes.entries()) {
    const { view, scale } = VIEWS[pass];
    const codes = await decoder.decode(view(image));
    if (codes.length > 0) {
      const unscaled = scale === 1 ? codes : codes.map((c) => ({ ...c, position: scaled(c.position, 1 / scale) }));
      return { codes: inReadingOrder(unscaled), pass, passes: i + 1 };
    }
  }
  return { codes: [], pass: null, passes: passes.length };
}

function scaled(p: CodePosition, f: number): CodePosition {
  const at = ({ x, y }: { x: number; y: number }) => ({ x: x * f, y: y * f });
  return { topLeft: at(p.topLeft), topRight: at(p.topRight), bottomRight: at(p.bottomRight), bottomLeft: at(p.bottomLeft) };
}
