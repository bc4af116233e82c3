/**
 * Outcome of the issuer-signature check per credential, with its parsed claims, its
 * SHA-256 and imported device key: a returning holder costs one signature check (the
 * proof's) and little else, in either format. Looked up by the credential's signature —
 * an MLEG1 credential's last segment (86 characters), an MLEG2 credential's signature
 * bytes — and confirmed against the whole credential, so a hit is exactly the same text
 * or bytes: hashing the ~700-character text itself on every lookup cost ~0.8 µs more, and
 * hashing it with SHA-256 ~2 µs (bench/verify.bench.ts). Emptied when the trust list changes.
 */
import { LRUCache } from 'lru-cache';
import type { CoseSign1 } from '../cose/cose-sign1.js';
import type { TrustList } from '../trust/trust-list.js';
import { checkCompactCredential } from './compact-credential.js';
import { checkCredential, type CredentialOutcome } from './credential.js';

export const DEFAULT_CREDENTIAL_CACHE_SIZE = 10_000;

interface Entry {
  /** The credential as presented: MLEG1 text, or MLEG2 COSE_Sign1 bytes. */
  credential: string | Buffer;
  outcome: CredentialOutcome;
}

/** The last segment of a compact JWS: its signature (the whole text when it has no dot). */
function signatureSegment(text: string): string {
  return text.slice(text.lastIndexOf('.') + 1);
}

/**
 * An MLEG2 credential's key: its signature bytes as latin1 text behind a NUL, which no
 * MLEG1 key (base64url characters only) can start with.
 */
function signatureKey(signature: Buffer): string {
  return `\0${signature.toString('latin1')}`;
}

export class CredentialCache {
  readonly #lru: LRUCache<string, Entry>;
  #trust: TrustList | undefined;
  hits = 0;
  misses = 0;

  constructor(max = DEFAULT_CREDENTIAL_CACHE_SIZE) {
    this.#lru = new LRUCache({ max });
  }

  /** An MLEG1 credential (compact JWS text). */
  check(text: string, trust: TrustList): CredentialOutcome {
    const key = signatureSegment(text);
    const cached = this.#lookup(key, trust);
    if (cached !== undefined && cached.credential === text) return this.#hit(cached);
    this.misses++;
    const outcome = checkCredential(text, trust);
    // Another text under a cached signature (a copied signature on altered claims) is checked
    // every time and never displaces the credential that signature belongs to.
    if (cached === undefined) {
      // A copy, so the entry does not keep the whole payload it was cut from alive.
      const copy = Buffer.from(text, 'latin1').toString('latin1');
      this.#lru.set(signatureSegment(copy), { credential: copy, outcome });
    }
    return outcome;
  }

  /** An MLEG2 credential (COSE_Sign1), by the same rules. */
  checkCompact(sign1: CoseSign1, trust: TrustList): CredentialOutcome {
    const key = signatureKey(sign1.signature);
    const cached = this.#lookup(key, trust);
    if (cached !== undefined && typeof cached.credential !== 'string' && cached.credential.equals(sign1.bytes)) return this.#hit(cached);
    this.misses++;
    const outcome = checkCompactCredential(sign1, trust);
    // A copy of the bytes: the entry must not keep the whole decoded payload alive.
    if (cached === undefined) this.#lru.set(key, { credential: Buffer.from(sign1.bytes), outcome });
    return outcome;
  }

  #lookup(key: string, trust: TrustList): Entry | undefined {
    if (trust !== this.#trust) {
      this.#lru.clear();
      this.#trust = trust;
    }
    return this.#lru.get(key);
  }

  #hit(entry: Entry): CredentialOutcome {
    this.hits++;
    return entry.outcome;
  }

  get size(): number {
    return this.#lru.size;
  }
}
