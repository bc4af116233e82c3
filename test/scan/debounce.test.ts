import t from 'tap';
import { Debounce } from '../../src/scan/debounce.js';

t.test('the same text within the window is a double read; the window slides', async (t) => {
  const d = new Debounce(2000);
  t.ok(d.accept('A', 0));
  t.notOk(d.accept('A', 500));
  t.notOk(d.accept('A', 2400), 'seen at 500: still within 2000 ms');
  t.notOk(d.accept('A', 4300), 'a phone held under the scanner stays one scan');
  t.ok(d.accept('A', 6400), 'after 2000 ms of not seeing it');
});

t.test('different texts do not debounce each other', async (t) => {
  const d = new Debounce(2000);
  t.ok(d.accept('A', 0));
  t.ok(d.accept('B', 10));
  t.notOk(d.accept('A', 20), 'A, B, A within the window: the second A is a double read');
  t.ok(d.accept('C', 30));
});

t.test('0 turns it off', async (t) => {
  const d = new Debounce(0);
  t.ok(d.accept('A', 0));
  t.ok(d.accept('A', 0));
});

t.test('memory stays bounded', async (t) => {
  const d = new Debounce(2000);
  for (let i = 0; i < 10000; i++) d.accept(`code-${i}`, i);
  t.ok(d.accept('code-0', 10000), 'old entries were forgotten');
});
