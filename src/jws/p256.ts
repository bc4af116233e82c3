/**
 * The P-256 curve equation (SEC 2, NIST FIPS 186-4): whether public coordinates are a point
 * of the curve, checked without importing a key. Importing a P-256 JWK with node:crypto
 * costs ~70 µs (OpenSSL also multiplies the point by the group order), this ~5 µs; P-256
 * has cofactor 1, so every point of the curve but infinity (which has no coordinates) is in
 * the group, and the multiplication can only agree.
 */
const P = 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n;
const B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;

/** The unsigned big-endian integer of base64url bytes. */
function integer(base64url: string): bigint {
  return BigInt(`0x${Buffer.from(base64url, 'base64url').toString('hex') || '0'}`);
}

/** True when (x, y), each 32 bytes base64url, satisfies y² = x³ − 3x + b (mod p), with x, y < p. */
export function isP256Point(x: string, y: string): boolean {
  const X = integer(x);
  const Y = integer(y);
  if (X >= P || Y >= P) return false;
  return (Y * Y - (X * X * X - 3n * X + B)) % P === 0n;
}
