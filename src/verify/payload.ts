/**
 * SPEC 1: from the text a scanner or caller hands us to the credential and proof texts.
 * Limits are enforced here, before any decoding.
 */
export const PREFIX = 'MLEG1:';
export const MAX_LENGTH = 4096;

const TERMINATOR = /(?:\r\n|\r|\n)$/;
const AIM = /^\]Q[1-6]/;
const ALPHABET = /^[A-Za-z0-9_.~-]*$/;

export type SplitPayload =
  | { ok: true; credential: string; proof: string | undefined }
  | { ok: false; reason: string };

export function splitPayload(raw: string): SplitPayload {
  let text = raw.replace(TERMINATOR, '').replace(AIM, '');
  if (!text.startsWith(PREFIX)) return { ok: false, reason: `payload does not start with ${PREFIX}` };
  text = text.slice(PREFIX.length);
  if (text.length > MAX_LENGTH) return { ok: false, reason: `payload longer than ${MAX_LENGTH} characters` };
  if (!ALPHABET.test(text)) return { ok: false, reason: 'payload has a character outside A-Z a-z 0-9 - _ . ~' };
  const tilde = text.indexOf('~');
  if (tilde < 0) return { ok: true, credential: text, proof: undefined };
  if (text.indexOf('~', tilde + 1) >= 0) return { ok: false, reason: 'payload has more than one "~"' };
  return { ok: true, credential: text.slice(0, tilde), proof: text.slice(tilde + 1) };
}
