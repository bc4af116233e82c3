/**
 * Failed portal logins, per operator and per client address: a few are free, each further
 * one makes the next attempt wait longer (1 s, 2 s, 4 s … up to a minute), and after
 * `maxFailures` the operator (or the address) is locked for `lockMs` — and locked again by
 * every failure after that, until a login succeeds. An attempt is counted as a failure
 * before its password is checked (and forgiven when it was right), so that attempts sent
 * at the same moment cannot all slip in before the first is counted. Pure: the store keeps
 * the state, in one transaction per attempt.
 */
import { createHmac } from 'node:crypto';

export interface ThrottleState {
  failures: number;
  /** No attempt is checked before this (ms since the epoch). */
  notBefore: number | null;
  lockedUntil: number | null;
}

export interface ThrottlePolicy {
  /** Failures with no delay after them. */
  free: number;
  /** Failures after which a lock begins. */
  maxFailures: number;
  lockMs: number;
}

export const MAX_DELAY_MS = 60_000;

export const UNTOUCHED: ThrottleState = { failures: 0, notBefore: null, lockedUntil: null };

export type Refusal = { refused: 'locked' | 'delayed'; until: number };

/** Why an attempt at `now` is not to be checked at all, or undefined when it may be. */
export function refusal(state: ThrottleState, now: number): Refusal | undefined {
  if (state.lockedUntil !== null && state.lockedUntil > now) return { refused: 'locked', until: state.lockedUntil };
  if (state.notBefore !== null && state.notBefore > now) return { refused: 'delayed', until: state.notBefore };
  return undefined;
}

/** The wait after the `failures`-th failure in a row. */
export function delayAfter(failures: number, policy: ThrottlePolicy): number {
  if (failures <= policy.free) return 0;
  return Math.min(MAX_DELAY_MS, 1000 * 2 ** Math.min(16, failures - policy.free - 1));
}

/** The state once an attempt at `now` is counted as failed. */
export function afterFailure(state: ThrottleState, now: number, policy: ThrottlePolicy): ThrottleState & { lockedNow: boolean } {
  const failures = state.failures + 1;
  const delay = delayAfter(failures, policy);
  const lockedNow = failures >= policy.maxFailures;
  return { failures, notBefore: delay === 0 ? null : now + delay, lockedUntil: lockedNow ? now + policy.lockMs : state.lockedUntil, lockedNow };
}

/** A client address as the throttle keeps it: an HMAC under the service's key, never the address itself. */
export function addressKey(key: Buffer, address: string): Buffer {
  return createHmac('sha256', key).update(`address:${address}`).digest();
}
