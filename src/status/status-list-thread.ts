/**
 * The main thread's side of the status list thread (status-list-worker.ts), over a worker
 * channel (src/worker/channel.ts): each load is answered with the checked list or why not,
 * within a deadline. The thread starts on first use, never keeps the process alive by
 * itself, stops after a while without work (it holds a few megabytes), and starts afresh
 * after it is lost.
 */
import { isMlegError } from '../errors.js';
import { trustedKeyData, type TrustList } from '../trust/trust-list.js';
import { WorkerChannel } from '../worker/channel.js';
import { siblingModule } from '../worker/start-worker.js';
import type { FetchLimits } from './fetch-status-list.js';
import type { KeyAsk, LoadOutcome, LoadRequest } from './status-list-worker.js';

/** Lists are refreshed every few minutes at most: the thread is not kept between refreshes. */
const IDLE_MS = 30_000;

/** On top of the fetch timeout: time to check a list at the inflate cap, and to start the thread. */
const CHECK_MARGIN_MS = 10_000;

export class StatusListThread {
  /** The trust list of each load under way, by its number: the thread asks for the key its token names. */
  readonly #trusts = new Map<number, TrustList>();
  #nextLoad = 1;
  readonly #channel = new WorkerChannel<LoadRequest, LoadOutcome>({
    file: siblingModule('status-list-worker', import.meta.url),
    idleMs: IDLE_MS,
    onAsk: (ask) => {
      const { trust, kid } = ask as KeyAsk;
      const key = this.#trusts.get(trust)?.keys.get(kid);
      return key === undefined ? undefined : trustedKeyData(key);
    },
  });

  /** The list at `uri` (read from `file` when given), checked against `trust`. Never rejects. */
  async load(uri: string, file: string | undefined, limits: FetchLimits, trust: TrustList): Promise<LoadOutcome> {
    const waitMs = limits.timeoutMs + CHECK_MARGIN_MS;
    const { allowHttp, timeoutMs, maxBytes, maxRedirects } = limits;
    const load = this.#nextLoad++;
    this.#trusts.set(load, trust);
    try {
      return await this.#channel.call({ uri, file, limits: { allowHttp, timeoutMs, maxBytes, maxRedirects }, trust: load }, { deadline: Date.now() + waitMs });
    } catch (err) {
      if (isMlegError(err, 'DEADLINE_PASSED')) return { ok: false, reason: `no answer from the status list thread within ${waitMs} ms` };
      if (isMlegError(err, 'CLOSED')) return { ok: false, reason: 'the status list thread is closed' };
      return { ok: false, reason: 'the status list thread stopped', detail: (err as Error).message };
    } finally {
      this.#trusts.delete(load);
    }
  }

  /** Answers every pending load with a failure and stops the thread. */
  close(): void {
    void this.#channel.close();
  }
}
