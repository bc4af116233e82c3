/**
 * Token Status List encoding (draft-ietf-oauth-status-list §4): `lst` is base64url of
 * ZLIB-compressed bytes; entry i of `bits` bits sits least-significant-bit first.
 */
import { inflateSync } from 'node:zlib';
import { isBase64url, type Parsed } from '../jws/compact.js';
import type { StatusBits } from './token-status-list.js';

export { entryCount, isStatusBits, statusAt, type StatusBits } from './token-status-list.js';

/** Output cap for inflating one list: 16 MiB is 134 million 1-bit entries. */
export const MAX_INFLATED_BYTES = 16 * 1024 * 1024;

export function inflateStatusList(lst: string, maxBytes = MAX_INFLATED_BYTES): Parsed<Uint8Array> {
  if (!isBase64url(lst) || lst.length === 0) return { ok: false, reason: '"lst" is not base64url' };
  try {
    return { ok: true, value: ownBytes(inflateSync(Buffer.from(lst, 'base64url'), { maxOutputLength: maxBytes })) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') return { ok: false, reason: `"lst" inflates to more than ${maxBytes} bytes` };
    return { ok: false, reason: `"lst" is not ZLIB data (${(err as Error).message})` };
  }
}

/**
 * zlib's output as a plain Uint8Array over an ArrayBuffer of its own: a large output
 * already has one (not copied again); a small one may be a view into a shared pool, and is
 * copied, so that holding the list holds nothing else and its buffer can move between threads.
 */
function ownBytes(out: Buffer): Uint8Array {
  const tight = out.byteOffset === 0 && out.byteLength === out.buffer.byteLength && out.buffer instanceof ArrayBuffer;
  return tight ? new Uint8Array(out.buffer) : new Uint8Array(out);
}

/** Inverse of statusAt, for issuing: values → bytes (not compressed). */
export function packStatuses(values: ArrayLike<number>, bits: StatusBits): Uint8Array {
  const bytes = new Uint8Array(Math.ceil((values.length * bits) / 8));
  const max = (1 << bits) - 1;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (!Number.isInteger(value) || value < 0 || value > max) throw new RangeError(`status ${value} does not fit in ${bits} bits`);
    const bit = i * bits;
    bytes[bit >> 3]! |= value << (bit & 7);
  }
  return bytes;
}
