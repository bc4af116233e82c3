/**
 * Compact JWS parsing: three base64url segments, a JSON object header and a JSON object
 * payload. No signature work here; see signature.ts.
 */

export interface CompactJws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** `<header>.<payload>` exactly as received: the bytes the signature covers. */
  signingInput: string;
  signature: Buffer;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const SEGMENT = /^[A-Za-z0-9_-]*$/;

/** Header members that would let a token choose its own key or change how it is verified. */
export const KEY_CHOOSING_HEADERS = ['jwk', 'jku', 'x5u', 'x5c', 'crit', 'b64'] as const;

export function parseCompactJws(text: string): Parsed<CompactJws> {
  const first = text.indexOf('.');
  const second = first < 0 ? -1 : text.indexOf('.', first + 1);
  if (second < 0 || text.indexOf('.', second + 1) >= 0) {
    return { ok: false, reason: 'not a compact JWS (three dot-separated parts)' };
  }
  const h = text.slice(0, first);
  const p = text.slice(first + 1, second);
  const s = text.slice(second + 1);
  if (!isBase64url(h) || h.length === 0) return { ok: false, reason: 'header is not base64url' };
  if (!isBase64url(p) || p.length === 0) return { ok: false, reason: 'payload is not base64url' };
  if (!isBase64url(s)) return { ok: false, reason: 'signature is not base64url' };
  const header = decodeHeader(h);
  if (header === undefined) return { ok: false, reason: 'header is not a JSON object' };
  const payload = decodeJsonObject(p);
  if (payload === undefined) return { ok: false, reason: 'payload is not a JSON object' };
  return {
    ok: true,
    value: { header, payload, signingInput: text.slice(0, second), signature: Buffer.from(s, 'base64url') },
  };
}

/** Unpadded base64url whose length can encode whole bytes. */
export function isBase64url(segment: string): boolean {
  return segment.length % 4 !== 1 && SEGMENT.test(segment);
}

/**
 * Headers repeat: every proof of a device type has the same one, every credential of an
 * issuer key too. The few seen last are kept decoded (frozen, as callers only read them),
 * which spares a returning holder's presentation a base64 decode and a JSON parse.
 */
const recentHeaders = new Map<string, Readonly<Record<string, unknown>>>();
const RECENT_HEADERS = 64;

function decodeHeader(segment: string): Record<string, unknown> | undefined {
  const known = recentHeaders.get(segment);
  if (known !== undefined) return known;
  const header = decodeJsonObject(segment);
  if (header === undefined || segment.length > 512) return header;
  if (recentHeaders.size >= RECENT_HEADERS) recentHeaders.clear();
  recentHeaders.set(segment, Object.freeze(header));
  return header;
}

function decodeJsonObject(segment: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  return isPlainObject(value) ? value : undefined;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first member of `names` present in `header`, if any. */
export function firstPresent(header: Record<string, unknown>, names: readonly string[]): string | undefined {
  for (const name of names) if (Object.hasOwn(header, name)) return name;
  return undefined;
}
