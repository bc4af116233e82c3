/**
 * Device command bytes as people read them in manuals: hex bytes separated by spaces,
 * e.g. "A0 01 01 A2", with two placeholders for relay boards: `{relay}` (the channel
 * number) and `{sum}` (the low byte of the sum of all bytes before it, a common checksum).
 */
import { MlegError } from '../errors.js';

export type ByteSequence = (vars?: { relay?: number }) => Buffer;

const TOKEN = /^(?:[0-9A-Fa-f]{2}|\{relay\}|\{sum\})$/;

export class ByteSequenceError extends MlegError {
  override name = 'ByteSequenceError';
  constructor(message: string) {
    super('DEVICE_PROFILE_INVALID', message);
  }
}

/** Parses once; throws ByteSequenceError naming the bad token. */
export function parseByteSequence(text: string): ByteSequence {
  const tokens = text.trim().split(/\s+/).filter((t) => t !== '');
  if (tokens.length === 0) throw new ByteSequenceError('an empty byte sequence');
  const bad = tokens.find((t) => !TOKEN.test(t));
  if (bad !== undefined) throw new ByteSequenceError(`"${bad}" is not a hex byte, {relay} or {sum}`);
  return (vars = {}) => {
    const out = Buffer.alloc(tokens.length);
    let sum = 0;
    tokens.forEach((token, i) => {
      let byte: number;
      if (token === '{sum}') byte = sum & 0xff;
      else if (token === '{relay}') {
        if (vars.relay === undefined) throw new ByteSequenceError('this sequence needs a relay number');
        byte = vars.relay & 0xff;
      } else byte = parseInt(token, 16);
      out[i] = byte;
      sum += byte;
    });
    return out;
  };
}

export function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ');
}
