/** Import previews held for their confirmation: taken once, by their own session only, forgotten after their time, a bounded number. */
import t from 'tap';
import { ImportPreviews } from '../../../src/issuance/portal/import-previews.js';

const preview = (n: number) => ({ rows: [{ line: n, record: {}, outcome: { ok: true } as const }], ignored: [] });

t.test('a preview is taken once, by its session, within its time', async (t) => {
  const p = new ImportPreviews(1000, 3);
  const id = p.put('session-a', preview(1), 0);
  t.match(id, /^[A-Za-z0-9_-]{22}$/);
  t.equal(p.take(id, 'session-b', 10), undefined, "another session's");
  t.same(p.take(id, 'session-a', 10), preview(1));
  t.equal(p.take(id, 'session-a', 11), undefined, 'taken: gone');
  const late = p.put('session-a', preview(2), 0);
  t.equal(p.take(late, 'session-a', 1001), undefined, 'past its time: gone');
});

t.test("a session's new preview replaces its old one; at most `max` held, the oldest dropped first", async (t) => {
  const p = new ImportPreviews(60_000, 3);
  const first = p.put('a', preview(1), 0);
  const second = p.put('a', preview(2), 1);
  t.equal(p.take(first, 'a', 2), undefined, 'replaced');
  const ids = ['b', 'c', 'd'].map((s, i) => p.put(s, preview(i), 3 + i));
  t.equal(p.size, 3);
  t.equal(p.take(second, 'a', 10), undefined, 'the oldest went to make room');
  t.same(p.take(ids[2]!, 'd', 10), preview(2));
});
