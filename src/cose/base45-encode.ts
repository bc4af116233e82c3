/**
 * Base45 (RFC 9285) encoding, on plain Uint8Arrays with no Node API: the web wallet writes
 * its MLEG2 codes with it as the issuing tools do. Decoding, strict and on the verifier's hot
 * path, is base45.ts (which re-exports this).
 */
export const BASE45_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

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
