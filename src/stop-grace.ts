/**
 * How a service stops (`mleg serve`, `mleg issuer serve`): it stops accepting and waits
 * STOP_GRACE_MS for the requests in flight to finish by themselves; what is still open after
 * that is closed, so that a client that never sends or never reads holds no stop up (the
 * command exits within 5 s: src/commands/lifecycle.ts).
 */

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
