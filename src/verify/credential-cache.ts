/**
 * Outcome of the issuer-signature check per credential (keyed by the SHA-256 of its
 * text), with its parsed claims and imported device key: a returning holder costs one
 * signature check (the proof's) and little else. Emptied when the trust list changes.
 */
import { LRUCache } from 'lru-cache';
import type { TrustList } from '../trust/trust-list.js';
import { checkCredential, credentialHash, type CredentialOutcome } from './credential.js';

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
    const hash = credentialHash(text);
    const cached = this.#lru.get(hash);
    if (cached !== undefined) {
      this.hits++;
      return cached;
    }
    this.misses++;
    const outcome = checkCredential(text, trust, hash);
    this.#lru.set(hash, outcome);
    return outcome;
  }

  get size(): number {
    return this.#lru.size;
  }
}
