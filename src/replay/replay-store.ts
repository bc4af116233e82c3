/**
 * SPEC 3 replay memory: the (credential iss, credential jti, proof jti) triples of VALID
 * presentations, each kept until its proof could no longer be fresh.
 */
export interface ReplayStore {
  /**
   * Remembers `key` until `untilSeconds` at least. `firstAt` is undefined when it was not
   * remembered yet, else the time (seconds) it was first remembered; `shared` is true when
   * the decision was taken in the fleet's shared store (SPEC 9). A promise only where the
   * answer comes from elsewhere (Redis): the memory store answers at once.
   */
  rememberOnce(key: string, nowSeconds: number, untilSeconds: number): ReplayAnswer | Promise<ReplayAnswer>;
  /** Forgets what can no longer be fresh at `nowSeconds` (the owner calls it on a timer, scans or not). */
  forgetPast(nowSeconds: number): void;
  readonly size: number;
}

export interface ReplayAnswer {
  readonly firstAt: number | undefined;
  readonly shared: boolean;
}

/** The usual answer of this process's memory, made once (not an object per verification). */
export const NOT_SEEN_HERE: ReplayAnswer = Object.freeze({ firstAt: undefined, shared: false });

/** Unambiguous whatever the strings hold: each of the first two is preceded by its length. */
export function replayKey(credentialIss: string, credentialJti: string, proofJti: string): string {
  return `${credentialIss.length}:${credentialIss}${credentialJti.length}:${credentialJti}${proofJti}`;
}

/** Keys are kept in generations of this many seconds of `until`, each dropped whole once past. */
export const GENERATION_SECONDS = 10;

/**
 * Replay memory in generations: each key goes into the generation that covers its
 * `until`, and a generation is dropped whole once its last second has passed, so a key is
 * remembered until its `until` and at most GENERATION_SECONDS longer. That cannot change a
 * verdict: past `until` the proof is no longer fresh, and PROOF_STALE comes before REPLAYED.
 * Forgetting costs nothing per key (sweeping a Map of 450 000 entries one by one paused the
 * thread for ~40 ms), and a key's value is the time it was first remembered, not an object.
 */
export class MemoryReplayStore implements ReplayStore {
  /** Generation number (`until` / GENERATION_SECONDS) → key → first remembered at (seconds). */
  readonly #generations = new Map<number, Map<string, number>>();
  #nextDrop = 0;

  rememberOnce(key: string, nowSeconds: number, untilSeconds: number): ReplayAnswer {
    const firstAt = this.remember(key, nowSeconds, untilSeconds);
    return firstAt === undefined ? NOT_SEEN_HERE : { firstAt, shared: false };
  }

  /**
   * Remembers `key` until `untilSeconds` at least, as first seen at `firstAt` (default
   * now); undefined when it was new, else when it was first remembered.
   */
  remember(key: string, nowSeconds: number, untilSeconds: number, firstAt = nowSeconds): number | undefined {
    if (nowSeconds >= this.#nextDrop) this.forgetPast(nowSeconds);
    for (const keys of this.#generations.values()) {
      const at = keys.get(key);
      if (at !== undefined) return at;
    }
    if (untilSeconds < nowSeconds) return undefined; // already past: nothing to remember
    const generation = Math.floor(untilSeconds / GENERATION_SECONDS);
    let keys = this.#generations.get(generation);
    if (keys === undefined) this.#generations.set(generation, (keys = new Map()));
    keys.set(key, firstAt);
    return undefined;
  }

  get size(): number {
    let size = 0;
    for (const keys of this.#generations.values()) size += keys.size;
    return size;
  }

  /**
   * Every key still remembered at `nowSeconds`: [key, first remembered at, kept until]
   * ("kept until" is the end of its generation: at most GENERATION_SECONDS after its own).
   */
  *entries(nowSeconds: number): Generator<[key: string, firstAt: number, keptUntil: number]> {
    for (const [generation, keys] of this.#generations) {
      const keptUntil = (generation + 1) * GENERATION_SECONDS - 1;
      if (keptUntil < nowSeconds) continue;
      for (const [key, firstAt] of keys) yield [key, firstAt, keptUntil];
    }
  }

  /**
   * Drops every generation whose last second is before `nowSeconds`. Called by every
   * `remember`, and by the owner's timer, so an idle process forgets too.
   */
  forgetPast(nowSeconds: number): void {
    for (const generation of this.#generations.keys()) {
      if ((generation + 1) * GENERATION_SECONDS <= nowSeconds) this.#generations.delete(generation);
    }
    this.#nextDrop = (Math.floor(nowSeconds / GENERATION_SECONDS) + 1) * GENERATION_SECONDS;
  }
}
