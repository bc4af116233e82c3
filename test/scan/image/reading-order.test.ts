import t from 'tap';
import type { CodePosition } from '../../../src/scan/image/qr-decoder.js';
import { inReadingOrder } from '../../../src/scan/image/reading-order.js';

/** A square code of side `size` with its top left corner at (x, y), turned by `turns` quarter turns (corners as the code reads). */
function at(name: string, x: number, y: number, size = 100, turns = 0): { name: string; position: CodePosition } {
  const corners = [
    { x, y },
    { x: x + size, y },
    { x: x + size, y: y + size },
    { x, y: y + size },
  ];
  const [topLeft, topRight, bottomRight, bottomLeft] = corners.map((_, i) => corners[(i + turns) % 4]!);
  return { name, position: { topLeft: topLeft!, topRight: topRight!, bottomRight: bottomRight!, bottomLeft: bottomLeft! } };
}

const names = (codes: { name: string }[]) => codes.map((c) => c.name);

t.test('rows from the top, each row from the left', async (t) => {
  const codes = [at('d', 420, 330), at('b', 400, 20), at('c', 10, 300), at('a', 0, 0)];
  t.same(names(inReadingOrder(codes)), ['a', 'b', 'c', 'd']);
});

t.test('a code a little lower than its neighbour is still in its row', async (t) => {
  t.same(names(inReadingOrder([at('right', 300, 60), at('left', 0, 0)])), ['left', 'right']);
});

t.test('a code below the middle of the first one starts a new row, even when further left', async (t) => {
  t.same(names(inReadingOrder([at('below', 0, 160), at('first', 200, 0)])), ['first', 'below']);
});

t.test('which way a code is turned does not matter, only where it is', async (t) => {
  t.same(names(inReadingOrder([at('right', 300, 0, 100, 2), at('left', 0, 0, 100, 1)])), ['left', 'right']);
});

t.test('no codes, one code', async (t) => {
  t.same(inReadingOrder([]), []);
  t.same(names(inReadingOrder([at('only', 5, 5)])), ['only']);
});
