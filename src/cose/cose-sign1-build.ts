/**
 * Writing COSE_Sign1 (RFC 9052 section 4.2) on plain Uint8Arrays, with no Node API: the
 * Sig_structure a signature covers (section 4.4) and the four parts serialised. The
 * signature itself is the caller's (node:crypto in cose-sign1.ts, WebCrypto in the web
 * wallet); reading, and the verifier's own Sig_structure writer, are cose-sign1.ts.
 */
import { cborBytes, CborRaw, CborTagged, type CborInput, type CborKey } from './cbor-encode.js';

export const COSE_SIGN1_TAG = 18;

/**
 * The bytes a COSE_Sign1 signature covers, as RFC 9052 defines them: the CBOR array
 * ["Signature1", protected, external_aad, payload]. (The verifier writes the same bytes
 * with a faster writer from the parts in place, cose-sign1.ts; a test holds them equal.)
 */
export function sigStructureBytes(protectedBytes: Uint8Array, externalAad: Uint8Array, payload: Uint8Array): Uint8Array {
  return cborBytes(['Signature1', protectedBytes, externalAad, payload]);
}

export interface Sign1Parts {
  protected: Uint8Array;
  unprotected: Map<CborKey, CborInput>;
  payload: Uint8Array;
  signature: Uint8Array;
}

/** What is to be signed: the protected header serialised (empty when it is), and the Sig_structure over it and the payload. */
export function toBeSignedOf(o: { protectedHeader: Map<CborKey, CborInput>; payload: Uint8Array; externalAad?: Uint8Array }): { protectedBytes: Uint8Array; toBeSigned: Uint8Array } {
  const protectedBytes = o.protectedHeader.size === 0 ? new Uint8Array(0) : cborBytes(o.protectedHeader);
  return { protectedBytes, toBeSigned: sigStructureBytes(protectedBytes, o.externalAad ?? new Uint8Array(0), o.payload) };
}

/** Serialises the four parts (tag 18 around them when asked). */
export function sign1Bytes(parts: Sign1Parts, tag = false): Uint8Array {
  const array: CborInput = [parts.protected, parts.unprotected, parts.payload, parts.signature];
  return cborBytes(tag ? new CborTagged(COSE_SIGN1_TAG, array) : array);
}

/** Items already serialised, as one CBOR array (a presentation: [credential, proof]). */
export function arrayOfBytes(items: Uint8Array[]): Uint8Array {
  return cborBytes(items.map((b) => new CborRaw(b)));
}
