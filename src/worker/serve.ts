/**
 * The worker's side of a worker channel (channel.ts): answers each call with what the
 * handler returns (or the error it throws, code and message kept), hands posts to
 * `onPost`, and lets the worker ask the main thread something and await the answer.
 */
import { parentPort } from 'node:worker_threads';
import { isMlegError } from '../errors.js';
import { isWithTransfer, type FromWorker, type ToWorker } from './protocol.js';

export interface Served {
  /** Asks the main thread (its channel's `onAsk`) and resolves with the answer. */
  ask<T>(message: unknown): Promise<T>;
}

export function serveCalls<Request, Reply>(handle: (request: Request) => Reply | Promise<Reply>, o: { onPost?: (message: unknown) => void } = {}): Served {
  const port = parentPort!;
  const asked = new Map<number, (value: unknown) => void>();
  let nextAsk = 1;
  const send = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  port.on('message', (message: ToWorker) => {
    if (message.kind === 'post') return o.onPost?.(message.message);
    if (message.kind === 'answer') {
      asked.get(message.id)?.(message.value);
      asked.delete(message.id);
      return;
    }
    const { id, request } = message;
    void (async () => {
      try {
        const reply: unknown = await handle(request as Request);
        if (isWithTransfer(reply)) send({ kind: 'result', id, ok: true, value: reply.value }, reply.transfer);
        else send({ kind: 'result', id, ok: true, value: reply });
      } catch (err) {
        const e = err as Error & { cause?: unknown };
        send({ kind: 'result', id, ok: false, error: { code: isMlegError(err) ? err.code : undefined, message: e.message, cause: e.cause === undefined ? undefined : String(e.cause) } });
      }
    })();
  });
  return {
    ask<T>(message: unknown): Promise<T> {
      const id = nextAsk++;
      send({ kind: 'ask', id, message });
      return new Promise<T>((resolve) => asked.set(id, resolve as (value: unknown) => void));
    },
  };
}
