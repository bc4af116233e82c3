/** What the verifier asks of revocation status, and the answers it understands (SPEC 5). */

/** `iat`: when the deciding list was issued (seconds), for the result's freshness. */
export type StatusAnswer =
  | { state: 'found'; value: number; iat: number }
  | { state: 'past-end'; entries: number; iat: number }
  | { state: 'unavailable'; reason: string };

export interface StatusLookup {
  /**
   * Synchronous whenever a usable list for `uri` is cached; a promise only when the
   * verification has to wait for a first fetch.
   */
  lookup(uri: string, idx: number, iss: string, nowSeconds: number): StatusAnswer | Promise<StatusAnswer>;
}
