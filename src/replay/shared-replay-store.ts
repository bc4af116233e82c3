/**
 * Replay memory shared by every verifier of a fleet through Redis (SPEC 9), composed
 * with this process's own memory:
 *
 * - While Redis answers, a presentation found VALID is set there with one atomic command,
 *   `SET key firstAt PXAT t NX GET`: set only when absent, with its own expiry, and the
 *   earlier value back in the same round trip. Exactly one of any number of verifiers
 *   setting the same key at the same moment finds it absent. The checks asked in one turn
 *   of the event loop go out together, as one pipeline, each batch without waiting for
 *   the one before it.
 * - Whatever Redis does, it is also remembered in this process's memory
 *   (MemoryReplayStore), as first accepted when Redis says, so that the node stays exact
 *   on its own during an outage and writes back true times.
 * - The Redis key is `keyPrefix` + base64url(SHA-256(replay key)): no claim in clear. Its
 *   value is the time (seconds) it was first accepted; it expires by itself
 *   EXPIRY_MARGIN_SECONDS after the proof stops being fresh.
 * - REPLAYED when either memory knew it (a presentation this node accepted while Redis was
 *   away is REPLAYED here even if Redis lost it); `shared` when Redis answered in time.
 * - Redis down, refusing, or slower than `timeoutMs`: the answer is this process's, given
 *   at the latest after `timeoutMs`. When nothing Redis answered has been in time for
 *   SUSPEND_AFTER_MS (and at least FAILURES_TO_SUSPEND asks failed), or the connection is
 *   lost, Redis is not asked any more (no verification waits for it) until a probe every
 *   PROBE_EVERY_MS, or the client's reconnection, finds it answering. (A count of failures
 *   in a row alone would not do: with a hundred asks in flight, one stall of the machine
 *   fails them all at once, and a second of decisions would be taken alone for nothing.)
 * - Each time sharing resumes, every presentation still remembered here is written back
 *   (SET … NX with its own expiry): those accepted during the outage, and those a Redis
 *   restarted empty or failed over to a replica has lost.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { MemoryReplayStore, NOT_SEEN_HERE, type ReplayAnswer, type ReplayStore } from './replay-store.js';

/** Redis keeps a key this long after its proof stops being fresh: the clocks of gates and of Redis may differ by up to that. */
export const EXPIRY_MARGIN_SECONDS = 30;
/** Failures (timeouts, refusals) with no answer in time for SUSPEND_AFTER_MS: Redis is not asked until a probe succeeds. */
export const FAILURES_TO_SUSPEND = 3;
export const SUSPEND_AFTER_MS = 1000;
export const PROBE_EVERY_MS = 1000;
/** Keys written back per pipeline. */
const WRITE_BACK_CHUNK = 500;

const NOT_SEEN_SHARED: ReplayAnswer = Object.freeze({ firstAt: undefined, shared: true });

export type LocalReason = 'offline' | 'timeout' | 'error';

/** A replay check waiting for its batch's answer. */
interface Ask {
  key: string;
  nowSeconds: number;
  untilSeconds: number;
  resolve: (answer: ReplayAnswer) => void;
}

export interface SharedReplayOptions {
  client: Redis;
  keyPrefix: string;
  timeoutMs: number;
  log: Logger;
  /** Where Redis is, without its password (for the log and /v1/state). */
  where: string;
}

/** What /v1/state shows of the shared store. */
export interface SharedReplayState {
  where: string;
  connected: boolean;
  sharing: boolean;
  since: string;
  last_error: { message: string; at: string } | null;
  decisions: { shared: number; local: number };
  local_because: Record<LocalReason, number>;
  late_answers: number;
  written_back: number;
}

/** The Redis key of a replay key: the prefix and a one-way hash, nothing of the claims. */
export function sharedReplayKey(keyPrefix: string, key: string): string {
  return keyPrefix + createHash('sha256').update(key).digest('base64url');
}

