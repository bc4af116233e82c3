/** The messages of a worker channel (channel.ts on the main thread, serve.ts in the worker). */

/** Main → worker. */
export type ToWorker =
  | { kind: 'call'; id: number; request: unknown }
  /** Calls made in one turn of the main thread's event loop, in one message (a batching channel). */
  | { kind: 'calls'; calls: { id: number; request: unknown }[] }
  | { kind: 'post'; message: unknown }
  | { kind: 'answer'; id: number; value: unknown };

export type CallResult =
  | { kind: 'result'; id: number; ok: true; value: unknown }
  | { kind: 'result'; id: number; ok: false; error: { code: string | undefined; message: string; cause: string | undefined } };

/** Worker → main. */
export type FromWorker =
  | CallResult
  /** The answers of a 'calls' message that were ready at once, in one message. */
  | { kind: 'results'; results: CallResult[] }
  | { kind: 'ask'; id: number; message: unknown };

/** A value to send with the buffers moved (not copied) to the other thread. */
export interface WithTransfer<T> {
  value: T;
  transfer: ArrayBuffer[];
}

export function withTransfer<T>(value: T, transfer: ArrayBuffer[]): WithTransfer<T> {
  return { value, transfer, [TRANSFER]: true } as WithTransfer<T>;
}

export const TRANSFER = Symbol('transfer');

export function isWithTransfer(value: unknown): value is WithTransfer<unknown> {
  return typeof value === 'object' && value !== null && TRANSFER in value;
}
