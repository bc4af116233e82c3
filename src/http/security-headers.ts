/** Headers sent with every answer of the verifier and the issuing service (a route may replace them). */

/** Answers carry personal data, so nothing is cached, framed or sniffed. */
export const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
} as const;

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost)$/;

/** A host name or address that only this machine reaches (where `"auto"` rate limiting stays off, and plain http is allowed). */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.test(host);
}
