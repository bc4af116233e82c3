/**
 * The status lists the service knows (SPEC 5), as one lookup for `verify`: answered from
 * memory whenever a usable list of the credential's issuer is held; otherwise one fetch
 * per URI for all the verifications waiting on it, bounded by a timeout. The parts:
 * - status-slots.ts: the lists held, one per (URI, signing issuer);
 * - refresh-schedule.ts: when each URI is fetched again, and the back-off after failures;
 * - local-status-files.ts: `status.files`, read instead of fetched and watched;
 * - status-archive.ts: lists kept on disk across restarts;
 * - status-list-thread.ts: fetching and checking (parse, signature, inflate) off this thread;
 * - status-view.ts: what /v1/state shows.
 * This module decides which fetched list is taken: never one older than the one held, never
 * one issued in the future, never an unusable one over a usable one.
 */
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../clock.js';
import { pollFile, type WatchFile } from '../file-watch.js';
import type { TrustList } from '../trust/trust-list.js';
import type { StatusAnswer, StatusLookup } from '../verify/status-answer.js';
import { refusedUri, type FetchLimits } from './fetch-status-list.js';
import { LocalStatusFiles } from './local-status-files.js';
import { RefreshSchedule } from './refresh-schedule.js';
import type { StatusArchive } from './status-archive.js';
import { statusAt } from './status-bits.js';
import { reverifyStatusList, tokenText, unusableReason, verifyStatusListToken, type StatusLimits, type StatusList } from './status-list-token.js';
import { StatusListThread } from './status-list-thread.js';
import type { LoadOutcome } from './status-list-worker.js';
import { StatusSlots, type HeldList, type Slot } from './status-slots.js';
import { statusListStates, type StatusListState } from './status-view.js';

export type { StatusListState } from './status-view.js';
export type Log = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

export interface StatusListsOptions extends FetchLimits, StatusLimits {
  trust: () => TrustList;
  refreshSeconds: number;
  /** URI → local file holding the token, read instead of fetching (offline sites, the demo). */
  files: Readonly<Record<string, string>>;
  archive: StatusArchive | undefined;
  log: Log;
  clock?: Clock;
  watchFile?: WatchFile;
}

export class StatusLists implements StatusLookup {
  readonly #o: StatusListsOptions;
  readonly #clock: Clock;
  readonly #slots: StatusSlots;
  readonly #schedule: RefreshSchedule;
  readonly #files: LocalStatusFiles;
  readonly #thread = new StatusListThread();
  /** URI → the fetch under way, and the issuers whose verifications wait on it. */
  readonly #inflight = new Map<string, { done: Promise<void>; wanted: Set<string> }>();
  readonly #changeListeners: ((slot: Slot) => void)[] = [];
  /** Archive writes under way. */
  readonly #saving = new Set<Promise<void>>();
  #abandon: (answer: StatusAnswer) => void = () => {};
  /** Resolved at stop: what waiting verifications are answered then. */
  readonly #abandoned = new Promise<StatusAnswer>((resolve) => (this.#abandon = resolve));

