/** What /v1/state (and the metrics) show of the status lists: one row per URI and signing issuer. */
import type { Attempt } from './refresh-schedule.js';
import { unusableReason, type StatusLimits } from './status-list-token.js';
import type { HeldList } from './status-slots.js';

export interface StatusListState {
  uri: string;
  iss: string | null;
  iat: number | null;
  exp: number | null;
  ttl: number | null;
  bits: number | null;
  entries: number | null;
  fetched_at: string | null;
  next_refresh: string | null;
  usable: boolean;
  why_not: string | null;
  /** The URI's last fetch (null: none yet, e.g. restored from the archive and not refetched). */
  last_fetch: { at: string; ok: boolean; error: string | null } | null;
}

export interface UriView {
  uri: string;
  held: readonly HeldList[];
  last: Attempt | undefined;
  next: number | undefined;
}

const iso = (millis: number | undefined): string | null => (millis === undefined ? null : new Date(millis).toISOString());

export function statusListStates(uris: readonly UriView[], nowSeconds: number, limits: StatusLimits): StatusListState[] {
  return uris.flatMap(({ uri, held, last, next }) => {
    const common = {
      next_refresh: iso(next),
      last_fetch: last === undefined ? null : { at: new Date(last.at).toISOString(), ok: last.ok, error: last.error },
    };
    if (held.length === 0) {
      const whyNot = last?.error ?? 'not fetched yet';
      return [{ uri, iss: null, iat: null, exp: null, ttl: null, bits: null, entries: null, fetched_at: null, ...common, usable: false, why_not: whyNot }];
    }
    return held.map(({ list, fetchedAt }): StatusListState => {
      const whyNot = unusableReason(list, nowSeconds, limits) ?? null;
      return {
        uri,
        iss: list.iss,
        iat: list.iat,
        exp: list.exp ?? null,
        ttl: list.ttl ?? null,
        bits: list.bits,
        entries: list.entries,
        fetched_at: iso(fetchedAt),
        ...common,
        usable: whyNot === null,
        why_not: whyNot,
      };
    });
  });
}
