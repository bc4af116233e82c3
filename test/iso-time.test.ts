/** ISO times made from the second's text: the same text as toISOString, in and out of its caches. */
import t from 'tap';
import { isoMillis, isoSeconds, secondsFormatter } from '../src/iso-time.js';
import { seededRandom } from './helpers/random.js';

t.test('isoMillis is toISOString, whatever order the times come in', async (t) => {
  const random = seededRandom(7);
  const edges = [0, 1, 9, 10, 99, 100, 999, 1000, -1, -999, -1000, -1001, 8.64e15, -8.64e15, 253402300799999, 253402300800000, -62167219200001, 1.5, -0.25];
  const times = [...edges, ...Array.from({ length: 50_000 }, () => Math.floor(random() * 4e12) - 1e12)];
  // Runs within one second and one millisecond too, as under load.
  const now = Date.UTC(2026, 10, 23, 9, 59, 59, 990);
  for (let i = 0; i < 30; i++) times.push(now + i, now + i);
  const wrong = times.filter((m) => isoMillis(m) !== new Date(m).toISOString());
  t.same(wrong, [], `${times.length} times`);
});

t.test('isoSeconds', async (t) => {
  t.equal(isoSeconds(1_800_000_000), '2027-01-15T08:00:00.000Z');
  t.equal(isoSeconds(1_800_000_000), '2027-01-15T08:00:00.000Z', 'again, from its cache');
  t.equal(isoSeconds(9e15), 'invalid date');
});

t.test('seconds formatters keep their own last second: alternating between two gives each its own text', async (t) => {
  const [a, b] = [secondsFormatter(), secondsFormatter()];
  for (let i = 0; i < 3; i++) {
    t.equal(a(1_800_000_000 + i), new Date((1_800_000_000 + i) * 1000).toISOString());
    t.equal(b(1_700_000_000), '2023-11-14T22:13:20.000Z');
  }
});
