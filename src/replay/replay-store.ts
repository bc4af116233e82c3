/**
 * SPEC 3 replay memory: the (credential iss, credential jti, proof jti) triples of VALID
 * presentations, each kept until its proof could no longer be fresh.
 */
export interface ReplayStore {
  /**
   * Remembers `key` until `untilSeconds`. Returns undefined when it was not remembered
   * yet, or the time (seconds) it was first remembered.
   */
  rememberOnce(key: string, nowSeconds: number, untilSeconds: number): number | undefined;
  readonly size: number;
}

/** Unambiguous whatever the strings hold: each of the first two is preceded by its length. */
export function replayKey(credentialIss: string, credentialJti: string, proofJti: string): string {
  return `${credentialIss.length}:${credentialIss}${credentialJti.length}:${credentialJti}${proofJti}`;
}

const SWEEP_EVERY_SECONDS = 10;

export class MemoryReplayStore implements ReplayStore {
  readonly #entries = new Map<string, { at: number; until: number }>();
  #nextSweep = 0;

  rememberOnce(key: string, nowSeconds: number, untilSeconds: number): number | undefined {
    if (nowSeconds >= this.#nextSweep) this.#sweep(nowSeconds);
    const seen = this.#entries.get(key);
    if (seen !== undefined && seen.until >= nowSeconds) return seen.at;
    this.#entries.set(key, { at: nowSeconds, until: untilSeconds });
    return undefined;
  }

  get size(): number {
    return this.#entries.size;
  }

  #sweep(nowSeconds: number): void {
    for (const [key, entry] of this.#entries) if (entry.until < nowSeconds) this.#entries.delete(key);
    this.#nextSweep = nowSeconds + SWEEP_EVERY_SECONDS;
  }
}
