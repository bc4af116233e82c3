import t, { type Test } from 'tap';
import sharp from 'sharp';
import { ImageError } from '../../../src/scan/image/image-error.js';
import { imageType, readGreyImage } from '../../../src/scan/image/image-pixels.js';

const LIMITS = { maxPixels: 25_000_000, timeoutSeconds: 5 };
const solid = (width: number, height: number, colour = '#808080') => sharp({ create: { width, height, channels: 3, background: colour } });

async function refused(t: Test, bytes: Uint8Array, code: string, message: RegExp, limits = LIMITS) {
  const err = await readGreyImage(bytes, limits).then(
    () => null,
    (e: unknown) => e,
  );
  t.type(err, ImageError);
  t.match(err, { code, message });
}

t.test('the type is told by the bytes', async (t) => {
  t.equal(imageType(await solid(4, 4).png().toBuffer()), 'png');
  t.equal(imageType(await solid(4, 4).jpeg().toBuffer()), 'jpeg');
  t.equal(imageType(await solid(4, 4).webp().toBuffer()), 'webp');
  t.equal(imageType(await solid(4, 4).gif().toBuffer()), null);
  t.equal(imageType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')), null);
  t.equal(imageType(Buffer.from('RIFF\0\0\0\0WAVE')), null);
  t.equal(imageType(new Uint8Array(0)), null);
});

t.test('PNG, JPEG and WebP: one grey byte per pixel', async (t) => {
  const greys: number[] = [];
  for (const format of ['png', 'jpeg', 'webp'] as const) {
    const image = await readGreyImage(await solid(30, 20, '#ff0000')[format]().toBuffer(), LIMITS);
    t.same([image.width, image.height, image.data.length], [30, 20, 600], format);
    greys.push(image.data[0]!);
  }
  t.ok(greys.every((g) => g > 60 && g < 200 && Math.abs(g - greys[0]!) <= 4), `red is a middle grey in every format (${greys})`);
});

t.test('transparency is laid on white (a code drawn on a transparent background stays readable)', async (t) => {
  const clear = await sharp({ create: { width: 8, height: 8, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
  t.equal((await readGreyImage(clear, LIMITS)).data[0], 255);
});

t.test('16 bits per channel become 8', async (t) => {
  const deep = await solid(10, 10).toColourspace('rgb16').png().toBuffer();
  const image = await readGreyImage(deep, LIMITS);
  t.equal(image.data.length, 100);
  t.ok(Math.abs(image.data[0]! - 128) <= 1);
});

t.test("a phone photo's EXIF orientation is applied", async (t) => {
  const sideways = await solid(30, 20).jpeg().withMetadata({ orientation: 6 }).toBuffer();
  const image = await readGreyImage(sideways, LIMITS);
  t.same([image.width, image.height], [20, 30]);
});

t.test('not an image', async (t) => {
  await refused(t, new Uint8Array(0), 'NOT_AN_IMAGE', /empty/);
  await refused(t, Buffer.from('MLEG1:not a picture'), 'NOT_AN_IMAGE', /not a PNG, JPEG or WebP image/);
  await refused(t, await solid(4, 4).gif().toBuffer(), 'NOT_AN_IMAGE', /not a PNG, JPEG or WebP image/);
  await refused(t, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'), 'NOT_AN_IMAGE', /not a PNG/);
  const png = await solid(300, 200).png().toBuffer();
  await refused(t, png.subarray(0, 40), 'NOT_AN_IMAGE', /PNG/);
  await refused(t, png.subarray(0, png.length - 30), 'NOT_AN_IMAGE', /PNG image is damaged or truncated/);
  const jpeg = await solid(300, 200).jpeg().toBuffer();
  await refused(t, jpeg.subarray(0, jpeg.length >> 1), 'NOT_AN_IMAGE', /JPEG image is damaged or truncated/);
});

t.test('the pixel limit, from the header, before any pixel is decoded', async (t) => {
  const png = await solid(100, 50).png().toBuffer();
  t.equal((await readGreyImage(png, { ...LIMITS, maxPixels: 5000 })).data.length, 5000, 'exactly at the limit');
  await refused(t, png, 'TOO_MANY_PIXELS', /100×50 pixels, more than image\.maxPixels \(4999\)/, { ...LIMITS, maxPixels: 4999 });
});
