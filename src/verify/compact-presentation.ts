/**
 * SPEC 11: the text after `MLEG2:` → the credential's and the proof's COSE_Sign1. Base45,
 * then one CBOR array of one or two COSE_Sign1 and nothing after it; the parts' headers
 * and payloads are decoded by the checks that need them (compact-credential.ts,
 * compact-proof.ts), the credential's only when it is not cached.
 */
import { decodeBase45 } from '../cose/base45.js';
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
