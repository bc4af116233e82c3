/**
 * A verifier thread's view of the status lists: the lists the main thread holds, shared
 * with it (their bytes live in SharedArrayBuffers, not copied per thread), answering
 * synchronously whenever a list is usable. Anything else — no list, an unusable one, a
 * first fetch to wait for — is asked of the main thread's StatusLists, so lists are
 * fetched, refreshed and judged in one place only.
 */
import { statusAt, type StatusBits } from '../status/status-bits.js';
import { unusableReason, type StatusLimits } from '../status/status-list-token.js';
import type { StatusAnswer, StatusLookup } from '../verify/status-answer.js';

/** What a thread needs of a status list (no token text). */
export interface SharedStatusList {
  uri: string;
  iss: string;
  iat: number;
  exp?: number;
  bits: StatusBits;
  /** Over a SharedArrayBuffer. */
  bytes: Uint8Array;
  entries: number;
}

export type AskMain = (uri: string, idx: number, iss: string, nowSeconds: number) => Promise<StatusAnswer>;

/** Unambiguous whatever the strings hold (as the main thread's slots). */
const slotKey = (uri: string, iss: string): string => `${iss.length}:${iss}${uri}`;

export class StatusMirror implements StatusLookup {
  /** One list per URI and signing issuer, as the main thread holds them. */
  readonly #lists = new Map<string, SharedStatusList>();

  constructor(
    readonly limits: StatusLimits,
    readonly ask: AskMain,
  ) {}

  /** The main thread's list of issuer `iss` for `uri` now (undefined: it holds none). */
  set(uri: string, iss: string, list: SharedStatusList | undefined): void {
    if (list === undefined) this.#lists.delete(slotKey(uri, iss));
    else this.#lists.set(slotKey(uri, iss), list);
  }

  clear(): void {
    this.#lists.clear();
  }

  lookup(uri: string, idx: number, iss: string, nowSeconds: number): StatusAnswer | Promise<StatusAnswer> {
    const list = this.#lists.get(slotKey(uri, iss));
    if (list === undefined || unusableReason(list, nowSeconds, this.limits) !== undefined) return this.ask(uri, idx, iss, nowSeconds);
    const value = statusAt(list.bytes, list.bits, idx);
    return value === undefined ? { state: 'past-end', entries: list.entries, iat: list.iat } : { state: 'found', value, iat: list.iat };
  }
}
