/**
 * CBOR (RFC 8949), the subset MLEG2 needs, decoded strictly: definite lengths only, every
 * integer and length in its shortest form, no duplicate map keys, map keys integers or
 * text, text valid UTF-8, no `undefined` or other simple values than false, true and
 * null, no tags (a caller reads tag 18 where a COSE_Sign1 may stand), nothing after the
 * item, at most 16 levels deep. Anything else is refused with a reason, never guessed at:
 * two readers of one payload must read it the same way. Byte strings come back as views
 * of the input (no copy). Floats come back as CborFloat, so that 1.0 is never taken for
 * the integer 1.
 *
 * The encoder writes the preferred (shortest) serialisation of the same values, for issuing.
 */
import type { Parsed } from '../jws/compact.js';

export type CborKey = number | string;
export type CborValue = number | string | boolean | null | Buffer | CborValue[] | CborMap | CborFloat | CborTagged | CborRaw;
export type CborMap = Map<CborKey, CborValue>;
/** What the encoder takes: decoded values, and plain objects (maps with text keys) and Maps whose undefined members are left out. */
export type CborInput = CborValue | readonly CborInput[] | Map<CborKey, CborInput | undefined> | { readonly [key: string]: CborInput | undefined };

/** A floating-point number (major type 7), kept apart from integers. */
export class CborFloat {
  constructor(readonly value: number) {}
}

/** A tagged item, for encoding (e.g. tag 18, COSE_Sign1). */
export class CborTagged {
  constructor(
    readonly tag: number,
    readonly value: CborInput,
  ) {}
}

/** Bytes that are already CBOR, written as they are (e.g. a signed credential placed in an array). */
export class CborRaw {
  constructor(readonly bytes: Uint8Array) {}
}

/** Why a decode stopped; thrown inside the reader, caught by its callers, never seen by users. */
export class CborError extends Error {
  override name = 'CborError';
}

export const MAX_DEPTH = 16;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Reads items from `bytes[pos, end)` strictly; every read throws CborError on bad input. */
export class CborReader {
  pos: number;
  readonly bytes: Buffer;
  readonly end: number;
  /** The major type and argument of the last head read. */
  major = 0;
  argument = 0;

  constructor(bytes: Buffer, pos = 0, end = bytes.length) {
    this.bytes = bytes;
    this.pos = pos;
    this.end = end;
  }

  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  /** The next byte, not consumed (-1 at the end). */
  peek(): number {
    return this.pos < this.end ? this.bytes[this.pos]! : -1;
  }

  /** Reads an item's initial byte and argument into `major` and `argument`. */
  head(): void {
    if (this.pos >= this.end) throw new CborError('ends in the middle of an item');
    const initial = this.bytes[this.pos++]!;
    this.major = initial >> 5;
    const info = initial & 0x1f;
    if (info < 24) {
      this.argument = info;
      return;
    }
    if (this.major === 7 && info >= 25 && info <= 27) {
      // A float: its bytes are read by item(); keep the size in the argument.
      this.argument = info;
      return;
    }
    if (info === 31) throw new CborError('an indefinite length');
    if (info > 27) throw new CborError(`reserved additional information ${info}`);
    const size = 1 << (info - 24);
    if (this.pos + size > this.end) throw new CborError('ends in the middle of an item');
    const b = this.bytes;
    const p = this.pos;
    let value: number;
    if (size === 1) value = b[p]!;
    else if (size === 2) value = (b[p]! << 8) | b[p + 1]!;
    else if (size === 4) value = b.readUInt32BE(p);
    else {
      const high = b.readUInt32BE(p);
      if (high > 0x1fffff) throw new CborError('an integer beyond 2^53');
      value = high * 0x1_0000_0000 + b.readUInt32BE(p + 4);
    }
    this.pos += size;
    const least = size === 1 ? 24 : size === 2 ? 0x100 : size === 4 ? 0x1_0000 : 0x1_0000_0000;
    if (value < least) throw new CborError('an integer or length not in its shortest form');
    if (this.major === 7) throw new CborError(`simple value ${value}`);
    this.argument = value;
  }

