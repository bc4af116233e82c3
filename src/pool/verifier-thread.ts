/**
 * One verifier thread of the pool (verifier-pool.ts): runs the pure `verify` on the
 * payloads it is sent, with its own credential cache, the main thread's trust list and a
 * mirror of its status lists. Replay is not decided here: a presentation found VALID
 * comes back with what replay memory should remember, and the main thread, the one
 * owner of replay memory, decides between VALID and REPLAYED.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { NOT_SEEN_HERE, type ReplayStore } from '../replay/replay-store.js';
import type { TrustedKey } from '../trust/trust-list.js';
import { CredentialCache } from '../verify/credential-cache.js';
import type { VerifyResult } from '../verify/result.js';
import type { StatusAnswer } from '../verify/status-answer.js';
import { verify, type VerifyDeps, type VerifyPolicy } from '../verify/verify.js';
import { StatusMirror, type SharedStatusList } from './status-mirror.js';

export interface ThreadSettings {
  policy: VerifyPolicy;
  cacheSize: number;
  statusMaxAgeSeconds: number;
}

/** What replay memory should remember for a presentation found VALID. */
export interface Remember {
  key: string;
  nowSeconds: number;
  untilSeconds: number;
}

export type ToThread =
  | { type: 'trust'; keys: TrustedKey[]; loadedAt: number; source: string }
  | { type: 'list'; uri: string; list: SharedStatusList | undefined }
  | { type: 'verify'; id: number; payloads: string[]; now: number }
  | { type: 'status'; id: number; answer: StatusAnswer };

export type FromThread =
  | { type: 'verified'; id: number; results: VerifyResult[]; remember: (Remember | null)[]; cache: { hits: number; misses: number; size: number } }
  | { type: 'status'; id: number; uri: string; idx: number; iss: string; nowSeconds: number };

const port = parentPort!;
const settings = workerData as ThreadSettings;
const credentials = new CredentialCache(settings.cacheSize);
const asked = new Map<number, (answer: StatusAnswer) => void>();
let nextAsk = 1;
const status = new StatusMirror(settings.statusMaxAgeSeconds, (uri, idx, iss, nowSeconds) => {
  const id = nextAsk++;
  const message: FromThread = { type: 'status', id, uri, idx, iss, nowSeconds };
  port.postMessage(message);
  return new Promise((resolve) => asked.set(id, resolve));
});
const deps: Omit<VerifyDeps, 'replay'> = {
  trust: { keys: new Map(), loadedAt: 0, source: 'not sent yet' },
  credentials,
  status,
  policy: settings.policy,
};

port.on('message', (message: ToThread) => {
  switch (message.type) {
    case 'trust':
      deps.trust = { keys: new Map(message.keys.map((key) => [key.kid, key])), loadedAt: message.loadedAt, source: message.source };
      status.clear(); // the main thread sends each list again once it has checked it against these keys
      return;
    case 'list':
      status.set(message.uri, message.list);
      return;
    case 'status':
      asked.get(message.id)?.(message.answer);
      asked.delete(message.id);
      return;
    case 'verify':
      verifyAll(message.id, message.payloads, message.now);
  }
});

/** Verifies in order; answers at once when every status list was at hand (the usual case). */
function verifyAll(id: number, payloads: string[], now: number): void {
  const remember: (Remember | null)[] = payloads.map(() => null);
  const outcomes = payloads.map((payload, i) => verify(payload, now, { ...deps, replay: replayNoting(remember, i) }));
  const reply = (results: VerifyResult[]): void => {
    const message: FromThread = { type: 'verified', id, results, remember, cache: { hits: credentials.hits, misses: credentials.misses, size: credentials.size } };
    port.postMessage(message);
  };
  if (outcomes.some((o) => o instanceof Promise)) void Promise.all(outcomes).then(reply);
  else reply(outcomes as VerifyResult[]);
}

/** Replay memory that remembers nothing here, but notes what the main thread should remember. */
function replayNoting(remember: (Remember | null)[], i: number): ReplayStore {
  return {
    size: 0,
    rememberOnce(key, nowSeconds, untilSeconds) {
      remember[i] = { key, nowSeconds, untilSeconds };
      return NOT_SEEN_HERE;
    },
  };
}
