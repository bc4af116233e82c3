/**
 * The worker channel that the status list thread, the image decoder and the verifier
 * threads all use: calls by id, deadlines, loss, idle stop, close, coded errors, asks from
 * the worker, posts and moved buffers — against a real worker thread.
 */
import t from 'tap';
import { WorkerChannel, type ChannelOptions } from '../../src/worker/channel.js';
import { siblingModule } from '../../src/worker/start-worker.js';
import type { EchoRequest } from './echo-worker.js';

const FILE = siblingModule('echo-worker', import.meta.url);
const channel = (o: Omit<ChannelOptions, 'file'> = {}) => new WorkerChannel<EchoRequest, unknown>({ file: FILE, ...o });
const soon = (ms: number) => Date.now() + ms;

// Workers never keep the process alive (unref), nor do calls without a deadline: the test does.
const keepAlive = setInterval(() => {}, 1000);
t.teardown(() => clearInterval(keepAlive));

t.test('calls are answered by id, whatever order they finish in', async (t) => {
  const c = channel();
  t.teardown(() => c.close());
  const answers = await Promise.all([c.call({ do: 'echo', value: 'slow', afterMs: 80 }), c.call({ do: 'echo', value: 'fast' }), c.call({ do: 'echo', value: { n: 3 } })]);
  t.same(answers, ['slow', 'fast', { n: 3 }]);
  t.equal(c.pending, 0);
});

t.test('one at a time, in order, when concurrency is 1', async (t) => {
  const c = channel({ concurrency: 1 });
  t.teardown(() => c.close());
  const done: string[] = [];
  await Promise.all(['a', 'b', 'c'].map((v, i) => c.call({ do: 'echo', value: v, afterMs: 30 - i * 10 }).then((x) => done.push(x as string))));
  t.same(done, ['a', 'b', 'c']);
});

t.test('a deadline: DEADLINE_PASSED; the worker goes on, or is stopped and replaced when asked to', async (t) => {
  const keep = channel();
  t.teardown(() => keep.close());
  await t.rejects(keep.call({ do: 'echo', value: 'late', afterMs: 300 }, { deadline: soon(30) }), { code: 'DEADLINE_PASSED' });
  t.equal(await keep.call({ do: 'echo', value: 'next' }), 'next');

  const stop = channel({ concurrency: 1, stopOnDeadline: true });
  t.teardown(() => stop.close());
  const stuck = stop.call({ do: 'hang' }, { deadline: soon(200) });
  const queued = stop.call({ do: 'echo', value: 'waited too long' }, { deadline: soon(50) });
  await t.rejects(queued, { code: 'DEADLINE_PASSED' }, 'a call still waiting at its deadline is dropped');
  await t.rejects(stuck, { code: 'DEADLINE_PASSED' }, 'the stuck one fails at its deadline…');
  t.equal(await stop.call({ do: 'echo', value: 'fresh' }, { deadline: soon(10_000) }), 'fresh', '…and the next call gets a fresh worker');
});

t.test('a lost worker: its calls fail WORKER_LOST, onLost is told, the next call starts another', async (t) => {
  const lost: [string, number][] = [];
  const c = channel({ onLost: (why, calls) => lost.push([why, calls]) });
  t.teardown(() => c.close());
  const inHand = c.call({ do: 'echo', value: 'x', afterMs: 1000 });
  await t.rejects(c.call({ do: 'exit' }), { code: 'WORKER_LOST', message: /exit code 3/ });
  await t.rejects(inHand, { code: 'WORKER_LOST' });
  t.same(lost, [['the worker thread stopped (exit code 3)', 2]]);
  t.equal(await c.call({ do: 'echo', value: 'again' }), 'again');
});

t.test('a worker whose module cannot be loaded: its calls fail WORKER_LOST with the reason, the process goes on', async (t) => {
  const lost: string[] = [];
  const missing = new URL(`./no-such-worker${FILE.pathname.slice(FILE.pathname.lastIndexOf('.'))}`, FILE);
  const c = new WorkerChannel<EchoRequest, unknown>({ file: missing, onLost: (why) => lost.push(why) });
  t.teardown(() => c.close());
  await t.rejects(c.call({ do: 'echo', value: 'x' }, { deadline: soon(10_000) }), { code: 'WORKER_LOST', message: /no-such-worker/ });
  t.match(lost, [/no-such-worker/], 'the loss names the module');
  const other = channel();
  t.teardown(() => other.close());
  t.equal(await other.call({ do: 'echo', value: 'still here' }), 'still here', 'another channel still works');
});