  /** The next item, whole. */
  item(depth = 0): CborValue {
    this.head();
    const n = this.argument;
    switch (this.major) {
      case 0:
        return n;
      case 1:
        if (n >= Number.MAX_SAFE_INTEGER) throw new CborError('an integer beyond -2^53');
        return -1 - n;
      case 2:
        return this.#bytes(n);
      case 3:
        return this.#text(n);
      case 4: {
        if (depth >= MAX_DEPTH) throw new CborError(`nested deeper than ${MAX_DEPTH}`);
        // Every element takes at least a byte: a count beyond what is left is refused before allocating.
        if (n > this.end - this.pos) throw new CborError('an array longer than the bytes left');
        const array: CborValue[] = new Array(n);
        for (let i = 0; i < n; i++) array[i] = this.item(depth + 1);
        return array;
      }
      case 5: {
        if (depth >= MAX_DEPTH) throw new CborError(`nested deeper than ${MAX_DEPTH}`);
        if (2 * n > this.end - this.pos) throw new CborError('a map longer than the bytes left');
        const map: CborMap = new Map();
        for (let i = 0; i < n; i++) {
          const key = this.item(depth + 1);
          if (typeof key !== 'number' && typeof key !== 'string') throw new CborError('a map key that is not an integer or text');
          if (map.has(key)) throw new CborError(`map key ${JSON.stringify(key)} twice`);
          map.set(key, this.item(depth + 1));
        }
        return map;
      }
      case 6:
        throw new CborError(`tag ${n}`);
      default:
        return this.#simple(n);
    }
  }

  /** A byte string's contents as a view of the input. */
  byteString(): Buffer {
    const start = this.skipByteString();
    return this.bytes.subarray(start, this.pos);
  }

  /** Passes over a byte string; returns where its contents start (they end at `pos`). */
  skipByteString(): number {
    this.head();
    if (this.major !== 2) throw new CborError('not a byte string');
    if (this.argument > this.end - this.pos) throw new CborError('a string longer than the bytes left');
    const start = this.pos;
    this.pos += this.argument;
    return start;
  }

  #bytes(length: number): Buffer {
    if (length > this.end - this.pos) throw new CborError('a string longer than the bytes left');
    const view = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return view;
  }

  #text(length: number): string {
    const text = utf8Text(this.#bytes(length));
    if (text === undefined) throw new CborError('text that is not UTF-8');
    return text;
  }

  #simple(info: number): CborValue {
    if (info === 20) return false;
    if (info === 21) return true;
    if (info === 22) return null;
    if (info === 25 || info === 26 || info === 27) {
      const size = info === 25 ? 2 : info === 26 ? 4 : 8;
      if (size > this.end - this.pos) throw new CborError('ends in the middle of an item');
      const p = this.pos;
      this.pos += size;
      if (size === 2) return new CborFloat(halfFloat(this.bytes.readUInt16BE(p)));
      return new CborFloat(size === 4 ? this.bytes.readFloatBE(p) : this.bytes.readDoubleBE(p));
    }
    throw new CborError(info === 23 ? 'undefined' : `simple value ${info}`);
  }
}

/** Bytes as strict UTF-8 text (a byte-order mark kept), or undefined when they are not UTF-8. ASCII skips the decoder. */
export function utf8Text(bytes: Uint8Array): string | undefined {
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! >= 0x80) {
      try {
        return utf8.decode(bytes);
      } catch {
        return undefined;
      }
    }
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

function halfFloat(bits: number): number {
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  const sign = bits & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 31) return mantissa === 0 ? sign * Infinity : Number.NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** Exactly one item filling `bytes` (or its range [start, end)). */
export function decodeCbor(bytes: Buffer, start = 0, end = bytes.length): Parsed<CborValue> {
  const reader = new CborReader(bytes, start, end);
  try {
    const value = reader.item();
    if (!reader.atEnd) return { ok: false, reason: `${reader.end - reader.pos} bytes after the item` };
    return { ok: true, value };
  } catch (err) {
    if (err instanceof CborError) return { ok: false, reason: err.message };
    throw err;
  }
}

