/**
 * The status lists the service knows, one per URI (SPEC 5): answered from memory
 * whenever a usable list is cached, refreshed in the background after `ttl` or
 * `refreshSeconds` (the shorter), fetched once for all the verifications waiting on a
 * URI, kept when a fetch fails, restored from the archive at start. Fetching and checking
 * a list (parse, signature, inflate) happen on the status list thread, so that a list of
 * millions of entries does not hold up the verifications on this one.
 */
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import type { Parsed } from '../jws/compact.js';
import type { TrustList } from '../trust/trust-list.js';
import type { StatusAnswer, StatusLookup } from '../verify/status-answer.js';
import { statusAt } from './status-bits.js';
import { refusedUri, type FetchLimits } from './fetch-status-list.js';
import type { StatusArchive } from './status-archive.js';
import { reverifyStatusList, tokenText, unusableReason, verifyStatusListToken, type StatusList } from './status-list-token.js';
import { StatusListThread } from './status-list-thread.js';

export type Log = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

export interface StatusListsOptions extends FetchLimits {
  trust: () => TrustList;
  maxAgeSeconds: number;
  refreshSeconds: number;
  /** URI → local file holding the token, read instead of fetching (offline sites, the demo). */
  files: Readonly<Record<string, string>>;
  archive: StatusArchive | undefined;
  log: Log;
  clock?: () => number;
}

interface Entry {
  list: StatusList | undefined;
  verifiedWith: TrustList | undefined;
  fetchedAt: number | undefined;
  lastAttempt: { at: number; ok: boolean; error?: string } | undefined;
  failures: number;
  retryAt: number;
}

export interface StatusListState {
  uri: string;
  iss: string | null;
  iat: number | null;
  exp: number | null;
  ttl: number | null;
  bits: number | null;
  entries: number | null;
  fetched_at: string | null;
  next_refresh: string | null;
  usable: boolean;
  why_not: string | null;
  last_fetch: { at: string; ok: boolean; error: string | null } | null;
}

const FIRST_RETRY_MS = 5000;
const MAX_LISTS = 1000;
const MAX_TOTAL_BYTES = 256 * 1024 * 1024;

export class StatusLists implements StatusLookup {
  readonly #o: StatusListsOptions;
  readonly #clock: () => number;
  readonly #entries: LRUCache<string, Entry>;
  readonly #inflight = new Map<string, Promise<void>>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #thread = new StatusListThread();
  readonly #changeListeners: ((uri: string) => void)[] = [];
  #closed = false;

