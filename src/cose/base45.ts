/**
 * Base45 (RFC 9285): bytes as the 45 characters a QR code's alphanumeric mode holds,
 * `0-9 A-Z`, space and `$ % * + - . / :`. Two bytes become three characters (least
 * significant first), a last odd byte two. Decoding is strict: any other character, a
 * length of 3k + 1, or a group worth more than its bytes can hold is refused.
 */
export const BASE45_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

/** Byte → its value, -1 outside the alphabet. */
const VALUE = new Int8Array(256).fill(-1);
for (let i = 0; i < BASE45_ALPHABET.length; i++) VALUE[BASE45_ALPHABET.charCodeAt(i)] = i;

/** Where a text's bytes are put to be decoded (the longest MLEG2 payload is 3000 characters). */
const SCRATCH = Buffer.allocUnsafe(4096);

export function encodeBase45(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 1 < bytes.length; i += 2) {
    const n = bytes[i]! * 256 + bytes[i + 1]!;
    const c = n % 45;
    const rest = (n - c) / 45;
    out += BASE45_ALPHABET[c]! + BASE45_ALPHABET[rest % 45]! + BASE45_ALPHABET[Math.floor(rest / 45)]!;
  }
  if (i < bytes.length) {
    const n = bytes[i]!;
    out += BASE45_ALPHABET[n % 45]! + BASE45_ALPHABET[Math.floor(n / 45)]!;
  }
  return out;
}

/**
 * The bytes `text` encodes, or undefined when it is not strict base45. Reads the text's
 * bytes, not its characters, which measured quicker than charCodeAt
 * (bench/results/findings.md; bench/cbor.bench.ts has the whole decode).
 */
export function decodeBase45(text: string): Buffer | undefined {
  const length = text.length;
  if (length % 3 === 1) return undefined;
  // As UTF-8, so that a character beyond ASCII makes bytes above 0x7f, which no base45
  // character is (latin1 would fold it onto one below); into a scratch buffer, not a new one.
  const src = length <= SCRATCH.length ? SCRATCH : Buffer.allocUnsafe(3 * length);
  if (src.write(text, 'utf8') !== length) return undefined;
  const out = Buffer.allocUnsafe(Math.floor(length / 3) * 2 + (length % 3 === 2 ? 1 : 0));
  let o = 0;
  let i = 0;
  for (; i + 2 < length; i += 3) {
    const c = VALUE[src[i]!]!;
    const d = VALUE[src[i + 1]!]!;
    const e = VALUE[src[i + 2]!]!;
    if ((c | d | e) < 0) return undefined;
    const n = c + d * 45 + e * 2025;
    if (n > 0xffff) return undefined;
    out[o++] = n >> 8;
    out[o++] = n & 0xff;
  }
  if (i < length) {
    const c = VALUE[src[i]!]!;
    const d = VALUE[src[i + 1]!]!;
    if ((c | d) < 0) return undefined;
    const n = c + d * 45;
    if (n > 0xff) return undefined;
    out[o] = n;
  }
  return out;
}

/**
 * Byte `i` of what `text` encodes, decoding only its group (base45 groups are fixed: bytes
 * 2g and 2g + 1 are characters 3g to 3g + 2); -1 when that group is not valid base45 or
 * `i` is past the end. For reading a few heads without decoding the whole text.
 */
export function base45ByteAt(text: string, i: number): number {
  const g = i >> 1;
  const at = 3 * g;
  if (i < 0 || at + 1 >= text.length) return -1;
  const c = charValue(text, at);
  const d = charValue(text, at + 1);
  if (at + 2 < text.length) {
    const e = charValue(text, at + 2);
    if ((c | d | e) < 0) return -1;
    const n = c + d * 45 + e * 2025;
    if (n > 0xffff) return -1;
    return (i & 1) === 0 ? n >> 8 : n & 0xff;
  }
  // The last group of an odd byte count: two characters, one byte.
  if ((c | d) < 0 || (i & 1) === 1) return -1;
  const n = c + d * 45;
  return n > 0xff ? -1 : n;
}

function charValue(text: string, i: number): number {
  const code = text.charCodeAt(i);
  return code < 256 ? VALUE[code]! : -1;
}
