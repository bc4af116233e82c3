/**
 * Outcome of the issuer-signature check per credential, with its parsed claims, its
 * SHA-256 and imported device key: a returning holder costs one signature check (the
 * proof's) and little else, in either format. Looked up by the credential's signature —
 * an MLEG1 credential's last segment (86 characters), the base45 characters of an MLEG2
 * credential's signature — and confirmed against the whole credential as presented, so a
 * hit is exactly the same text: hashing the whole text on every lookup, or SHA-256 of it,
 * cost more (bench/results/findings.md). An MLEG2 credential is known by its base45 text,
 * so a returning one is not even decoded (decoding it was a tenth of a presentation's work
 * outside the signature check). Emptied when the trust list changes.
 */
import { LRUCache } from 'lru-cache';
import { base45ByteAt } from '../cose/base45.js';
import type { CoseSign1 } from '../cose/cose-sign1.js';
import type { CredentialLayout } from './compact-presentation.js';
import type { TrustList } from '../trust/trust-list.js';
import { checkCompactCredential } from './compact-credential.js';
import { checkCredential, type CredentialOutcome } from './credential.js';

export const DEFAULT_CREDENTIAL_CACHE_SIZE = 10_000;

interface Entry {
  /**
   * The credential as presented: MLEG1 text; for MLEG2 the base45 groups wholly the
   * credential's (from the second group to the last before its end).
   */
  credential: string;
  /** MLEG2: the credential's first byte (shares the first group with the array head) and, when it ends in the middle of a group, its last byte (else -1). */
  firstByte: number;
  lastByte: number;
  outcome: CredentialOutcome;
}

/** The last segment of a compact JWS: its signature (the whole text when it has no dot). */
function signatureSegment(text: string): string {
  return text.slice(text.lastIndexOf('.') + 1);
}

/**
 * An MLEG2 credential's key: 24 base45 characters from within its signature (16 bytes of
 * it), behind a NUL, which no MLEG1 key (base64url characters only) can start with.
 */
function compactKey(text: string, layout: CredentialLayout): string {
  const from = 3 * ((layout.signature + 1) >> 1);
  return `\0${text.slice(from, from + 24)}`;
}

/**
 * The text an MLEG2 entry is confirmed against: the groups from the second to the one
 * before the credential's end falls in (the first holds the array head, which says
 * whether a proof follows; it is compared by the credential's byte in it).
 */
function compactText(text: string, layout: CredentialLayout): string {
  return text.slice(3, 3 * (layout.end >> 1));
}

/** The bytes of the two groups an MLEG2 credential shares with what is around it. */
function edgeBytes(text: string, layout: CredentialLayout): { firstByte: number; lastByte: number } {
  return { firstByte: base45ByteAt(text, 1), lastByte: (layout.end & 1) === 1 ? base45ByteAt(text, layout.end - 1) : -1 };
}

/** A copy, so that an entry does not keep the whole payload it was cut from alive. */
function flat(text: string): string {
  return Buffer.from(text, 'latin1').toString('latin1');
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
      const copy = flat(text);
      this.#lru.set(signatureSegment(copy), { credential: copy, firstByte: -1, lastByte: -1, outcome });
    }
    return outcome;
  }

  /**
   * An MLEG2 credential known by the payload's text (`layout` from credentialLayout): its
   * outcome when the text holds exactly a credential checked before, else undefined (the
   * payload is then decoded, and its credential given to checkCompact).
   */
  recallCompact(text: string, layout: CredentialLayout, trust: TrustList): CredentialOutcome | undefined {
    const cached = this.#lookup(compactKey(text, layout), trust);
    // A slice compared with ===, and a short key: startsWith and a longer key measured slower (bench/results/findings.md).
    if (cached === undefined || compactText(text, layout) !== cached.credential) return undefined;
    if (base45ByteAt(text, 1) !== cached.firstByte) return undefined;
    if ((layout.end & 1) === 1 && base45ByteAt(text, layout.end - 1) !== cached.lastByte) return undefined;
    return this.#hit(cached);
  }

  /** An MLEG2 credential read from the decoded payload (`text`, laid out as `layout` when it could be): checked, and remembered by its text. */
  checkCompact(sign1: CoseSign1, trust: TrustList, text: string, layout: CredentialLayout | undefined): CredentialOutcome {
    this.misses++;
    const outcome = checkCompactCredential(sign1, trust);
    // Remembered only where the text's layout is the credential's (it starts after the array head), and never over another credential under the same key.
    if (layout === undefined || sign1.start !== 1 || sign1.end !== layout.end) return outcome;
    const key = compactKey(text, layout);
    if (this.#lookup(key, trust) !== undefined) return outcome;
    this.#lru.set(flat(key), { credential: flat(compactText(text, layout)), ...edgeBytes(text, layout), outcome });
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
