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
  /**
   * Set when the header or the payload names a member twice (at any depth). JSON.parse keeps
   * the last copy, another reader may take the first: the token means two things (SPEC 1).
   */
  duplicateMember?: 'header' | 'payload';
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
  const value: CompactJws = { header: header.value, payload: payload.value, signingInput: text.slice(0, second), signature: Buffer.from(s, 'base64url') };
  if (header.duplicate) value.duplicateMember = 'header';
  else if (payload.duplicate) value.duplicateMember = 'payload';
  return { ok: true, value };
}

/** Unpadded base64url whose length can encode whole bytes. */
export function isBase64url(segment: string): boolean {
  return segment.length % 4 !== 1 && SEGMENT.test(segment);
}

interface Decoded {
  value: Record<string, unknown>;
  /** A member named twice somewhere in it. */
  duplicate: boolean;
}

/**
 * Headers repeat: every proof of a device type has the same one, every credential of an
 * issuer key too. The few seen last are kept decoded (frozen, as callers only read them),
 * which spares a returning holder's presentation a base64 decode and a JSON parse. A header
 * naming a member twice is never kept.
 */
const recentHeaders = new Map<string, Readonly<Record<string, unknown>>>();
const RECENT_HEADERS = 64;

function decodeHeader(segment: string): Decoded | undefined {
  const known = recentHeaders.get(segment);
  if (known !== undefined) return { value: known, duplicate: false };
  const header = decodeJsonObject(segment);
  if (header === undefined || header.duplicate || segment.length > 512) return header;
  if (recentHeaders.size >= RECENT_HEADERS) recentHeaders.clear();
  recentHeaders.set(segment, Object.freeze(header.value));
  return header;
}

function decodeJsonObject(segment: string): Decoded | undefined {
  const text = Buffer.from(segment, 'base64url').toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isPlainObject(value)) return undefined;
  return { value, duplicate: separatorsOutsideStrings(text) !== memberCount(value) };
}

/**
 * Duplicate member names without a second parse: in text that JSON.parse accepted, every
 * name-value separator (a colon outside a string) introduces one member, and JSON.parse keeps
 * one member per distinct name. Fewer members than separators means a name came twice.
 */
function separatorsOutsideStrings(text: string): number {
  let separators = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x3a) separators++;
  }
  return separators;
}

/** Members of every object in a parsed JSON value. */
function memberCount(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let count = 0;
  if (Array.isArray(value)) {
    for (const item of value) count += memberCount(item);
    return count;
  }
  for (const name of Object.keys(value)) count += 1 + memberCount((value as Record<string, unknown>)[name]);
  return count;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first member of `names` present in `header`, if any. */
export function firstPresent(header: Record<string, unknown>, names: readonly string[]): string | undefined {
  for (const name of names) if (Object.hasOwn(header, name)) return name;
  return undefined;
}
