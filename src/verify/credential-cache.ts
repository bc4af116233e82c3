/**
 * Outcome of the issuer-signature check per credential, with its parsed claims, its
 * SHA-256 and imported device key: a returning holder costs one signature check (the
 * proof's) and little else. Keyed by the credential text itself: equal text is the same
 * credential, and a Map lookup on ~700 characters costs a fraction of hashing them
 * (bench/verify.bench.ts). Emptied when the trust list changes.
 */
import { LRUCache } from 'lru-cache';
import type { TrustList } from '../trust/trust-list.js';
import { checkCredential, type CredentialOutcome } from './credential.js';

export const DEFAULT_CREDENTIAL_CACHE_SIZE = 10_000;

export class CredentialCache {
  readonly #lru: LRUCache<string, CredentialOutcome>;
  #trust: TrustList | undefined;
  hits = 0;
  misses = 0;

  constructor(max = DEFAULT_CREDENTIAL_CACHE_SIZE) {
    this.#lru = new LRUCache({ max });
  }

  check(text: string, trust: TrustList): CredentialOutcome {
    if (trust !== this.#trust) {
      this.#lru.clear();
      this.#trust = trust;
    }
    const cached = this.#lru.get(text);
    if (cached !== undefined) {
      this.hits++;
      return cached;
    }
    this.misses++;
    const outcome = checkCredential(text, trust);
    // A copy, so the key does not keep the whole payload it was cut from alive.
    this.#lru.set(Buffer.from(text, 'latin1').toString('latin1'), outcome);
    return outcome;
  }

  get size(): number {
    return this.#lru.size;
  }
}
