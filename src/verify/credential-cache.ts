/**
 * Outcome of the issuer-signature check per credential, with its parsed claims, its
 * SHA-256 and imported device key: a returning holder costs one signature check (the
 * proof's) and little else. Looked up by the credential's signature segment (86
 * characters) and confirmed against the whole text, so a hit is exactly the same text:
 * hashing the ~700-character text itself on every lookup cost ~0.8 µs more, and hashing it
 * with SHA-256 ~2 µs (bench/verify.bench.ts). Emptied when the trust list changes.
 */
import { LRUCache } from 'lru-cache';
import type { TrustList } from '../trust/trust-list.js';
import { checkCredential, type CredentialOutcome } from './credential.js';

export const DEFAULT_CREDENTIAL_CACHE_SIZE = 10_000;

interface Entry {
  text: string;
  outcome: CredentialOutcome;
}

/** The last segment of a compact JWS: its signature (the whole text when it has no dot). */
function signatureSegment(text: string): string {
  return text.slice(text.lastIndexOf('.') + 1);
}

export class CredentialCache {
  readonly #lru: LRUCache<string, Entry>;
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
    const cached = this.#lru.get(signatureSegment(text));
    if (cached !== undefined && cached.text === text) {
      this.hits++;
      return cached.outcome;
    }
    this.misses++;
    const outcome = checkCredential(text, trust);
    // Another text under a cached signature (a copied signature on altered claims) is checked
    // every time and never displaces the credential that signature belongs to.
    if (cached === undefined) {
      // A copy, so the entry does not keep the whole payload it was cut from alive.
      const copy = Buffer.from(text, 'latin1').toString('latin1');
      this.#lru.set(signatureSegment(copy), { text: copy, outcome });
    }
    return outcome;
  }

  get size(): number {
    return this.#lru.size;
  }
}
