/** A worker for the channel tests: each request says what to do. */
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
  | { do: 'bytes'; size: number };

const posts: unknown[] = [];

const served: Served = serveCalls<EchoRequest, unknown>(
  async (request): Promise<unknown> => {
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
  },
  { onPost: (message) => posts.push(message) },
);