  constructor(options: StatusListsOptions) {
    this.#o = options;
    this.#clock = options.clock ?? Date.now;
    this.#entries = new LRUCache<string, Entry>({
      max: MAX_LISTS,
      maxSize: MAX_TOTAL_BYTES,
      sizeCalculation: (entry) => 1 + (entry.list?.bytes.length ?? 0),
      dispose: (_entry, uri, reason) => {
        if (reason !== 'set') {
          this.#unschedule(uri);
          this.#changed(uri);
        }
      },
    });
  }

  /** Restores archived lists, then loads local files, then watches those files. Synchronous. */
  start(): void {
    const archived = this.#o.archive?.loadAll((file, why) => this.#o.log.warn({ file, why }, 'status archive: unreadable file skipped')) ?? [];
    for (const { uri, jwt, fetchedAt } of archived) {
      const trust = this.#o.trust();
      const verified = verifyStatusListToken(jwt, trust, uri);
      if (!verified.ok) {
        this.#o.log.warn({ uri, why: verified.reason }, 'status archive: list no longer verifies; skipped');
        continue;
      }
      this.#accept(uri, verified.value, trust, fetchedAt, false);
      this.#o.log.info({ uri, iat: verified.value.iat }, 'status list restored from archive');
    }
    for (const [uri, file] of Object.entries(this.#o.files)) {
      this.#loadNow(uri, file);
      watchFile(file, { interval: 1000, persistent: false }, (curr, prev) => {
        if (curr.mtimeMs !== prev.mtimeMs || curr.size !== prev.size) void this.refresh(uri);
      });
    }
  }

  lookup(uri: string, idx: number, iss: string, nowSeconds: number): StatusAnswer | Promise<StatusAnswer> {
    const answer = this.#answerFromCache(uri, idx, iss, nowSeconds);
    if (answer.state !== 'unavailable') return answer;
    const cached = this.#entries.get(uri)?.list;
    if (cached !== undefined && cached.iss !== iss) return answer; // another issuer's list: fetching cannot help
    const refused = this.#o.files[uri] === undefined ? refusedUri(uri, this.#o.allowHttp) : undefined;
    if (refused !== undefined) return { state: 'unavailable', reason: refused };
    const entry = this.#entries.get(uri);
    if (entry !== undefined && this.#clock() < entry.retryAt && !this.#inflight.has(uri)) return answer;
    return this.refresh(uri).then(() => this.#answerFromCache(uri, idx, iss, nowSeconds));
  }

  /**
   * Fetches (or re-reads) the list of `uri` now; resolves when done, whatever the outcome.
   * One fetch per URI at a time: concurrent callers share it. The fetch and the check of the
   * token run on the status list thread; the checked list is swapped in at once.
   */
  refresh(uri: string): Promise<void> {
    let pending = this.#inflight.get(uri);
    if (pending === undefined) {
      this.#o.log.debug({ uri }, 'fetching status list');
      const trust = this.#o.trust();
      pending = this.#thread
        .load(uri, this.#o.files[uri], this.#o, trust)
        .then((outcome) => this.#take(uri, outcome, trust))
        .finally(() => this.#inflight.delete(uri));
      this.#inflight.set(uri, pending);
    }
    return pending;
  }

  /** Refreshes every known list; says for each whether its list changed. */
  async refreshAll(): Promise<{ uri: string; changed: boolean; ok: boolean; error: string | null }[]> {
    const uris = [...this.#entries.keys()];
    return Promise.all(
      uris.map(async (uri) => {
        const before = this.#entries.get(uri)?.list?.token;
        await this.refresh(uri);
        const entry = this.#entries.get(uri);
        const ok = entry?.lastAttempt?.ok ?? false;
        return { uri, changed: !sameBytes(entry?.list?.token, before), ok, error: ok ? null : entry?.lastAttempt?.error ?? null };
      }),
    );
  }

  state(nowSeconds = Math.floor(this.#clock() / 1000)): StatusListState[] {
    return [...this.#entries.entries()].map(([uri, e]) => {
      const l = e.list;
      const whyNot = l === undefined ? (e.lastAttempt?.error ?? 'not fetched yet') : unusableReason(l, l.iss, nowSeconds, this.#o.maxAgeSeconds);
      const timer = this.#nextRefreshAt(e);
      return {
        uri,
        iss: l?.iss ?? null,
        iat: l?.iat ?? null,
        exp: l?.exp ?? null,
        ttl: l?.ttl ?? null,
        bits: l?.bits ?? null,
        entries: l?.entries ?? null,
        fetched_at: e.fetchedAt === undefined ? null : new Date(e.fetchedAt).toISOString(),
        next_refresh: timer === undefined ? null : new Date(timer).toISOString(),
        usable: whyNot === undefined,
        why_not: whyNot ?? null,
        last_fetch: e.lastAttempt === undefined ? null : { at: new Date(e.lastAttempt.at).toISOString(), ok: e.lastAttempt.ok, error: e.lastAttempt.error ?? null },
      };
    });
  }

  close(): void {
    this.#closed = true;
    for (const uri of [...this.#timers.keys()]) this.#unschedule(uri);
    for (const file of Object.values(this.#o.files)) unwatchFile(file);
    this.#thread.close();
  }

  /** The answer from what is cached. */
  #answerFromCache(uri: string, idx: number, iss: string, nowSeconds: number): StatusAnswer {
    const entry = this.#entries.get(uri);
    const list = entry === undefined ? undefined : this.#trustedList(uri, entry);
    if (list === undefined) {
      const error = entry?.lastAttempt?.error;
      return { state: 'unavailable', reason: `no status list for ${uri}${error === undefined ? '' : `: ${error}`}` };
    }
    const why = unusableReason(list, iss, nowSeconds, this.#o.maxAgeSeconds);
    if (why !== undefined) return { state: 'unavailable', reason: why };
    this.#refreshIfDue(uri, entry!, nowSeconds);
    const value = statusAt(list.bytes, list.bits, idx);
    return value === undefined ? { state: 'past-end', entries: list.entries, iat: list.iat } : { state: 'found', value, iat: list.iat };
  }

  /**
   * The entry's list, its key and signature checked again if the trust list changed since
   * (the bytes are those already decoded); dropped if it no longer verifies.
   */
  #trustedList(uri: string, entry: Entry): StatusList | undefined {
    const trust = this.#o.trust();
    if (entry.list === undefined || entry.verifiedWith === trust) return entry.list;
    const again = reverifyStatusList(entry.list, trust);
    entry.list = again.ok ? again.value : undefined;
    entry.verifiedWith = trust;
    if (!again.ok) this.#o.log.warn({ uri, why: again.reason }, 'status list dropped after trust list change');
    this.#changed(uri);
    return entry.list;
  }

  /**
   * The list cached for `uri`, checked against the trust list in force, whether or not it
   * is usable now; undefined when there is none.
   */
  current(uri: string): StatusList | undefined {
    const entry = this.#entries.get(uri);
    return entry === undefined ? undefined : this.#trustedList(uri, entry);
  }

  /** The URIs of the lists known (cached, or being tried). */
  uris(): string[] {
    return [...this.#entries.keys()];
  }

  /** Calls `listener` with the URI whenever the list cached for it is replaced, checked again or dropped. */
  onChange(listener: (uri: string) => void): void {
    this.#changeListeners.push(listener);
  }

  #changed(uri: string): void {
    for (const listener of this.#changeListeners) {
      try {
        listener(uri);
      } catch (err) {
        this.#o.log.error({ uri, err: (err as Error).message }, 'status list change listener failed');
      }
    }
  }

  /**
   * Starts a background refresh when one is due and none runs (the timer normally has).
   * The lookup's own time is checked first: reading the clock costs as much as the rest of
   * a lookup, and is needed only once that time says a refresh is due.
   */
  #refreshIfDue(uri: string, entry: Entry, nowSeconds: number): void {
    const due = this.#nextRefreshAt(entry);
    if (due !== undefined && (nowSeconds + 1) * 1000 > due && this.#clock() >= due && !this.#inflight.has(uri)) void this.refresh(uri);
  }

  #nextRefreshAt(entry: Entry): number | undefined {
    if (entry.retryAt > 0) return entry.retryAt;
    if (entry.fetchedAt === undefined || entry.list === undefined) return undefined;
    return entry.fetchedAt + Math.min(entry.list.ttl ?? Infinity, this.#o.refreshSeconds) * 1000;
  }

  /** Reads and checks a local list on the spot (at start, which is synchronous). */
  #loadNow(uri: string, file: string): void {
    const trust = this.#o.trust();
    let text: string;
    try {
      text = readFileSync(file, 'latin1').trim();
    } catch (err) {
      return this.#failed(uri, (err as Error).message);
    }
    this.#take(uri, verifyStatusListToken(text, trust, uri), trust);
  }

  /**
   * Caches a verified token, or records why not when it is refused or unusable. Whose
   * credentials it may answer for is decided per lookup (its signer's `iss`), so a
   * credential of one issuer pointing at another's list cannot keep that list from being cached.
   */
  #take(uri: string, verified: Parsed<StatusList>, trust: TrustList): void {
    if (!verified.ok) return this.#failed(uri, verified.reason);
    const list = verified.value;
    const refused = this.#refusal(uri, list);
    if (refused !== undefined) return this.#failed(uri, refused);
    this.#accept(uri, list, trust, this.#clock(), this.#o.files[uri] === undefined);
    // A list that verifies but is already expired or too old is kept (it is the newest there is),
    // yet counts as a failed attempt, so verifications do not wait on a refetch every time.
    const unusable = unusableReason(list, list.iss, Math.floor(this.#clock() / 1000), this.#o.maxAgeSeconds);
    if (unusable !== undefined) this.#failed(uri, unusable);
  }

  /** Why a verified list may not replace the one cached for `uri`, or undefined. */
  #refusal(uri: string, list: StatusList): string | undefined {
    const cached = this.#entries.get(uri)?.list;
    if (cached !== undefined && list.iss !== cached.iss) return `status list: signed by key "${list.kid}" of another issuer than the list it would replace`;
    if (cached !== undefined && list.iat < cached.iat) return `status list: older (iat ${list.iat}) than the one cached (iat ${cached.iat})`;
    return undefined;
  }

  /** Caches `list` (verified with `trust`) for `uri`, replacing what was there in one step. */
  #accept(uri: string, list: StatusList, trust: TrustList, fetchedAt: number, persist: boolean): void {
    const entry: Entry = {
      list,
      verifiedWith: trust,
      fetchedAt,
      lastAttempt: { at: this.#clock(), ok: true },
      failures: 0,
      retryAt: 0,
    };
    this.#entries.set(uri, entry);
    this.#schedule(uri, entry);
    this.#o.log.debug({ uri, iat: list.iat, entries: list.entries, kid: list.kid }, 'status list accepted');
    this.#changed(uri);
    if (persist && this.#o.archive !== undefined) {
      this.#o.archive.save({ uri, jwt: tokenText(list), fetchedAt }).catch((err: Error) => {
        this.#o.log.error({ uri, err: err.message }, 'status archive: cannot save list');
      });
    }
  }

  #failed(uri: string, error: string): void {
    const now = this.#clock();
    const entry = this.#entries.get(uri) ?? {
      list: undefined,
      verifiedWith: undefined,
      fetchedAt: undefined,
      lastAttempt: undefined,
      failures: 0,
      retryAt: 0,
    };
    entry.failures += 1;
    entry.retryAt = now + Math.min(FIRST_RETRY_MS * 2 ** (entry.failures - 1), this.#o.refreshSeconds * 1000);
    entry.lastAttempt = { at: now, ok: false, error };
    this.#entries.set(uri, entry);
    this.#schedule(uri, entry);
    this.#o.log.warn({ uri, error, failures: entry.failures, keeping: entry.list !== undefined }, 'status list fetch failed');
  }

  #schedule(uri: string, entry: Entry): void {
    this.#unschedule(uri);
    const at = this.#nextRefreshAt(entry);
    if (at === undefined || this.#closed) return;
    const timer = setTimeout(() => {
      this.#timers.delete(uri);
      void this.refresh(uri);
    }, Math.max(0, Math.min(at - this.#clock(), 2 ** 31 - 1)));
    timer.unref();
    this.#timers.set(uri, timer);
  }

  #unschedule(uri: string): void {
    const timer = this.#timers.get(uri);
    if (timer !== undefined) clearTimeout(timer);
    this.#timers.delete(uri);
  }
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && Buffer.compare(a, b) === 0);
}