export class SharedReplayStore implements ReplayStore {
  /** Every answer's round trip to Redis, in seconds (set by the metrics). */
  onRoundTrip: (seconds: number) => void = () => {};
  readonly #local = new MemoryReplayStore();
  readonly #o: SharedReplayOptions;
  readonly #client: Redis;
  #connected = false;
  #sharing = false;
  #since = new Date();
  #failures = 0;
  /** When Redis last answered in time, or sharing last resumed (performance.now()). */
  #lastInTime = 0;
  #probe: NodeJS.Timeout | undefined;
  /** Asks of this turn of the event loop, sent together at its end; when the first was asked (performance.now()). */
  #batch: Ask[] = [];
  #batchStarted = 0;
  #writing: Promise<void> | undefined;
  #writeAgain = false;
  #closed = false;
  #lastError: { message: string; at: string } | null = null;
  #errorLogged = false;
  readonly #counts = { shared: 0, local: 0, late: 0, writtenBack: 0 };
  readonly #localBecause: Record<LocalReason, number> = { offline: 0, timeout: 0, error: 0 };

  constructor(o: SharedReplayOptions) {
    this.#o = o;
    this.#client = o.client;
    this.#client.on('ready', () => {
      this.#connected = true;
      this.#resume('connected');
    });
    this.#client.on('close', () => {
      this.#connected = false;
      this.#suspend('connection lost');
    });
    this.#client.on('error', (err: Error) => this.#noteError(err.message));
  }

  forgetPast(nowSeconds: number): void {
    this.#local.forgetPast(nowSeconds);
  }

  get size(): number {
    return this.#local.size;
  }

  /** Whether decisions are being taken in Redis now. */
  get sharing(): boolean {
    return this.#sharing;
  }

  rememberOnce(key: string, nowSeconds: number, untilSeconds: number): ReplayAnswer | Promise<ReplayAnswer> {
    const shared = sharedReplayKey(this.#o.keyPrefix, key);
    if (!this.#sharing) return this.#decideHere({ key: shared, nowSeconds, untilSeconds }, 'offline');
    return this.#ask(shared, nowSeconds, untilSeconds);
  }

  /**
   * Asks Redis with the others asked in the same turn of the event loop. Verifications
   * finish in batches (a verifier thread answers several at once): their asks go out as
   * one write and come back as one read, each batch at once, without waiting for the one
   * before it — what ioredis's auto-pipelining would not do (it holds a batch until the
   * previous one is answered, a round trip more for a gate at 10 scans in flight).
   */
  #ask(key: string, nowSeconds: number, untilSeconds: number): Promise<ReplayAnswer> {
    return new Promise((resolve) => {
      if (this.#batch.push({ key, nowSeconds, untilSeconds, resolve }) > 1) return;
      this.#batchStarted = performance.now();
      setImmediate(this.#sendBatch);
    });
  }

  /** Until the answer or the timeout, whichever comes first; this process's memory takes each decision in too. */
  readonly #sendBatch = (): void => {
    const batch = this.#batch;
    this.#batch = [];
    if (!this.#sharing) {
      for (const a of batch) a.resolve(this.#decideHere(a, 'offline'));
      return;
    }
    // From the batch's first ask: the wait for the end of this turn counts against the timeout.
    const started = this.#batchStarted;
    let settled = false;
    // Timers run before the event loop reads its sockets: a loop held up longer than the
    // timeout (by this process, not by Redis) would find every answer late that is in
    // fact waiting to be read. The decision waits for that read (setImmediate runs after it).
    const timer = setTimeout(
      () =>
        setImmediate(() => {
          if (settled) return;
          settled = true;
          this.#failed('timeout', `no answer within ${this.#o.timeoutMs} ms`);
          for (const a of batch) a.resolve(this.#decideHere(a, 'timeout'));
        }),
      Math.max(0, this.#o.timeoutMs - (performance.now() - started)),
    );
    const failed = (err: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      this.#failed('error', err.message);
      for (const a of batch) a.resolve(this.#decideHere(a, 'error'));
    };
    const answered = (replies: [Error | null, unknown][]): void => {
      const seconds = (performance.now() - started) / 1000;
      for (let i = 0; i < batch.length; i++) this.onRoundTrip(seconds);
      if (settled) {
        this.#counts.late += batch.length;
        return;
      }
      settled = true;
      clearTimeout(timer);
      if (replies.some(([err]) => err === null)) {
        this.#failures = 0;
        this.#lastInTime = performance.now();
      }
      for (let i = 0; i < batch.length; i++) {
        const [err, earlier] = replies[i] ?? [new Error('no reply'), null];
        batch[i]!.resolve(err === null ? this.#decideShared(batch[i]!, earlier as string | null) : this.#refused(batch[i]!, err));
      }
    };
    if (batch.length === 1) {
      const a = batch[0]!;
      this.#client.set(a.key, a.nowSeconds, 'PXAT', expiresAt(a.untilSeconds), 'NX', 'GET').then((earlier) => answered([[null, earlier]]), failed);
    } else {
      const pipeline = this.#client.pipeline();
      for (const a of batch) pipeline.set(a.key, a.nowSeconds, 'PXAT', expiresAt(a.untilSeconds), 'NX', 'GET');
      pipeline.exec().then((replies) => (replies === null ? failed(new Error('pipeline discarded')) : answered(replies)), failed);
    }
  };

  /** Redis answered: remembered here too, as first accepted when Redis says (this node stays exact if Redis goes). */
  #decideShared(a: Ask, earlier: string | null): ReplayAnswer {
    this.#counts.shared++;
    const there = earlier === null ? undefined : firstAtOf(earlier, a.nowSeconds);
    const here = this.#local.remember(a.key, a.nowSeconds, a.untilSeconds, there);
    const firstAt = here === undefined ? there : there === undefined ? here : Math.min(here, there);
    return firstAt === undefined ? NOT_SEEN_SHARED : { firstAt, shared: true };
  }

  /** Redis refused this command (out of memory, read-only replica, …): decided here. */
  #refused(a: Ask, err: Error): ReplayAnswer {
    this.#failed('error', err.message);
    return this.#decideHere(a, 'error');
  }

  /** The decision of this process's memory alone. */
  #decideHere({ key, nowSeconds, untilSeconds }: Omit<Ask, 'resolve'>, because: LocalReason): ReplayAnswer {
    this.#counts.local++;
    this.#localBecause[because]++;
    const here = this.#local.remember(key, nowSeconds, untilSeconds);
    return here === undefined ? NOT_SEEN_HERE : { firstAt: here, shared: false };
  }

  #failed(kind: 'timeout' | 'error', message: string): void {
    this.#noteError(message);
    if (++this.#failures < FAILURES_TO_SUSPEND || performance.now() - this.#lastInTime < SUSPEND_AFTER_MS) return;
    this.#suspend(kind === 'timeout' ? `no answer within ${this.#o.timeoutMs} ms for ${SUSPEND_AFTER_MS / 1000} s` : `Redis refused: ${message}`);
  }

  /** Kept for /v1/state; logged once until sharing resumes (a Redis that stays away is not logged at every retry). */
  #noteError(message: string): void {
    this.#lastError = { message, at: new Date().toISOString() };
    if (this.#errorLogged) return;
    this.#errorLogged = true;
    this.#o.log.warn({ where: this.#o.where, err: message }, 'the fleet\'s Redis failed');
  }

  #suspend(why: string): void {
    if (this.#sharing) {
      this.#sharing = false;
      this.#since = new Date();
      this.#o.log.warn({ where: this.#o.where, why }, 'shared replay memory unavailable: replay is decided by this node alone until Redis answers again');
    }
    if (this.#connected && !this.#closed) this.#startProbe();
  }

  #resume(why: string): void {
    this.#failures = 0;
    this.#lastInTime = performance.now();
    this.#errorLogged = false;
    this.#stopProbe();
    if (this.#closed) return;
    if (!this.#sharing) {
      this.#sharing = true;
      this.#since = new Date();
      this.#o.log.info({ where: this.#o.where, why }, 'shared replay memory in use');
    }
    void this.writeBack();
  }

  /** While connected but not sharing: a write every PROBE_EVERY_MS, answered in time, resumes sharing. */
  #startProbe(): void {
    if (this.#probe !== undefined) return;
    this.#probe = setInterval(() => {
      if (!this.#connected) return; // the client reconnects by itself; 'ready' resumes
      const started = performance.now();
      this.#client.set(`${this.#o.keyPrefix}probe`, '1', 'PX', 5000).then(
        () => {
          if (performance.now() - started <= this.#o.timeoutMs) this.#resume('answering again');
        },
        (err: Error) => this.#noteError(err.message),
      );
    }, PROBE_EVERY_MS);
    this.#probe.unref();
  }

  #stopProbe(): void {
    clearInterval(this.#probe);
    this.#probe = undefined;
  }

  /**
   * Writes every presentation still remembered here to Redis, each set only where absent
   * and with its own expiry. Resolves when done (or given up: sharing stopped again).
   */
  writeBack(): Promise<void> {
    if (this.#writing !== undefined) {
      this.#writeAgain = true;
      return this.#writing;
    }
    this.#writing = (async () => {
      do {
        this.#writeAgain = false;
        await this.#writeBackOnce();
      } while (this.#writeAgain && this.#sharing);
    })().finally(() => (this.#writing = undefined));
    return this.#writing;
  }

  async #writeBackOnce(): Promise<void> {
    const started = performance.now();
    let sent = 0;
    let restored = 0;
    let batch = this.#client.pipeline();
    let inBatch = 0;
    const flush = async (): Promise<boolean> => {
      const replies = await batch.exec().catch((err: Error) => {
        this.#noteError(err.message);
        return null;
      });
      if (replies === null) return false;
      for (const [err, reply] of replies) {
        if (err === null && reply === 'OK') {
          restored++;
          this.#counts.writtenBack++;
        }
      }
      sent += inBatch;
      batch = this.#client.pipeline();
      inBatch = 0;
      return true;
    };
    for (const [key, firstAt, keptUntil] of this.#local.entries(Math.floor(Date.now() / 1000))) {
      if (!this.#sharing) return;
      batch.set(key, firstAt, 'PXAT', expiresAt(keptUntil), 'NX');
      if (++inBatch === WRITE_BACK_CHUNK && !(await flush())) return;
    }
    if (inBatch > 0 && !(await flush())) return;
    if (sent > 0) this.#o.log.info({ sent, restored, ms: Math.round(performance.now() - started) }, 'replay memory of this node written back to Redis');
  }

  state(): SharedReplayState {
    return {
      where: this.#o.where,
      connected: this.#connected,
      sharing: this.#sharing,
      since: this.#since.toISOString(),
      last_error: this.#lastError,
      decisions: { shared: this.#counts.shared, local: this.#counts.local },
      local_because: { ...this.#localBecause },
      late_answers: this.#counts.late,
      written_back: this.#counts.writtenBack,
    };
  }

  close(): void {
    this.#closed = true;
    this.#sharing = false;
    this.#stopProbe();
  }
}

/** When Redis forgets the key of a presentation fresh until `untilSeconds` (ms since the epoch, for PXAT). */
function expiresAt(untilSeconds: number): number {
  return (untilSeconds + EXPIRY_MARGIN_SECONDS) * 1000;
}

/** A stored first-accepted time; anything else under our key (or a time ahead of ours) still means "seen", now. */
function firstAtOf(stored: string, nowSeconds: number): number {
  const at = Number(stored);
  return Number.isSafeInteger(at) && at <= nowSeconds ? at : nowSeconds;
}
