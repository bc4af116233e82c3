/** The verdicts of SPEC 6, in order of precedence: where several apply, the first wins. */
export const VERDICTS = [
  'MALFORMED',
  'UNKNOWN_ISSUER',
  'BAD_SIGNATURE',
  'PROOF_MISSING',
  'PROOF_INVALID',
  'NOT_YET_VALID',
  'EXPIRED',
  'REVOKED',
  'SUSPENDED',
  'STATUS_UNAVAILABLE',
  'PROOF_STALE',
  'REPLAYED',
  'VALID',
] as const;

export type Verdict = (typeof VERDICTS)[number];
