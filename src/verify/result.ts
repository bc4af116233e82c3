/** The result of one verification, in the shape of SPEC 7. */
import { createHash } from 'node:crypto';
import { isoMillis, isoSeconds } from '../iso-time.js';
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

export interface VerifyResult {
  verdict: Verdict;
  valid: boolean;
  reason: string;
  checked_at: string;
  presented_at: string | null;
  credential: CredentialView | null;
  holder: HolderView | null;
  status: { checked: boolean };
}

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
  statusChecked = false,
): VerifyResult {
  return {
    verdict,
    valid: verdict === 'VALID',
    reason,
    checked_at: isoMillis(now),
    presented_at: shown === null || presentedAtSeconds === null ? null : isoSeconds(presentedAtSeconds),
    credential: shown?.credential ?? null,
    holder: shown?.holder ?? null,
    status: { checked: statusChecked },
  };
}

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
