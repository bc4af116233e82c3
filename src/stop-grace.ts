/**
 * How a service stops (`mleg serve`, `mleg issuer serve`): it stops accepting and waits
 * STOP_GRACE_MS for the requests in flight to finish by themselves; the connections still
 * open after that are closed, so that a client that never finishes sending holds no stop up
 * (the command exits within 5 s: src/commands/lifecycle.ts).
 */
import type { Server } from 'node:http';
import type { Logger } from './logger.js';

/** How long a stop waits for requests in flight to finish by themselves. */
export const STOP_GRACE_MS = 2000;

/** True when `promise` settles within `ms`. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Closes the connections a stop has waited for long enough, and tells the operator. */
export function closeLeftConnections(server: Server, log: Logger): void {
  log.warn('closing connections still open at stop (requests that never finished)');
  server.closeAllConnections();
}
