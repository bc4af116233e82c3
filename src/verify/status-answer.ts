/** What the verifier asks of revocation status, and the answers it understands (SPEC 5). */

export type StatusAnswer =
  | { state: 'found'; value: number }
  | { state: 'past-end'; entries: number }
  | { state: 'unavailable'; reason: string };

export interface StatusLookup {
  /**
   * Synchronous whenever a usable list for `uri` is cached; a promise only when the
   * verification has to wait for a first fetch.
   */
  lookup(uri: string, idx: number, iss: string, nowSeconds: number): StatusAnswer | Promise<StatusAnswer>;
}