t.test('errors keep their code and cause; plain ones their message', async (t) => {
  const c = channel();
  t.teardown(() => c.close());
  await t.rejects(c.call({ do: 'throw', code: 'DEVICE_FAILED' }), { code: 'DEVICE_FAILED', message: 'coded failure', cause: 'what the OS said' });
  await t.rejects(c.call({ do: 'throw' }), { message: 'plain failure' });
  t.equal(await c.call({ do: 'echo', value: 'still here' }), 'still here');
});

t.test('the worker asks, the main thread answers; posts arrive in order; buffers move', async (t) => {
  const c = channel({ onAsk: async (question) => `${question as string}!` });
  t.teardown(() => c.close());
  t.equal(await c.call({ do: 'ask', question: 'hello' }), 'the main thread says hello!');
  c.post({ n: 1 });
  c.post({ n: 2 });
  t.same(await c.call({ do: 'posts' }), [{ n: 1 }, { n: 2 }]);
  const bytes = (await c.call({ do: 'bytes', size: 1 << 20 })) as Uint8Array;
  t.equal(bytes.length, 1 << 20);
  t.equal(bytes[12345], 7);
});

t.test('idle: the worker stops after idleMs and a later call starts a new one; close answers CLOSED', async (t) => {
  const c = channel({ idleMs: 50 });
  c.post('kept in this worker');
  t.same(await c.call({ do: 'posts' }), ['kept in this worker']);
  await new Promise((r) => setTimeout(r, 150));
  t.same(await c.call({ do: 'posts' }), [], 'a fresh worker after the idle stop');
  const pending = t.rejects(c.call({ do: 'echo', value: 'never', afterMs: 1000 }), { code: 'CLOSED' });
  await c.close();
  await pending;
  await t.rejects(c.call({ do: 'echo', value: 'after' }), { code: 'CLOSED' });
});

t.test('batch: calls of one turn go as one message, answered by id; what is in hand when the worker is lost fails', async (t) => {
  const c = channel({ batch: true });
  t.teardown(() => c.close());
  t.equal(await c.call({ do: 'now', value: 'first' }), 'first');
  const before = (await c.call({ do: 'messages' })) as number;
  // Five at once, answered at once and later, mixed: each gets its own answer.
  const answers = Promise.all([
    c.call({ do: 'now', value: 1 }),
    c.call({ do: 'echo', value: 2, afterMs: 20 }),
    c.call({ do: 'now', value: 3 }),
    c.call({ do: 'throw', code: 'DEVICE_FAILED' }).catch((err: { code: string }) => err.code),
    c.call({ do: 'now', value: { n: 5 } }),
  ]);
  t.equal(c.pending, 5, 'in hand before they are sent');
  t.same(await answers, [1, 2, 3, 'DEVICE_FAILED', { n: 5 }]);
  t.equal(await c.call({ do: 'messages' }), before + 2, 'the five came in one message (then this call in one more)');
  // Bytes moved with a batched answer.
  const [bytes] = (await Promise.all([c.call({ do: 'bytes', size: 1024 }), c.call({ do: 'now', value: 0 })])) as [Uint8Array, number];
  t.equal(bytes[1000], 7);
  // Lost with a batch in hand.
  const inHand = [c.call({ do: 'echo', value: 'x', afterMs: 500 }), c.call({ do: 'exit' })];
  for (const call of inHand) await t.rejects(call, { code: 'WORKER_LOST' });
  t.equal(await c.call({ do: 'now', value: 'again' }), 'again', 'a fresh worker takes the next batch');
  // Closed with a batch made but not sent: CLOSED, nothing sent.
  const unsent = t.rejects(c.call({ do: 'now', value: 'never' }), { code: 'CLOSED' });
  await c.close();
  await unsent;
});
