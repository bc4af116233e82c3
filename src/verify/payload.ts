/**
 * SPEC 1 and 11: from the text a scanner or caller hands us to the parts of one of the two
 * formats, `MLEG1:<credential>~<proof>` (JWS) and `MLEG2:<base45>` (COSE). Each format's
 * alphabet and length limit are enforced here, before any decoding.
 */
export const PREFIX = 'MLEG1:';
export const MAX_LENGTH = 4096;
export const COMPACT_PREFIX = 'MLEG2:';
export const MAX_COMPACT_LENGTH = 3000;

export type PresentationFormat = 'MLEG1' | 'MLEG2';

const AIM = /^\]Q[1-6]/;
const ALPHABET = /^[A-Za-z0-9_.~-]*$/;
/** RFC 9285's 45 characters (those of a QR code's alphanumeric mode); the space is one of them. */
const BASE45 = /^[0-9A-Z $%*+./:-]*$/;
const CR = 13;
const LF = 10;

export type SplitPayload =
  | { ok: true; format: 'MLEG1'; credential: string; proof: string | undefined }
  | { ok: true; format: 'MLEG2'; text: string }
  | { ok: false; reason: string };

/**
 * One terminator (CR, LF or CRLF) and an AIM identifier (]Q1-]Q6) are dropped, nothing
 * else: a space at either end is data (base45 has one). Works on indices, not on replaced
 * copies: a `$`-anchored regex scans the whole payload, which cost more than everything
 * else here (bench/results/findings.md).
 */
export function splitPayload(raw: string): SplitPayload {
  const last = raw.charCodeAt(raw.length - 1);
  const end = raw.endsWith('\r\n') ? raw.length - 2 : last === CR || last === LF ? raw.length - 1 : raw.length;
  const start = AIM.test(raw) ? 3 : 0;
  if (raw.startsWith(PREFIX, start)) {
    const text = raw.slice(start + PREFIX.length, end);
    if (text.length > MAX_LENGTH) return { ok: false, reason: `payload longer than ${MAX_LENGTH} characters` };
    if (!ALPHABET.test(text)) return { ok: false, reason: 'payload has a character outside A-Z a-z 0-9 - _ . ~' };
    const tilde = text.indexOf('~');
    if (tilde < 0) return { ok: true, format: 'MLEG1', credential: text, proof: undefined };
    if (text.indexOf('~', tilde + 1) >= 0) return { ok: false, reason: 'payload has more than one "~"' };
    return { ok: true, format: 'MLEG1', credential: text.slice(0, tilde), proof: text.slice(tilde + 1) };
  }
  if (raw.startsWith(COMPACT_PREFIX, start)) {
    const text = raw.slice(start + COMPACT_PREFIX.length, end);
    if (text.length > MAX_COMPACT_LENGTH) return { ok: false, reason: `MLEG2 payload longer than ${MAX_COMPACT_LENGTH} characters` };
    if (!BASE45.test(text)) return { ok: false, reason: 'MLEG2 payload has a character outside base45 (0-9 A-Z space $ % * + - . / :)' };
    return { ok: true, format: 'MLEG2', text };
  }
  return { ok: false, reason: `payload does not start with ${PREFIX} or ${COMPACT_PREFIX}` };
}
