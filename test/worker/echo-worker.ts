/** A worker for the channel tests: each request says what to do. */
import { parentPort } from 'node:worker_threads';
import { MlegError } from '../../src/errors.js';
import { withTransfer } from '../../src/worker/protocol.js';
import { serveCalls, type Served } from '../../src/worker/serve.js';

export type EchoRequest =
  | { do: 'echo'; value: unknown; afterMs?: number }
  | { do: 'hang' }
  | { do: 'throw'; code?: string }
  | { do: 'exit' }
  | { do: 'ask'; question: string }
  | { do: 'posts' }
  | { do: 'bytes'; size: number }
  | { do: 'now'; value: unknown }
  | { do: 'messages' };

const posts: unknown[] = [];
/** Messages from the main thread so far (a batch of calls is one). */
let messages = 0;
parentPort!.on('message', () => messages++);

const served: Served = serveCalls<EchoRequest, unknown>(
  (request) => {
    // Answered at once, not in a promise: a batch's such answers go back in one message.
    if (request.do === 'now') return request.value;
    if (request.do === 'messages') return messages;
    return later(request);
  },
  { onPost: (message) => posts.push(message) },
);

async function later(request: Exclude<EchoRequest, { do: 'now' | 'messages' }>): Promise<unknown> {
    switch (request.do) {
      case 'echo':
        if (request.afterMs !== undefined) await new Promise((r) => setTimeout(r, request.afterMs));
        return request.value;
      case 'hang':
        for (;;); // a stuck decoder
      case 'throw':
        if (request.code !== undefined) throw new MlegError(request.code as 'DEVICE_FAILED', 'coded failure', { cause: 'what the OS said' });
        throw new Error('plain failure');
      case 'exit':
        process.exit(3);
      case 'ask':
        return `the main thread says ${await served.ask<string>(request.question)}`;
      case 'posts':
        return posts;
      case 'bytes': {
        const bytes = new Uint8Array(request.size).fill(7);
        return withTransfer(bytes, [bytes.buffer]);
      }
    }
}
