/**
 * COSE_Sign1 (RFC 9052 section 4.2): `[protected: bstr, unprotected: map, payload: bstr,
 * signature: bstr]`, tag 18 optional. Read with where its exact bytes lie (what a proof
 * binds); the protected header and payload stay undecoded bytes until a check needs
 * them. Signed over the Sig_structure
 * `["Signature1", protected, external_aad, payload]` (section 4.4).
 */
import type { KeyObject } from 'node:crypto';
import type { JwsAlg } from '../jws/signature.js';
import { createSignature } from '../jws/signature.js';
import type { Parsed } from '../jws/compact.js';
import { CborError, CborRaw, CborTagged, decodeCborMap, encodeCbor, type CborInput, type CborKey, type CborMap, type CborReader, type CborValue } from './cbor.js';

export const COSE_SIGN1_TAG = 18;
/** The tag's initial byte: major type 6, argument 18. */
const TAG_18 = 0xc0 | COSE_SIGN1_TAG;
/** An array of four: major type 4, argument 4. */
const ARRAY_OF_4 = 0x84;

/**
 * A COSE_Sign1 as read: where its parts lie in the decoded bytes. Views of them are made
 * only when asked for; a proof's header and claims are decoded, and its Sig_structure
 * written, from the ranges in place.
 */
export class CoseSign1 {
  #bytes: Buffer | undefined;
  #protected: Buffer | undefined;
  #payload: Buffer | undefined;
  #signature: Buffer | undefined;

  constructor(
    /** The bytes the item was read from. */
    readonly source: Buffer,
    /** The item's range in `source`, its tag included. */
    readonly start: number,
    readonly end: number,
    /** [start, end) of the protected header's bytes, the payload's and the signature's. */
    private readonly ranges: readonly [number, number, number, number, number, number],
    readonly unprotected: ReadonlyMap<CborKey, CborValue>,
  ) {}

  /** The item exactly as it appears, its tag included. */
  get bytes(): Buffer {
    return (this.#bytes ??= this.source.subarray(this.start, this.end));
  }

  /** The protected header's serialised map (a zero-length string means an empty header). */
  get protected(): Buffer {
    return (this.#protected ??= this.source.subarray(this.ranges[0], this.ranges[1]));
  }

  get payload(): Buffer {
    return (this.#payload ??= this.source.subarray(this.ranges[2], this.ranges[3]));
  }

  get signature(): Buffer {
    return (this.#signature ??= this.source.subarray(this.ranges[4], this.ranges[5]));
  }

  /** The protected header as a map, decoded in place: a zero-length string is the empty header (RFC 9052 section 3). */
  decodeProtected(): Parsed<CborMap> {
    const [start, end] = this.ranges;
    return start === end ? { ok: true, value: new Map() } : decodeCborMap(this.source, 'protected header', start, end);
  }

  /** The payload as a map, decoded in place. */
  decodePayload(): Parsed<CborMap> {
    return decodeCborMap(this.source, 'payload', this.ranges[2], this.ranges[3]);
  }

  /** The Sig_structure its signature covers, with `externalAad`, written from the parts in place. */
  toBeSigned(externalAad: Uint8Array): Buffer {
    const [ps, pe, ys, ye] = this.ranges;
    return writeSigStructure(this.source, ps, pe, externalAad, ys, ye);
  }

  /** The four parts, for tests and tools that change one and serialise them again (encodeSign1). */
  parts(): { protected: Buffer; unprotected: Map<CborKey, CborInput>; payload: Buffer; signature: Buffer } {
    return { protected: this.protected, unprotected: new Map(this.unprotected), payload: this.payload, signature: this.signature };
  }
}

/** The unprotected header of nearly every COSE_Sign1, `{}`: one shared, read-only. */
const EMPTY: ReadonlyMap<CborKey, CborValue> = new Map();
const EMPTY_MAP = 0xa0;

/** Reads a COSE_Sign1 at the reader's position, tag 18 or not. Throws CborError. */
export function readCoseSign1(reader: CborReader): CoseSign1 {
  const start = reader.pos;
  if (reader.peek() === TAG_18) reader.pos++;
  if (reader.peek() !== ARRAY_OF_4) {
    reader.head();
    throw new CborError(reader.major === 6 ? `tag ${reader.argument}, not a COSE_Sign1 (18)` : 'not a COSE_Sign1 (an array of four)');
  }
  reader.pos++;
  const protectedStart = byteString(reader, 'protected header');
  const protectedEnd = reader.pos;
  let unprotected: ReadonlyMap<CborKey, CborValue> = EMPTY;
  if (reader.peek() === EMPTY_MAP) reader.pos++;
  else {
    const map = reader.item(1);
    if (!(map instanceof Map)) throw new CborError('COSE_Sign1 unprotected header is not a map');
    unprotected = map;
  }
  const payloadStart = byteString(reader, 'payload');
  const payloadEnd = reader.pos;
  const signatureStart = byteString(reader, 'signature');
  return new CoseSign1(reader.bytes, start, reader.pos, [protectedStart, protectedEnd, payloadStart, payloadEnd, signatureStart, reader.pos], unprotected);
}

/** Skips a byte string; returns where its contents start (they end at the reader's position). */
function byteString(reader: CborReader, what: string): number {
  try {
    return reader.skipByteString();
  } catch (err) {
    throw err instanceof CborError ? new CborError(`COSE_Sign1 ${what}: ${err.message}`) : err;
  }
}

/**
 * ["Signature1", protected, external_aad, payload], serialised: the bytes a COSE_Sign1
 * signature covers. Written into one buffer (it is made for every proof checked).
 */
export function sigStructure(protectedBytes: Uint8Array, externalAad: Uint8Array, payload: Uint8Array): Buffer {
  const both = Buffer.concat([protectedBytes, payload]);
  return writeSigStructure(both, 0, protectedBytes.length, externalAad, protectedBytes.length, both.length);
}

/** The Sig_structure of the protected header source[ps, pe) and the payload source[ys, ye). */
function writeSigStructure(source: Buffer, ps: number, pe: number, externalAad: Uint8Array, ys: number, ye: number): Buffer {
  const out = Buffer.allocUnsafe(SIG_STRUCTURE_HEAD.length + headLength(pe - ps) + (pe - ps) + headLength(externalAad.length) + externalAad.length + headLength(ye - ys) + (ye - ys));
  SIG_STRUCTURE_HEAD.copy(out, 0);
  let at = writeHead(out, SIG_STRUCTURE_HEAD.length, pe - ps);
  at += source.copy(out, at, ps, pe);
  at = writeHead(out, at, externalAad.length);
  out.set(externalAad, at);
  at = writeHead(out, at + externalAad.length, ye - ys);
  source.copy(out, at, ys, ye);
  return out;
}

/** The array head and the context string "Signature1". */
const SIG_STRUCTURE_HEAD = Buffer.concat([Buffer.from([ARRAY_OF_4]), encodeCbor('Signature1')]);

/** Bytes of a byte string's head for `n` bytes of contents. */
function headLength(n: number): number {
  return n < 24 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5;
}

/** A byte string's head for `n` bytes at `at`; returns where its contents go. */
function writeHead(out: Buffer, at: number, n: number): number {
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
  return at;
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
