/**
 * COSE_Sign1 (RFC 9052 section 4.2): `[protected: bstr, unprotected: map, payload: bstr,
 * signature: bstr]`, tag 18 optional. Read with its exact bytes, which is what a proof
 * binds and what the credential cache confirms against; the protected header and payload
 * stay undecoded bytes until a check needs them. Signed over the Sig_structure
 * `["Signature1", protected, external_aad, payload]` (section 4.4).
 */
import type { KeyObject } from 'node:crypto';
import type { JwsAlg } from '../jws/signature.js';
import { createSignature } from '../jws/signature.js';
import type { Parsed } from '../jws/compact.js';
import { CborError, CborRaw, CborTagged, decodeCborMap, encodeCbor, type CborInput, type CborKey, type CborMap, type CborReader } from './cbor.js';

export const COSE_SIGN1_TAG = 18;
/** The tag's initial byte: major type 6, argument 18. */
const TAG_18 = 0xc0 | COSE_SIGN1_TAG;
/** An array of four: major type 4, argument 4. */
const ARRAY_OF_4 = 0x84;

export interface CoseSign1 {
  /** The item exactly as it appears, its tag included. */
  bytes: Buffer;
  /** The protected header's serialised map (a zero-length string means an empty header). */
  protected: Buffer;
  unprotected: CborMap;
  payload: Buffer;
  signature: Buffer;
}

/** Reads a COSE_Sign1 at the reader's position, tag 18 or not. Throws CborError. */
export function readCoseSign1(reader: CborReader): CoseSign1 {
  const start = reader.pos;
  if (reader.peek() === TAG_18) reader.pos++;
  if (reader.peek() !== ARRAY_OF_4) {
    reader.head();
    throw new CborError(reader.major === 6 ? `tag ${reader.argument}, not a COSE_Sign1 (18)` : 'not a COSE_Sign1 (an array of four)');
  }
  reader.pos++;
  const protectedBytes = byteString(reader, 'protected header');
  const unprotected = reader.item(1);
  if (!(unprotected instanceof Map)) throw new CborError('COSE_Sign1 unprotected header is not a map');
  const payload = byteString(reader, 'payload');
  const signature = byteString(reader, 'signature');
  return { bytes: reader.bytes.subarray(start, reader.pos), protected: protectedBytes, unprotected, payload, signature };
}

/** The protected header as a map: a zero-length string is the empty header (RFC 9052 section 3). */
export function protectedHeader(sign1: CoseSign1): Parsed<CborMap> {
  return sign1.protected.length === 0 ? { ok: true, value: new Map() } : decodeCborMap(sign1.protected, 'protected header');
}

function byteString(reader: CborReader, what: string): Buffer {
  try {
    return reader.byteString();
  } catch (err) {
    throw err instanceof CborError ? new CborError(`COSE_Sign1 ${what}: ${err.message}`) : err;
  }
}

/**
 * ["Signature1", protected, external_aad, payload], serialised: the bytes a COSE_Sign1
 * signature covers. Written into one buffer (it is made for every proof checked).
 */
export function sigStructure(protectedBytes: Uint8Array, externalAad: Uint8Array, payload: Uint8Array): Buffer {
  const length = SIG_STRUCTURE_HEAD.length + byteStringLength(protectedBytes) + byteStringLength(externalAad) + byteStringLength(payload);
  const out = Buffer.allocUnsafe(length);
  SIG_STRUCTURE_HEAD.copy(out, 0);
  let at = writeByteString(out, SIG_STRUCTURE_HEAD.length, protectedBytes);
  at = writeByteString(out, at, externalAad);
  writeByteString(out, at, payload);
  return out;
}

/** The array head and the context string "Signature1". */
const SIG_STRUCTURE_HEAD = Buffer.concat([Buffer.from([ARRAY_OF_4]), encodeCbor('Signature1')]);

function byteStringLength(bytes: Uint8Array): number {
  const n = bytes.length;
  return n + (n < 24 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5);
}

/** A byte string's head and contents at `at`; returns where it ends. */
function writeByteString(out: Buffer, at: number, bytes: Uint8Array): number {
  const n = bytes.length;
  if (n < 24) out[at++] = 0x40 | n;
  else if (n < 0x100) {
    out[at++] = 0x58;
    out[at++] = n;
  } else if (n < 0x10000) {
    out[at++] = 0x59;
    out.writeUInt16BE(n, at);
    at += 2;
  } else {
    out[at++] = 0x5a;
    out.writeUInt32BE(n, at);
    at += 4;
  }
  out.set(bytes, at);
  return at + n;
}

export interface SignOptions {
  alg: JwsAlg;
  key: KeyObject;
  /** The protected header map (serialised here). */
  protectedHeader: Map<CborKey, CborInput>;
  unprotected?: Map<CborKey, CborInput>;
  payload: Buffer;
  externalAad?: Uint8Array;
  /** Wrap in tag 18 (off by default: the tag costs a byte and says nothing the position does not). */
  tag?: boolean;
}

/** A signed COSE_Sign1, serialised. */
export function signCoseSign1(o: SignOptions): Buffer {
  const protectedBytes = o.protectedHeader.size === 0 ? Buffer.alloc(0) : encodeCbor(o.protectedHeader);
  const signature = createSignature(o.alg, o.key, sigStructure(protectedBytes, o.externalAad ?? Buffer.alloc(0), o.payload));
  return encodeSign1({ protected: protectedBytes, unprotected: o.unprotected ?? new Map(), payload: o.payload, signature }, o.tag ?? false);
}

/** Serialises the four parts (for issuing, and for tests that swap one of them). */
export function encodeSign1(parts: { protected: Buffer; unprotected: Map<CborKey, CborInput>; payload: Buffer; signature: Buffer }, tag = false): Buffer {
  const array: CborInput = [parts.protected, parts.unprotected, parts.payload, parts.signature];
  return encodeCbor(tag ? new CborTagged(COSE_SIGN1_TAG, array) : array);
}

/** Items already serialised, as one CBOR array (a presentation: [credential, proof]). */
export function encodeArrayOf(items: Uint8Array[]): Buffer {
  return encodeCbor(items.map((b) => new CborRaw(b)));
}
