/**
 * The IETF Token Status List (draft-ietf-oauth-status-list) as SPEC 5 uses it: the names it
 * fixes, the meaning of an entry's value, and where entry i of `bits` bits sits in the
 * inflated bytes (least-significant-bit first). No Node API: the web wallet reads its own
 * credential's entry with this too (status-bits.ts inflates and packs, in Node).
 */

/** The `typ` header of a status list token. */
export const STATUS_LIST_TYP = 'statuslist+jwt';
/** What a status list is fetched as (Accept) and served as (Content-Type). */
export const STATUS_LIST_MEDIA_TYPE = 'application/statuslist+jwt';

export type StatusBits = 1 | 2 | 4 | 8;

export function isStatusBits(value: unknown): value is StatusBits {
  return value === 1 || value === 2 || value === 4 || value === 8;
}

export function entryCount(bytes: Uint8Array, bits: StatusBits): number {
  return (bytes.length * 8) / bits;
}

/** The status value at `idx`, or undefined past the end of the list. */
export function statusAt(bytes: Uint8Array, bits: StatusBits, idx: number): number | undefined {
  if (!Number.isSafeInteger(idx) || idx < 0 || idx >= entryCount(bytes, bits)) return undefined;
  const bit = idx * bits;
  return (bytes[bit >> 3]! >> (bit & 7)) & ((1 << bits) - 1);
}

/** SPEC 5: 0 valid, 2 suspended, 1 and any other value revoked. */
export function statusMeaning(value: number): 'valid' | 'revoked' | 'suspended' {
  return value === 0 ? 'valid' : value === 2 ? 'suspended' : 'revoked';
}
