/** A fleet read (a listing, a catch-up) that Redis must answer within its deadline. */
import { MlegError } from '../errors.js';

/** `promise`, or a FLEET_UNAVAILABLE error when it has not settled within `ms`. */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new MlegError('FLEET_UNAVAILABLE', `Redis did not answer ${what} within ${ms} ms`)), ms);
  });
  const answered = promise.catch((err: Error) => {
    throw err instanceof MlegError ? err : new MlegError('FLEET_UNAVAILABLE', `Redis did not answer ${what}: ${err.message}`, { cause: err });
  });
  return Promise.race([answered, late]).finally(() => clearTimeout(timer));
}
