/** The decoding worker: one image at a time, each with a deadline that really stops the work. */
import t from 'tap';
import { DecoderThread } from '../../../src/scan/image/decoder-thread.js';
import type { GreyImage } from '../../../src/scan/image/grey-image.js';
import { codeSheet, greyOf } from '../../helpers/code-sheet.js';

/** 12 megapixels of noise: nothing to find, and slow to find it in. */
function noise(): GreyImage {
  const data = new Uint8Array(4000 * 3000);
  let s = 1;
  for (let i = 0; i < data.length; i++) data[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
  return { data, width: 4000, height: 3000 };
}

async function oneCode(text: string): Promise<GreyImage> {
  return greyOf(await codeSheet(300, 240, [{ text, left: 90, top: 60 }]));
}

const outcome = (p: Promise<unknown>) =>
  p.then(
    (found) => ({ found, at: Date.now() }),
    (error: unknown) => ({ error, at: Date.now() }),
  );

t.test('a job still running at its deadline stops the worker; the next image gets a fresh one', async (t) => {
  const thread = new DecoderThread('zxing-wasm');
  t.teardown(() => thread.close());
  const start = Date.now();
  const late = await outcome(thread.findCodes(noise(), Date.now() + 50));
  t.match((late as { error: unknown }).error, { code: 'DEADLINE_PASSED' });
  t.ok(late.at - start < 1000, `answered at the deadline, not when the work would have ended (${late.at - start} ms)`);
  const next = await thread.findCodes(await oneCode('MLEG1:after'), Date.now() + 30_000);
  t.same(next.codes.map((c) => c.text), ['MLEG1:after']);
});

t.test('a job still waiting at its deadline is dropped; the one running goes on', async (t) => {
  const thread = new DecoderThread('zxing-wasm');
  t.teardown(() => thread.close());
  const running = outcome(thread.findCodes(noise(), Date.now() + 60_000));
  const waiting = await outcome(thread.findCodes(await oneCode('MLEG1:waiting'), Date.now() + 20));
  t.match((waiting as { error: unknown }).error, { code: 'DEADLINE_PASSED' });
  const first = await running;
  t.same((first as { found: unknown }).found, { codes: [], pass: null, passes: 2 });
  t.ok(waiting.at <= first.at, 'the waiting job was answered first');
});

t.test('images are handed over to the worker, but never a buffer shared with other data', async (t) => {
  const thread = new DecoderThread('zxing-wasm');
  t.teardown(() => thread.close());
  const image = await oneCode('MLEG1:whole');
  const whole = { ...image, data: Uint8Array.from(image.data) };
  const read = await thread.findCodes(whole, Date.now() + 30_000);
  t.same(read.codes.map((c) => c.text), ['MLEG1:whole']);
  t.equal(whole.data.byteLength, 0, 'a buffer of its own is moved, not copied');


  const other = await oneCode('MLEG1:part');
  const shared = new Uint8Array(other.data.length + 16);
  shared.set(other.data, 8);
  const part = { ...other, data: shared.subarray(8, 8 + other.data.length) };
  const found = await thread.findCodes(part, Date.now() + 30_000);
  t.same(found.codes.map((c) => c.text), ['MLEG1:part']);
  t.equal(shared.byteLength, other.data.length + 16, 'a view into a bigger buffer leaves that buffer where it is');
});

t.test('close(): jobs running or waiting are refused, and so are later ones', async (t) => {
  const thread = new DecoderThread('zxing-js');
  const running = outcome(thread.findCodes(noise(), Date.now() + 60_000));
  const waiting = outcome(thread.findCodes(await oneCode('MLEG1:never'), Date.now() + 60_000));
  await thread.close();
  t.match(await running, { error: { message: /closed/ } });
  t.match(await waiting, { error: { message: /closed/ } });
  await t.rejects(thread.findCodes(await oneCode('MLEG1:later'), Date.now() + 1000), /closed/);
});
