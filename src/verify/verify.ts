/**
 * verify(payload, now, deps) → result: SPEC 1-6 (and 11) as one pure function of its inputs,
 * the same verdict order for both formats (presentation.ts reads either into the same parts).
 * The clock, the trust list, the caches and the stores are arguments, so every verdict
 * is testable without timers or sockets. Synchronous unless a status list must be fetched.
 */
import { replayKey, type ReplayAnswer, type ReplayStore } from '../replay/replay-store.js';
import type { TrustList } from '../trust/trust-list.js';
import type { CredentialCache } from './credential-cache.js';
import type { VerifiedCredential } from './credential.js';
import { checkPresentedProof, readPresentation } from './presentation.js';
import type { ProofClaims } from './proof.js';
import { isoSeconds, listStatus, makeResult, type StatusView, type VerifyResult } from './result.js';
import type { StatusAnswer, StatusLookup } from './status-answer.js';

export interface VerifyPolicy {
  requireProof: boolean;
  proofMaxAgeSeconds: number;
  proofFutureSkewSeconds: number;
  clockSkewSeconds: number;
  onStatusUnavailable: 'reject' | 'accept';
}

export interface VerifyDeps {
  trust: TrustList;
  credentials: CredentialCache;
  status: StatusLookup;
  replay: ReplayStore;
  policy: VerifyPolicy;
}

/** @param now milliseconds since the epoch */
export function verify(payload: string, now: number, deps: VerifyDeps): VerifyResult | Promise<VerifyResult> {
  const read = readPresentation(payload, deps.credentials, deps.trust);
  if (!read.ok) return makeResult('MALFORMED', read.reason, now);
  const { credential: outcome, proof } = read;
  if (!outcome.ok) return makeResult(outcome.verdict, outcome.reason, now);

  const credential = outcome.credential;
  const { shown, claims } = credential;
  let presented: ProofClaims | undefined;
  if (proof !== undefined) {
    const checked = checkPresentedProof(proof, credential);
    if (!checked.ok) return makeResult('PROOF_INVALID', checked.reason, now, shown);
    presented = checked.value;
  } else if (deps.policy.requireProof) {
    const where = read.format === 'MLEG1' ? 'no "~<proof>" part' : 'an array of the credential alone';
    return makeResult('PROOF_MISSING', `no device proof: the payload has ${where}`, now, shown);
  }
  const presentedAt = presented?.iat ?? null;

  const nowSeconds = Math.floor(now / 1000);
  const skew = deps.policy.clockSkewSeconds;
  const validFrom = Math.max(claims.nbf ?? claims.iat, claims.iat);
  if (validFrom > nowSeconds + skew) {
    return makeResult('NOT_YET_VALID', `credential valid from ${isoSeconds(validFrom)}`, now, shown, presentedAt);
  }
  if (claims.exp < nowSeconds - skew) {
    return makeResult('EXPIRED', `credential expired at ${isoSeconds(claims.exp)}`, now, shown, presentedAt);
  }

  const { uri, idx } = claims.status.status_list;
  const finish = (answer: StatusAnswer): VerifyResult | Promise<VerifyResult> =>
    afterStatus(answer, credential, presented, now, nowSeconds, deps.replay, deps.policy);
  let answer: StatusAnswer | Promise<StatusAnswer>;
  try {
    answer = deps.status.lookup(uri, idx, claims.iss, nowSeconds);
  } catch (err) {
    answer = { state: 'unavailable', reason: `status lookup failed: ${(err as Error).message}` };
  }
  if (answer instanceof Promise) {
    return answer.then(finish, (err: Error) => finish({ state: 'unavailable', reason: `status lookup failed: ${err.message}` }));
  }
  return finish(answer);
}

function afterStatus(
  answer: StatusAnswer,
  credential: VerifiedCredential,
  presented: ProofClaims | undefined,
  now: number,
  nowSeconds: number,
  replay: ReplayStore,
  policy: VerifyPolicy,
): VerifyResult | Promise<VerifyResult> {
  const { shown, claims } = credential;
  const presentedAt = presented?.iat ?? null;
  const { idx } = claims.status.status_list;
  let status: StatusView = { checked: false };
  let note = '';
  if (answer.state === 'found') {
    status = listStatus(true, answer.iat, nowSeconds);
    if (answer.value === 2) return makeResult('SUSPENDED', 'suspended by its issuer', now, shown, presentedAt, status);
    if (answer.value !== 0) return makeResult('REVOKED', 'revoked by its issuer', now, shown, presentedAt, status);
  } else if (answer.state === 'past-end') {
    const reason = `status index ${idx} is past the end of the status list (${answer.entries} entries)`;
    return makeResult('STATUS_UNAVAILABLE', reason, now, shown, presentedAt, listStatus(false, answer.iat, nowSeconds));
  } else if (policy.onStatusUnavailable === 'reject') {
    return makeResult('STATUS_UNAVAILABLE', answer.reason, now, shown, presentedAt);
  } else {
    note = `; revocation not checked (${answer.reason})`;
  }

  if (presented !== undefined) {
    const age = nowSeconds - presented.iat;
    if (age > policy.proofMaxAgeSeconds) {
      return makeResult('PROOF_STALE', `presentation made ${age} s ago; at most ${policy.proofMaxAgeSeconds} s allowed`, now, shown, presentedAt, status);
    }
    if (-age > policy.proofFutureSkewSeconds) {
      return makeResult('PROOF_STALE', `presentation time is ${-age} s in the future`, now, shown, presentedAt, status);
    }
    const key = replayKey(claims.iss, claims.jti, presented.jti);
    const answer = replay.rememberOnce(key, nowSeconds, presented.iat + policy.proofMaxAgeSeconds);
    if (answer instanceof Promise) return answer.then((a) => afterReplay(makeResult('VALID', `valid${note}`, now, shown, presentedAt, status, a.shared), a));
    return afterReplay(makeResult('VALID', `valid${note}`, now, shown, presentedAt, status, answer.shared), answer);
  }
  return makeResult('VALID', `valid${note}`, now, shown, presentedAt, status);
}

/**
 * The replay decision on a presentation that was VALID but for replay memory: REPLAYED
 * when the memory's answer says it was first accepted earlier, VALID otherwise, with
 * where the decision was taken (`replay.shared`). The verifier pool (src/pool/) decides
 * replay on one thread after a worker found a presentation VALID, and answers with this.
 */
export function afterReplay(valid: VerifyResult, answer: ReplayAnswer): VerifyResult {
  if (answer.shared !== valid.replay.shared) valid = { ...valid, replay: { shared: answer.shared } };
  if (answer.firstAt === undefined) return valid;
  const at = isoSeconds(answer.firstAt);
  return { ...valid, verdict: 'REPLAYED', valid: false, reason: `this presentation was already accepted at ${at}`, first_accepted_at: at };
}