  constructor(options: StatusListsOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#files = new LocalStatusFiles(options.files);
    this.#schedule = new RefreshSchedule(this.#clock, options.refreshSeconds, (uri) => void this.refresh(uri));
    this.#slots = new StatusSlots((slot) => {
      this.#replan(slot.uri);
      this.#changed(slot);
    });
  }

  /** Restores archived lists, then loads local files, then watches those files. Synchronous. */
  start(): void {
    const archived = this.#o.archive?.loadAll((file, why) => this.#o.log.warn({ file, why }, 'status archive: unreadable file skipped')) ?? [];
    for (const { uri, jwt, fetchedAt } of archived) {
      const trust = this.#o.trust();
      const verified = verifyStatusListToken(jwt, trust, uri);
      const refused = verified.ok ? this.#refusal(verified.value) : verified.reason;
      if (!verified.ok || refused !== undefined) {
        this.#o.log.warn({ uri, why: refused }, 'status archive: list not restored');
        continue;
      }
      // Restored, not fetched: no attempt is recorded, so /v1/state does not claim the host answered.
      this.#hold({ list: verified.value, verifiedWith: trust, fetchedAt });
      this.#o.log.info({ uri, iat: verified.value.iat }, 'status list restored from archive');
    }
    for (const uri of this.#files.uris()) {
      const trust = this.#o.trust();
      const read = this.#files.read(uri);
      this.#take(uri, read.ok ? verifyStatusListToken(read.text, trust, uri) : read, trust, new Set());
    }
    this.#files.watch(this.#o.watchFile ?? pollFile, (uri) => void this.refresh(uri));
  }

  lookup(uri: string, idx: number, iss: string, nowSeconds: number): StatusAnswer | Promise<StatusAnswer> {
    const answer = this.#answer(uri, idx, iss, nowSeconds);
    if (answer.state !== 'unavailable') return answer;
    const refused = this.#files.fileFor(uri) === undefined ? refusedUri(uri, this.#o.allowHttp) : undefined;
    if (refused !== undefined) return { state: 'unavailable', reason: refused };
    if (!this.#inflight.has(uri)) {
      if (this.#schedule.backingOff(uri)) return answer;
      // Another issuer's list is all this URI gave, and it is not due again: fetching now would give the same.
      if (this.#slots.get(uri, iss) === undefined && this.#slots.at(uri).length > 0 && !this.#due(uri)) return answer;
    }
    const fetched = this.#refresh(uri, iss).then(() => this.#answer(uri, idx, iss, nowSeconds));
    return Promise.race([fetched, this.#abandoned]);
  }

  /** Resolves once no fetch and no archive write is under way (those started meanwhile included). */
  async settled(): Promise<void> {
    while (this.#inflight.size > 0 || this.#saving.size > 0) await Promise.all([...[...this.#inflight.values()].map((p) => p.done), ...this.#saving]);
  }

  /** Answers every verification waiting on a fetch now, without its list (at stop). */
  abandonWaits(reason: string): void {
    this.#abandon({ state: 'unavailable', reason });
  }

  /**
   * Fetches (or re-reads) the list of `uri` now; resolves when done, whatever the outcome.
   * One fetch per URI at a time: concurrent callers share it. The fetch and the check of the
   * token run on the status list thread; the checked list is swapped in at once.
   */
  refresh(uri: string): Promise<void> {
    return this.#refresh(uri, undefined);
  }

  /** Refreshes every known list; says for each whether its list changed. */
  async refreshAll(): Promise<{ uri: string; changed: boolean; ok: boolean; error: string | null }[]> {
    return Promise.all(
      this.#uris().map(async (uri) => {
        const tokens = () => this.#slots.at(uri).map((h) => tokenText(h.list)).sort().join(' ');
        const before = tokens();
        await this.refresh(uri);
        const last = this.#schedule.lastAttempt(uri);
        const ok = last?.ok ?? false;
        return { uri, changed: tokens() !== before, ok, error: ok ? null : (last?.error ?? null) };
      }),
    );
  }

  state(nowSeconds = Math.floor(this.#clock.now() / 1000)): StatusListState[] {
    return statusListStates(
      this.#uris().map((uri) => ({ uri, held: this.#slots.at(uri), last: this.#schedule.lastAttempt(uri), next: this.#schedule.nextAt(uri, this.#slots.at(uri)) })),
      nowSeconds,
      this.#o,
    );
  }

  /**
   * The list held for `uri` of issuer `iss`, checked against the trust list in force,
   * whether or not it is usable now; undefined when there is none.
   */
  current(uri: string, iss: string): StatusList | undefined {
    return this.#trusted(uri, iss)?.list;
  }

  /** The (URI, issuer) slots with a list held. */
  slots(): Slot[] {
    return this.#slots.slots();
  }

  /** Calls `listener` whenever the list held for a slot is replaced, checked again or dropped. */
  onChange(listener: (slot: Slot) => void): void {
    this.#changeListeners.push(listener);
  }

  close(): void {
    this.#schedule.close();
    this.#files.close();
    this.#thread.close();
  }

  /** The answer from what is held. */
  #answer(uri: string, idx: number, iss: string, nowSeconds: number): StatusAnswer {
    const held = this.#trusted(uri, iss);
    if (held === undefined && this.#slots.at(uri).length > 0) return { state: 'unavailable', reason: `the status list at ${uri} is signed by another issuer than the credential's` };
    if (held === undefined) {
      const error = this.#schedule.lastAttempt(uri)?.error ?? null;
      return { state: 'unavailable', reason: `no status list for ${uri}${error === null ? '' : `: ${error}`}` };
    }
    const why = unusableReason(held.list, nowSeconds, this.#o);
    if (why !== undefined) return { state: 'unavailable', reason: why };
    this.#refreshIfDue(uri, nowSeconds);
    const value = statusAt(held.list.bytes, held.list.bits, idx);
    return value === undefined ? { state: 'past-end', entries: held.list.entries, iat: held.list.iat } : { state: 'found', value, iat: held.list.iat };
  }

  /**
   * The slot's list, its key and signature checked again if the trust list changed since
   * (the bytes are those already decoded); dropped if it no longer verifies as that issuer's.
   */
  #trusted(uri: string, iss: string): HeldList | undefined {
    const held = this.#slots.get(uri, iss);
    const trust = this.#o.trust();
    if (held === undefined || held.verifiedWith === trust) return held;
    const again = reverifyStatusList(held.list, trust);
    if (again.ok && again.value.iss === iss) {
      held.list = again.value;
      held.verifiedWith = trust;
    } else {
      this.#slots.delete(uri, iss);
      this.#o.log.warn({ uri, why: again.ok ? 'its key now belongs to another issuer' : again.reason }, 'status list dropped after trust list change');
      this.#replan(uri);
    }
    this.#changed({ uri, iss });
    return again.ok && again.value.iss === iss ? held : undefined;
  }

  /**
   * Starts a background refresh when one is due and none runs (the timer normally has).
   * The lookup's own time is checked first: reading the clock costs as much as the rest of
   * a lookup, and is needed only once that time says a refresh is due. When it is due is
   * what the schedule last planned (bench/results/findings.md, "whether a status list refresh is due").
   */
  #refreshIfDue(uri: string, nowSeconds: number): void {
    const due = this.#schedule.plannedAt(uri);
    if (due !== undefined && (nowSeconds + 1) * 1000 > due && this.#clock.now() >= due && !this.#inflight.has(uri)) void this.refresh(uri);
  }

  /** Whether `uri` is due for a refresh now. */
  #due(uri: string): boolean {
    const due = this.#schedule.nextAt(uri, this.#slots.at(uri));
    return due === undefined || this.#clock.now() >= due;
  }

  #refresh(uri: string, wantedIss: string | undefined): Promise<void> {
    let pending = this.#inflight.get(uri);
    if (pending === undefined) {
      this.#o.log.debug({ uri }, 'fetching status list');
      const trust = this.#o.trust();
      const wanted = new Set<string>();
      const done = this.#thread
        .load(uri, this.#files.fileFor(uri), this.#o, trust)
        .then((outcome) => this.#take(uri, outcome, trust, wanted))
        .finally(() => this.#inflight.delete(uri));
      this.#inflight.set(uri, (pending = { done, wanted }));
    }
    if (wantedIss !== undefined) pending.wanted.add(wantedIss);
    return pending.done;
  }

  /**
   * Takes a fetched (or read) list into its issuer's slot, or records why not. A list that
   * verifies but cannot be used now (expired, too old) is still taken when nothing usable is
   * held, as the newest there is, yet counts as a failed attempt, so that verifications do
   * not wait on a refetch every time.
   * @param wanted issuers whose verifications waited on this fetch
   */
  #take(uri: string, outcome: LoadOutcome, trust: TrustList, wanted: ReadonlySet<string>): void {
    if (!outcome.ok) return this.#failed(uri, outcome.reason, outcome.detail);
    const list = outcome.value;
    const refused = this.#refusal(list);
    if (refused !== undefined) return this.#failed(uri, refused);
    const persist = this.#files.fileFor(uri) === undefined;
    this.#hold({ list, verifiedWith: trust, fetchedAt: this.#clock.now() });
    this.#schedule.succeeded(uri);
    if (persist && this.#o.archive !== undefined) {
      const saved = this.#o.archive
        .save({ uri, iss: list.iss, jwt: tokenText(list), fetchedAt: this.#clock.now() })
        .catch((err: Error) => this.#o.log.error({ uri, err: err.message }, 'status archive: cannot save list'))
        .finally(() => this.#saving.delete(saved));
      this.#saving.add(saved);
    }
    const unusable = unusableReason(list, this.#nowSeconds(), this.#o);
    if (unusable !== undefined) return this.#failed(uri, unusable);
    const others = [...wanted].filter((iss) => iss !== list.iss && this.#slots.get(uri, iss) === undefined);
    if (others.length > 0) this.#failed(uri, `the list at ${uri} is signed by another issuer than the credential's`);
    this.#replan(uri);
  }

  /** Why a verified list may not be held in its issuer's slot now, or undefined. */
  #refusal(list: StatusList): string | undefined {
    const nowSeconds = this.#nowSeconds();
    if (list.iat > nowSeconds + this.#o.clockSkewSeconds) return `status list: issued ${list.iat - nowSeconds} s in the future (iat ${list.iat})`;
    const held = this.#slots.get(list.uri, list.iss);
    if (held === undefined) return undefined;
    if (list.iat < held.list.iat) return `status list: older (iat ${list.iat}) than the one held (iat ${held.list.iat})`;
    const unusable = unusableReason(list, nowSeconds, this.#o);
    if (unusable !== undefined && unusableReason(held.list, nowSeconds, this.#o) === undefined) return `${unusable}; the usable list held is kept`;
    return undefined;
  }

  /** Holds `held` in its issuer's slot, replacing what was there in one step. */
  #hold(held: HeldList): void {
    const { uri, iss, iat, entries, kid } = held.list;
    this.#slots.set(held);
    this.#replan(uri);
    this.#o.log.debug({ uri, iss, iat, entries, kid }, 'status list accepted');
    this.#changed({ uri, iss });
  }

  #failed(uri: string, error: string, detail?: string): void {
    const failures = this.#schedule.failed(uri, error);
    this.#replan(uri);
    const keeping = this.#slots.at(uri).length > 0;
    this.#o.log.warn({ uri, error, ...(detail === undefined ? {} : { detail }), failures, keeping }, 'status list fetch failed');
  }

  #replan(uri: string): void {
    const held = this.#slots.at(uri);
    this.#schedule.plan(uri, held);
    this.#schedule.forgetIfIdle(uri, held);
  }

  #changed(slot: Slot): void {
    for (const listener of this.#changeListeners) {
      try {
        listener(slot);
      } catch (err) {
        this.#o.log.error({ uri: slot.uri, err: (err as Error).message }, 'status list change listener failed');
      }
    }
  }

  #uris(): string[] {
    return [...new Set([...this.#slots.uris(), ...this.#schedule.uris()])];
  }

  #nowSeconds(): number {
    return Math.floor(this.#clock.now() / 1000);
  }
}
