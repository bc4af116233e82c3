/**
 * SPEC 3 replay memory: the (credential iss, credential jti, proof jti) triples of VALID
 * presentations, each kept until its proof could no longer be fresh.
 */
export interface ReplayStore {
  /**
   * Remembers `key` until `untilSeconds` at least. Returns undefined when it was not
   * remembered yet, or the time (seconds) it was first remembered.
   */
  rememberOnce(key: string, nowSeconds: number, untilSeconds: number): number | undefined;
  readonly size: number;
}

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

  rememberOnce(key: string, nowSeconds: number, untilSeconds: number): number | undefined {
    if (nowSeconds >= this.#nextDrop) this.forgetPast(nowSeconds);
    for (const keys of this.#generations.values()) {
      const at = keys.get(key);
      if (at !== undefined) return at;
    }
    if (untilSeconds < nowSeconds) return undefined; // already past: nothing to remember
    const generation = Math.floor(untilSeconds / GENERATION_SECONDS);
    let keys = this.#generations.get(generation);
    if (keys === undefined) this.#generations.set(generation, (keys = new Map()));
    keys.set(key, nowSeconds);
    return undefined;
  }

  get size(): number {
    let size = 0;
    for (const keys of this.#generations.values()) size += keys.size;
    return size;
  }

  /**
   * Drops every generation whose last second is before `nowSeconds`. Called by every
   * `rememberOnce`, and by the owner's timer, so an idle process forgets too.
   */
  forgetPast(nowSeconds: number): void {
    for (const generation of this.#generations.keys()) {
      if ((generation + 1) * GENERATION_SECONDS <= nowSeconds) this.#generations.delete(generation);
    }
    this.#nextDrop = (Math.floor(nowSeconds / GENERATION_SECONDS) + 1) * GENERATION_SECONDS;
  }
}
