/**
 * SPEC 1: from the text a scanner or caller hands us to the credential and proof texts.
 * Limits are enforced here, before any decoding.
 */
export const PREFIX = 'MLEG1:';
export const MAX_LENGTH = 4096;

const AIM = /^\]Q[1-6]/;
const ALPHABET = /^[A-Za-z0-9_.~-]*$/;
const CR = 13;
const LF = 10;

export type SplitPayload =
  | { ok: true; credential: string; proof: string | undefined }
  | { ok: false; reason: string };

/**
 * One terminator (CR, LF or CRLF) and an AIM identifier (]Q1-]Q6) are dropped. Works on
 * indices, not on replaced copies: a `$`-anchored regex scans the whole ~1.3 KB payload,
 * which cost more than everything else here (bench/verify.bench.ts).
 */
export function splitPayload(raw: string): SplitPayload {
  const last = raw.charCodeAt(raw.length - 1);
  const end = raw.endsWith('\r\n') ? raw.length - 2 : last === CR || last === LF ? raw.length - 1 : raw.length;
  const start = AIM.test(raw) ? 3 : 0;
  if (!raw.startsWith(PREFIX, start)) return { ok: false, reason: `payload does not start with ${PREFIX}` };
  const text = raw.slice(start + PREFIX.length, end);
  if (text.length > MAX_LENGTH) return { ok: false, reason: `payload longer than ${MAX_LENGTH} characters` };
  if (!ALPHABET.test(text)) return { ok: false, reason: 'payload has a character outside A-Z a-z 0-9 - _ . ~' };
  const tilde = text.indexOf('~');
  if (tilde < 0) return { ok: true, credential: text, proof: undefined };
  if (text.indexOf('~', tilde + 1) >= 0) return { ok: false, reason: 'payload has more than one "~"' };
  return { ok: true, credential: text.slice(0, tilde), proof: text.slice(tilde + 1) };
}
