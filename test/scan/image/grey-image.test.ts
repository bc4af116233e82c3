import t from 'tap';
import { doubled, halved, inverted, type GreyImage } from '../../../src/scan/image/grey-image.js';

const image = (width: number, height: number, values: number[]): GreyImage => ({ data: Uint8Array.from(values), width, height });

t.test('inverted: dark for light, the original untouched', async (t) => {
  const original = image(3, 1, [0, 100, 255]);
  t.same([...inverted(original).data], [255, 155, 0]);
  t.same([...original.data], [0, 100, 255]);
});

t.test('halved: each pixel the mean of a 2×2 block; an odd last row or column is dropped', async (t) => {
  const h = halved(image(5, 3, [0, 0, 100, 200, 9, 0, 0, 100, 200, 9, 7, 7, 7, 7, 7]));
  t.same([h.width, h.height], [2, 1]);
  t.same([...h.data], [0, 150]);
});

t.test('doubled: twice the size, flat areas stay flat, edges in between', async (t) => {
  const d = doubled(image(2, 2, [0, 255, 0, 255]));
  t.same([d.width, d.height, d.data.length], [4, 4, 16]);
  const row = [...d.data.slice(0, 4)];
  t.same([row[0], row[3]], [0, 255], 'the outer pixels keep their values');
  t.ok(row[1]! > 0 && row[1]! < row[2]! && row[2]! < 255, `a ramp between: ${row}`);
  t.same([...d.data.slice(4, 8)], row, 'columns do not change down a uniform column');
});
