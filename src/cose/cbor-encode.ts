/**
 * The CBOR encoder (RFC 8949's preferred serialisation, section 4.2.1: shortest forms, map
 * keys in the order of their encoded bytes) on plain Uint8Arrays, with no Node API: the
 * issuing tools and the web wallet write MLEG2 with it alike. The strict reader, which the
 * verifier's hot path runs on Buffers, is cbor.ts (which re-exports this).
 */

export type CborKey = number | string;
/** What the encoder takes: decoded values, and plain objects (maps with text keys) and Maps whose undefined members are left out. */
export type CborInput =
  | number
  | string
  | boolean
  | null
  | Uint8Array
  | CborFloat
  | CborTagged
  | CborRaw
  | readonly CborInput[]
  | Map<CborKey, CborInput | undefined>
  | { readonly [key: string]: CborInput | undefined };

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

/** Bytes that are already one serialised item, written as they are (a credential inside a presentation). */
export class CborRaw {
  constructor(readonly bytes: Uint8Array) {}
}

const utf8 = new TextEncoder();

/** The deterministic serialisation of `value`. Members set to undefined are left out. */
export function cborBytes(value: CborInput): Uint8Array {
  const chunks: Uint8Array[] = [];
  write(chunks, value);
  return concatBytes(chunks);
}

/** An item's head: major type and argument, in the shortest form. */
export function cborHead(major: number, argument: number): Uint8Array {
  if (!Number.isSafeInteger(argument) || argument < 0) throw new RangeError(`cannot encode ${argument} as a CBOR argument`);
  const m = major << 5;
  if (argument < 24) return Uint8Array.of(m | argument);
  if (argument < 0x100) return Uint8Array.of(m | 24, argument);
  if (argument < 0x1_0000) return Uint8Array.of(m | 25, argument >> 8, argument & 0xff);
  if (argument < 0x1_0000_0000) {
    const b = new Uint8Array(5);
    b[0] = m | 26;
    new DataView(b.buffer).setUint32(1, argument);
    return b;
  }
  const b = new Uint8Array(9);
  b[0] = m | 27;
  const view = new DataView(b.buffer);
  view.setUint32(1, Math.floor(argument / 0x1_0000_0000));
  view.setUint32(5, argument % 0x1_0000_0000);
  return b;
}

export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const c of chunks) length += c.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Bytewise lexicographic order, a shorter prefix first (the order of deterministic map keys). */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function write(chunks: Uint8Array[], value: unknown): void {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) {
      write(chunks, new CborFloat(value));
      return;
    }
    chunks.push(value >= 0 ? cborHead(0, value) : cborHead(1, -1 - value));
  } else if (typeof value === 'string') {
    const bytes = utf8.encode(value);
    chunks.push(cborHead(3, bytes.length), bytes);
  } else if (value instanceof Uint8Array) {
    chunks.push(cborHead(2, value.length), value);
  } else if (value === false || value === true || value === null) {
    chunks.push(Uint8Array.of(value === false ? 0xf4 : value === true ? 0xf5 : 0xf6));
  } else if (Array.isArray(value)) {
    chunks.push(cborHead(4, value.length));
    for (const v of value) write(chunks, v);
  } else if (value instanceof CborFloat) {
    const b = new Uint8Array(9);
    b[0] = 0xfb;
    new DataView(b.buffer).setFloat64(1, value.value);
    chunks.push(b);
  } else if (value instanceof CborTagged) {
    chunks.push(cborHead(6, value.tag));
    write(chunks, value.value);
  } else if (value instanceof CborRaw) {
    chunks.push(value.bytes);
  } else if (value instanceof Map || (typeof value === 'object' && value !== null)) {
    const entries = (value instanceof Map ? [...value] : Object.entries(value))
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [cborBytes(k as CborKey), v] as const)
      .sort(([a], [b]) => compareBytes(a, b));
    chunks.push(cborHead(5, entries.length));
    for (const [k, v] of entries) {
      chunks.push(k);
      write(chunks, v);
    }
  } else {
    throw new TypeError(`cannot encode ${typeof value} as CBOR`);
  }
}
