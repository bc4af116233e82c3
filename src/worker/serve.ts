/**
 * The worker's side of a worker channel (channel.ts): answers each call with what the
 * handler returns (or the error it throws, code and message kept), hands posts to
 * `onPost`, and lets the worker ask the main thread something and await the answer.
 */
import { parentPort } from 'node:worker_threads';
import { isMlegError } from '../errors.js';
import { isWithTransfer, type CallResult, type FromWorker, type ToWorker } from './protocol.js';

export interface Served {
  /** Asks the main thread (its channel's `onAsk`) and resolves with the answer. */
  ask<T>(message: unknown): Promise<T>;
}

export function serveCalls<Request, Reply>(handle: (request: Request) => Reply | Promise<Reply>, o: { onPost?: (message: unknown) => void } = {}): Served {
  const port = parentPort!;
  const asked = new Map<number, (value: unknown) => void>();
  let nextAsk = 1;
  const send = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  const failed = (id: number, err: unknown): CallResult => {
    const e = err as Error & { cause?: unknown };
    return { kind: 'result', id, ok: false, error: { code: isMlegError(err) ? err.code : undefined, message: e.message, cause: e.cause === undefined ? undefined : String(e.cause) } };
  };
  /** The call's result now when its handler answered at once, else sent on its own when it settles. */
  const answer = (id: number, request: unknown, transfer: ArrayBuffer[]): CallResult | undefined => {
    let reply: unknown;
    try {
      reply = handle(request as Request);
    } catch (err) {
      return failed(id, err);
    }
    if (!(reply instanceof Promise)) return settled(id, reply, transfer);
    reply.then(
      (value) => {
        const moved: ArrayBuffer[] = [];
        send(settled(id, value, moved), moved);
      },
      (err: unknown) => send(failed(id, err)),
    );
    return undefined;
  };
  port.on('message', (message: ToWorker) => {
    if (message.kind === 'post') return o.onPost?.(message.message);
    if (message.kind === 'answer') {
      asked.get(message.id)?.(message.value);
      asked.delete(message.id);
      return;
    }
    const transfer: ArrayBuffer[] = [];
    if (message.kind === 'call') {
      const result = answer(message.id, message.request, transfer);
      if (result !== undefined) send(result, transfer);
      return;
    }
    // A batch: the answers ready at once go back together, one wake-up of the main thread for all.
    const results: CallResult[] = [];
    for (const { id, request } of message.calls) {
      const result = answer(id, request, transfer);
      if (result !== undefined) results.push(result);
    }
    if (results.length > 0) send({ kind: 'results', results }, transfer);
  });
  return {
    ask<T>(message: unknown): Promise<T> {
      const id = nextAsk++;
      send({ kind: 'ask', id, message });
      return new Promise<T>((resolve) => asked.set(id, resolve as (value: unknown) => void));
    },
  };
}

/** A handler's value as a result, its buffers to move added to `transfer`. */
function settled(id: number, value: unknown, transfer: ArrayBuffer[]): CallResult {
  if (!isWithTransfer(value)) return { kind: 'result', id, ok: true, value };
  transfer.push(...value.transfer);
  return { kind: 'result', id, ok: true, value: value.value };
}
