/**
 * One verifier thread of the pool (verifier-pool.ts): runs the pure `verify` on the
 * payloads it is sent, with its own credential cache, the main thread's trust list and a
 * mirror of its status lists. Replay is not decided here: a presentation found VALID
 * comes back with what replay memory should remember, and the main thread, the one
 * owner of replay memory, decides between VALID and REPLAYED.
 */
import { workerData } from 'node:worker_threads';
import { NOT_SEEN_HERE, type ReplayStore } from '../replay/replay-store.js';
import type { StatusLimits } from '../status/status-list-token.js';
import { trustListFrom, type TrustedKeyData } from '../trust/trust-list.js';
import { CredentialCache } from '../verify/credential-cache.js';
import type { VerifyResult } from '../verify/result.js';
import type { StatusAnswer } from '../verify/status-answer.js';
import { verify, type VerifyDeps, type VerifyPolicy } from '../verify/verify.js';
import { serveCalls } from '../worker/serve.js';
import { StatusMirror, type SharedStatusList } from './status-mirror.js';

export interface ThreadSettings {
  policy: VerifyPolicy;
  cacheSize: number;
  status: StatusLimits;
}

/** What replay memory should remember for a presentation found VALID. */
export interface Remember {
  key: string;
  nowSeconds: number;
  untilSeconds: number;
}

/** Verify these payloads in order. */
export interface VerifyJob {
  payloads: string[];
  now: number;
}

/** A thread's answer: results, for each VALID one what replay memory should remember, and its cache's counts. */
export interface Verified {
  results: VerifyResult[];
  remember: (Remember | null)[];
  cache: { hits: number; misses: number; size: number };
}

/** What the main thread sends without waiting for an answer: the trust list in force, a status list (or its withdrawal). */
export type ThreadPost = { type: 'trust'; keys: TrustedKeyData[]; loadedAt: number; source: string } | { type: 'list'; uri: string; iss: string; list: SharedStatusList | undefined };

/** What a thread asks the main thread when its copy of the status lists cannot answer. */
export interface StatusAsk {
  uri: string;
  idx: number;
  iss: string;
  nowSeconds: number;
}

const settings = workerData as ThreadSettings;
const credentials = new CredentialCache(settings.cacheSize);
const deps: Omit<VerifyDeps, 'replay'> = {
  trust: { keys: new Map(), loadedAt: 0, source: 'not sent yet' },
  credentials,
  status: new StatusMirror(settings.status, (uri, idx, iss, nowSeconds) => served.ask<StatusAnswer>({ uri, idx, iss, nowSeconds } satisfies StatusAsk)),
  policy: settings.policy,
};
const status = deps.status as StatusMirror;

const served = serveCalls<VerifyJob, Verified | Promise<Verified>>(({ payloads, now }) => verifyAll(payloads, now), {
  onPost: (message) => {
    const post = message as ThreadPost;
    if (post.type === 'trust') {
      deps.trust = trustListFrom(post.keys, post.loadedAt, post.source);
      status.clear(); // the main thread sends each list again once it has checked it against these keys
    } else status.set(post.uri, post.iss, post.list);
  },
});

/** Verifies in order; answers at once when every status list was at hand (the usual case). */
function verifyAll(payloads: string[], now: number): Verified | Promise<Verified> {
  const remember: (Remember | null)[] = payloads.map(() => null);
  const outcomes = payloads.map((payload, i) => verify(payload, now, { ...deps, replay: replayNoting(remember, i) }));
  const answer = (results: VerifyResult[]): Verified => ({ results, remember, cache: { hits: credentials.hits, misses: credentials.misses, size: credentials.size } });
  if (outcomes.some((o) => o instanceof Promise)) return Promise.all(outcomes).then(answer);
  return answer(outcomes as VerifyResult[]);
}

/** Replay memory that remembers nothing here, but notes what the main thread should remember. */
function replayNoting(remember: (Remember | null)[], i: number): ReplayStore {
  return {
    size: 0,
    rememberOnce(key, nowSeconds, untilSeconds) {
      remember[i] = { key, nowSeconds, untilSeconds };
      return NOT_SEEN_HERE;
    },
    forgetPast() {},
  };
}
