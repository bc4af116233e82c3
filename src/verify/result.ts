/** The result of one verification, in the shape of SPEC 7. */
import { createHash } from 'node:crypto';
import { isoMillis, isoSeconds, secondsFormatter } from '../iso-time.js';
import type { Verdict } from './verdicts.js';

export { isoSeconds } from '../iso-time.js';

export interface CredentialView {
  id: string;
  issuer: string;
  doc: 'school' | 'student';
  doc_no: string;
  org: { name: string; id: string };
  valid_until: string;
}

export interface HolderView {
  given_name: string;
  family_name: string;
  birthdate: string;
}

/**
 * Revocation as checked: whether it was, and, when a status list decided, how fresh that
 * list was (its `iat`, and its age in seconds when the presentation was checked).
 */
export interface StatusView {
  checked: boolean;
  iat?: string;
  age_seconds?: number;
}

export interface VerifyResult {
  verdict: Verdict;
  valid: boolean;
  reason: string;
  checked_at: string;
  presented_at: string | null;
  credential: CredentialView | null;
  holder: HolderView | null;
  status: StatusView;
  /** REPLAYED only: when this presentation was first accepted (what screens show; the reason says it in English). */
  first_accepted_at?: string;
  /** SPEC 9: whether this presentation's replay decision was taken in the fleet's shared store. */
  replay: { shared: boolean };
}

/** The two `replay` values, made once: results share them. */
const NOT_SHARED = Object.freeze({ shared: false });
const SHARED = Object.freeze({ shared: true });

/** What a verified credential contributes to a result; built once per credential. */
export interface CredentialShown {
  credential: CredentialView;
  holder: HolderView;
}

export function makeResult(
  verdict: Verdict,
  reason: string,
  now: number,
  shown: CredentialShown | null = null,
  presentedAtSeconds: number | null = null,
  status: StatusView = { checked: false },
  replayShared = false,
): VerifyResult {
  return {
    verdict,
    valid: verdict === 'VALID',
    reason,
    checked_at: isoMillis(now),
    presented_at: shown === null || presentedAtSeconds === null ? null : isoSeconds(presentedAtSeconds),
    credential: shown?.credential ?? null,
    holder: shown?.holder ?? null,
    status,
    replay: replayShared ? SHARED : NOT_SHARED,
  };
}

/** The status of a result a list decided: checked (or not: an index past its end), and the list's freshness. */
export function listStatus(checked: boolean, listIatSeconds: number, nowSeconds: number): StatusView {
  return { checked, iat: formatListIat(listIatSeconds), age_seconds: Math.max(0, nowSeconds - listIatSeconds) };
}

/** Status lists' `iat` have their own formatter (one changes once a refresh, and would otherwise push out the presentation's second). */
const formatListIat = secondsFormatter();

/**
 * What of a result may be logged: the verdict and a hashed credential reference
 * (stable per credential, useless for finding the person).
 */
export function resultLogFields(result: VerifyResult): { verdict: string; credential_ref: string | null } {
  const c = result.credential;
  return {
    verdict: result.verdict,
    credential_ref: c === null ? null : createHash('sha256').update(`${c.issuer}\n${c.id}`).digest('base64url').slice(0, 16),
  };
}
