/**
 * SPEC 11: the text after `MLEG2:` → the credential's and the proof's COSE_Sign1. Base45,
 * then one CBOR array of one or two COSE_Sign1 and nothing after it; the parts' headers
 * and payloads are decoded by the checks that need them (compact-credential.ts,
 * compact-proof.ts), the credential's only when it is not cached.
 */
import { base45ByteAt, decodeBase45 } from '../cose/base45.js';
import { CborError, CborReader } from '../cose/cbor.js';
import { readCoseSign1, type CoseSign1 } from '../cose/cose-sign1.js';
import type { Parsed } from '../jws/compact.js';

export interface CompactPresentation {
  credential: CoseSign1;
  proof: CoseSign1 | undefined;
}

export function readCompactPresentation(text: string): Parsed<CompactPresentation> {
  const bytes = decodeBase45(text);
  if (bytes === undefined) return { ok: false, reason: 'payload is not base45 (RFC 9285)' };
  const reader = new CborReader(bytes);
  let part = 'payload';
  try {
    reader.head();
    if (reader.major !== 4 || (reader.argument !== 1 && reader.argument !== 2)) {
      return { ok: false, reason: 'payload is not a CBOR array [credential, proof] or [credential]' };
    }
    const count = reader.argument;
    part = 'credential';
    const credential = readCoseSign1(reader);
    part = 'proof';
    const proof = count === 2 ? readCoseSign1(reader) : undefined;
    if (!reader.atEnd) return { ok: false, reason: `payload has ${reader.end - reader.pos} bytes after the array` };
    return { ok: true, value: { credential, proof } };
  } catch (err) {
    if (err instanceof CborError) return { ok: false, reason: `${part}: ${err.message}` };
    throw err;
  }
}

/** Where the credential lies in a presentation's bytes, read from the base45 text (see credentialLayout). */
export interface CredentialLayout {
  /** Elements in the array: 2 with a proof, 1 without. */
  count: 1 | 2;
  /** Where the credential ends (it starts at byte 1, after the array head). */
  end: number;
  /** Where its 64-byte signature starts. */
  signature: number;
}

/**
 * The layout of `[credential, proof]` read from its base45 text by decoding only the few
 * groups that hold the heads (the array's, the COSE_Sign1's, its byte strings'), so that
 * the credential cache can know a returning credential by its text and skip decoding it.
 * Lenient: it only finds where to look, the cache then confirms the text against a
 * credential read strictly before. Undefined for any other layout (such a payload is
 * decoded whole, and judged).
 */
export function credentialLayout(text: string): CredentialLayout | undefined {
  const count = base45ByteAt(text, 0);
  if (count !== 0x82 && count !== 0x81) return undefined;
  let at = 1;
  if (base45ByteAt(text, at) === 0xc0 + 18) at++;
  if (base45ByteAt(text, at++) !== 0x84) return undefined;
  const skipByteString = (): number => {
    const head = base45ByteAt(text, at++);
    if (head >> 5 !== 2) return -1;
    let n = head & 0x1f;
    if (n === 24) n = base45ByteAt(text, at++);
    else if (n === 25) {
      const [high, low] = [base45ByteAt(text, at), base45ByteAt(text, at + 1)];
      n = high < 0 || low < 0 ? -1 : (high << 8) | low;
      at += 2;
    } else if (n > 24) return -1;
    if (n < 0) return -1;
    at += n;
    return n;
  };
  if (skipByteString() < 0) return undefined;
  if (base45ByteAt(text, at++) !== 0xa0) return undefined;
  if (skipByteString() < 0) return undefined;
  if (skipByteString() !== 64) return undefined;
  return { count: count === 0x82 ? 2 : 1, end: at, signature: at - 64 };
}

/** The rest of a presentation whose credential (known to the cache) ends at byte `end`: the proof, if the array has one, and nothing after it. */
export function readProofAfter(text: string, layout: CredentialLayout): Parsed<CoseSign1 | undefined> {
  const group = layout.end >> 1;
  const rest = decodeBase45(text.slice(3 * group));
  if (rest === undefined) return { ok: false, reason: 'payload is not base45 (RFC 9285)' };
  const reader = new CborReader(rest, layout.end - 2 * group);
  try {
    const proof = layout.count === 2 ? readCoseSign1(reader) : undefined;
    if (!reader.atEnd) return { ok: false, reason: `payload has ${reader.end - reader.pos} bytes after the array` };
    return { ok: true, value: proof };
  } catch (err) {
    if (err instanceof CborError) return { ok: false, reason: `proof: ${err.message}` };
    throw err;
  }
}