/** Exactly one item filling `bytes` (or its range), which must be a map (`what` names it in the reason). */
export function decodeCborMap(bytes: Buffer, what: string, start = 0, end = bytes.length): Parsed<CborMap> {
  const decoded = decodeCbor(bytes, start, end);
  if (!decoded.ok) return { ok: false, reason: `${what}: ${decoded.reason}` };
  if (!(decoded.value instanceof Map)) return { ok: false, reason: `${what} is not a CBOR map` };
  return { ok: true, value: decoded.value };
}

export function isCborMap(value: CborValue | undefined): value is CborMap {
  return value instanceof Map;
}

export function isByteString(value: CborValue | undefined): value is Buffer {
  return value instanceof Uint8Array;
}

/**
 * A map whose keys are all text, as a plain object (null prototype: a "__proto__" key is
 * just a key); undefined for anything else. For the claims that SPEC 11 takes over from
 * SPEC 2 as they are (`org`, `status`).
 */
export function textKeyedObject(value: CborValue | undefined): Record<string, CborValue> | undefined {
  if (!(value instanceof Map)) return undefined;
  const object: Record<string, CborValue> = Object.create(null);
  for (const [key, v] of value) {
    if (typeof key !== 'string') return undefined;
    object[key] = v;
  }
  return object;
}

// ---- encoding

/**
 * The deterministic serialisation of `value` (RFC 8949 section 4.2.1: shortest forms, map
 * keys in the order of their encoded bytes). Plain objects are maps with text keys;
 * members set to undefined are left out.
 */
export function encodeCbor(value: CborInput): Buffer {
  const chunks: Uint8Array[] = [];
  write(chunks, value);
  return Buffer.concat(chunks);
}

export function encodeHead(major: number, argument: number): Buffer {
  if (!Number.isSafeInteger(argument) || argument < 0) throw new RangeError(`cannot encode ${argument} as a CBOR argument`);
  const m = major << 5;
  if (argument < 24) return Buffer.from([m | argument]);
  if (argument < 0x100) return Buffer.from([m | 24, argument]);
  if (argument < 0x1_0000) return Buffer.from([m | 25, argument >> 8, argument & 0xff]);
  if (argument < 0x1_0000_0000) {
    const b = Buffer.alloc(5);
    b[0] = m | 26;
    b.writeUInt32BE(argument, 1);
    return b;
  }
  const b = Buffer.alloc(9);
  b[0] = m | 27;
  b.writeUInt32BE(Math.floor(argument / 0x1_0000_0000), 1);
  b.writeUInt32BE(argument % 0x1_0000_0000, 5);
  return b;
}

function write(chunks: Uint8Array[], value: unknown): void {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) {
      write(chunks, new CborFloat(value));
      return;
    }
    chunks.push(value >= 0 ? encodeHead(0, value) : encodeHead(1, -1 - value));
  } else if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    chunks.push(encodeHead(3, bytes.length), bytes);
  } else if (value instanceof Uint8Array) {
    chunks.push(encodeHead(2, value.length), value);
  } else if (value === false || value === true || value === null) {
    chunks.push(Buffer.from([value === false ? 0xf4 : value === true ? 0xf5 : 0xf6]));
  } else if (Array.isArray(value)) {
    chunks.push(encodeHead(4, value.length));
    for (const v of value) write(chunks, v);
  } else if (value instanceof CborFloat) {
    const b = Buffer.alloc(9);
    b[0] = 0xfb;
    b.writeDoubleBE(value.value, 1);
    chunks.push(b);
  } else if (value instanceof CborTagged) {
    chunks.push(encodeHead(6, value.tag));
    write(chunks, value.value);
  } else if (value instanceof CborRaw) {
    chunks.push(value.bytes);
  } else if (value instanceof Map || (typeof value === 'object' && value !== null)) {
    const entries = (value instanceof Map ? [...value] : Object.entries(value))
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [encodeCbor(k as CborKey), v] as const)
      .sort(([a], [b]) => Buffer.compare(a, b));
    chunks.push(encodeHead(5, entries.length));
    for (const [k, v] of entries) {
      chunks.push(k);
      write(chunks, v);
    }
  } else {
    throw new TypeError(`cannot encode ${typeof value} as CBOR`);
  }
}
