/**
 * @zxing/library, the TypeScript port of ZXing (Java). It reads one QR code per image:
 * its detector takes the three best finder patterns in the whole picture, so with several
 * codes in view it usually mixes patterns of different codes and reads none of them.
 */
import { BarcodeFormat, BinaryBitmap, DecodeHintType, Exception, HybridBinarizer, QRCodeReader, RGBLuminanceSource, type ResultPoint } from '@zxing/library';
import type { GreyImage } from './grey-image.js';
import type { CodePosition, Point, QrDecoder } from './qr-decoder.js';

const HINTS = new Map<DecodeHintType, unknown>([
  [DecodeHintType.TRY_HARDER, true],
  [DecodeHintType.POSSIBLE_FORMATS, [BarcodeFormat.QR_CODE]],
]);

export function createZxingJsDecoder(): QrDecoder {
  const reader = new QRCodeReader();
  return {
    name: 'zxing-js',
    readsInverted: false,
    decode({ data, width, height }: GreyImage) {
      const luminance = new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength);
      try {
        const result = reader.decode(new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(luminance, width, height))), HINTS);
        return [{ text: result.getText(), format: 'QRCode', position: fromFinderPatterns(result.getResultPoints()) }];
      } catch (err) {
        if (err instanceof Exception) return []; // NotFound, Checksum, Format…: nothing readable
        throw err;
      } finally {
        reader.reset();
      }
    },
  };
}

/** ZXing reports the centres of the finder patterns (bottom left, top left, top right); the fourth corner completes the parallelogram. */
function fromFinderPatterns(points: ResultPoint[]): CodePosition {
  const [bl, tl, tr] = points.map((p) => ({ x: p.getX(), y: p.getY() })) as [Point, Point, Point];
  return { topLeft: tl, topRight: tr, bottomLeft: bl, bottomRight: { x: tr.x + bl.x - tl.x, y: tr.y + bl.y - tl.y } };
}
