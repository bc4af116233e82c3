/**
 * The status list thread: fetches (or reads) a status list token and checks it
 * (`verifyStatusListToken`: parse, signature, inflate), then hands the decoded list to the
 * main thread, its bytes and the token's moved rather than copied. A refresh of a list of
 * millions of entries costs the main thread, where verifications run, next to nothing.
 */
import { readFile } from 'node:fs/promises';
import { MlegError } from '../errors.js';
import { trustListFrom, type TrustedKeyData } from '../trust/trust-list.js';
import { withTransfer } from '../worker/protocol.js';
import { serveCalls } from '../worker/serve.js';
import { lowerThisThreadsPriority } from '../worker/thread-priority.js';
import { fetchStatusListText, type FetchLimits } from './fetch-status-list.js';
import { tokenKid, verifyStatusListToken, type StatusList } from './status-list-token.js';

export interface LoadRequest {
  uri: string;
  /** A local file holding the token, read instead of fetching `uri`. */
  file: string | undefined;
  limits: FetchLimits;
  /** The trust list to check the token against, by a number: the thread asks for the one key the token names (KeyAsk). */
  trust: number;
}

/**
 * What the thread asks the main thread once it has the token: the key of load `trust` whose
 * kid the token names (undefined when there is none). One key, not a list of thousands.
 */
export interface KeyAsk {
  trust: number;
  kid: string;
}

/**
 * The list, or why it could not be had (read and check failures alike): `reason` is fit for
 * an answer, `detail` (what the OS or the network said, a file's path) for the log only.
 */
export type LoadOutcome = { ok: true; value: StatusList } | { ok: false; reason: string; detail?: string };

async function readLocal(file: string): Promise<string> {
  try {
    return (await readFile(file, 'latin1')).trim();
  } catch (err) {
    throw new MlegError('STATUS_FETCH_FAILED', 'the local status list file cannot be read', { cause: (err as Error).message });
  }
}

// Checking a list of millions of entries takes a core for milliseconds: scans come first.
lowerThisThreadsPriority();

const served = serveCalls<LoadRequest, unknown>(async ({ uri, file, limits, trust }) => {
  let outcome: LoadOutcome;
  try {
    const text = file !== undefined ? await readLocal(file) : await fetchStatusListText(uri, limits);
    const kid = tokenKid(text);
    const key = kid === undefined ? undefined : await served.ask<TrustedKeyData | undefined>({ trust, kid } satisfies KeyAsk);
    outcome = verifyStatusListToken(text, trustListFrom(key === undefined ? [] : [key], Date.now(), 'status list thread'), uri);
  } catch (err) {
    outcome =
      err instanceof MlegError
        ? { ok: false, reason: err.message, ...(err.cause === undefined ? {} : { detail: String(err.cause) }) }
        : { ok: false, reason: 'the status list could not be loaded', detail: (err as Error).message };
  }
  return outcome.ok ? withTransfer(outcome, [outcome.value.bytes.buffer as ArrayBuffer, outcome.value.token.buffer as ArrayBuffer]) : outcome;
});
