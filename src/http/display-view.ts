/**
 * What the display page is sent of a scan: the verdict and what a screen shows of the
 * credential, with the holder's fields cut down to those the screen may show
 * (`display.show`). Document numbers and credential ids never go to a screen.
 */
import type { HolderField } from '../config/display.js';
import type { HolderView, StatusView, VerifyResult } from '../verify/result.js';
import type { Verdict } from '../verify/verdicts.js';

export interface DisplayResult {
  verdict: Verdict;
  valid: boolean;
  reason: string;
  checked_at: string;
  presented_at: string | null;
  credential: { doc: 'school' | 'student'; org: { name: string }; valid_until: string } | null;
  /** Only the fields the screen may show; null when there are none to show. */
  holder: Partial<HolderView> | null;
  status: StatusView;
  first_accepted_at?: string;
}

export interface DisplayScan {
  scanner: string;
  lane: string;
  result: DisplayResult;
}

/** The short reason a screen gives for each verdict, in Polish and English. */
export const VERDICT_TEXTS: Record<Verdict, { pl: string; en: string }> = {
  MALFORMED: { pl: 'To nie jest kod mLegitymacji', en: 'Not an mLegitymacja code' },
  UNKNOWN_ISSUER: { pl: 'Nieznany wystawca', en: 'Unknown issuer' },
  BAD_SIGNATURE: { pl: 'Nieprawidłowy podpis wystawcy', en: 'Invalid issuer signature' },
  PROOF_MISSING: { pl: 'Brak potwierdzenia z telefonu', en: 'No proof from the phone' },
  PROOF_INVALID: { pl: 'Nieprawidłowe potwierdzenie z telefonu', en: 'Invalid proof from the phone' },
  NOT_YET_VALID: { pl: 'Jeszcze nieważna', en: 'Not valid yet' },
  EXPIRED: { pl: 'Termin ważności upłynął', en: 'Expired' },
  REVOKED: { pl: 'Unieważniona przez wystawcę', en: 'Revoked by the issuer' },
  SUSPENDED: { pl: 'Zawieszona przez wystawcę', en: 'Suspended by the issuer' },
  STATUS_UNAVAILABLE: { pl: 'Nie można sprawdzić, czy nie unieważniona', en: 'Revocation status unavailable' },
  PROOF_STALE: { pl: 'Kod nieaktualny — odśwież go w aplikacji', en: 'Code out of date — refresh it in the app' },
  REPLAYED: { pl: 'Ten kod został już użyty', en: 'This code was already used' },
  VALID: { pl: 'Legitymacja ważna', en: 'The ID is valid' },
};

export { displayLane } from '../events/event-bus.js';

export function toDisplayResult(result: VerifyResult, show: readonly HolderField[]): DisplayResult {
  const { credential: c, holder: h } = result;
  const holder = h === null || show.length === 0 ? null : Object.fromEntries(show.map((f) => [f, h[f]]));
  return {
    verdict: result.verdict,
    valid: result.valid,
    reason: result.reason,
    checked_at: result.checked_at,
    presented_at: result.presented_at,
    credential: c === null ? null : { doc: c.doc, org: { name: c.org.name }, valid_until: c.valid_until },
    holder,
    status: result.status,
    ...(result.first_accepted_at === undefined ? {} : { first_accepted_at: result.first_accepted_at }),
  };
}
