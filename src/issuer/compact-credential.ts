/**
 * Issuing the MLEG2 form of a credential (SPEC 11): the same inputs as issueCredential
 * (credential.ts), out the COSE_Sign1 bytes. As small as the format allows: the device
 * key's point compressed, no `nbf` unless asked, no tag, labels for every registered
 * claim. Files and the issuing service carry the bytes as base64url (`<jti>.cose`).
 */
import { randomBytes } from 'node:crypto';
import type { JWK } from 'jose';
import { CborReader, decodeCborMap, encodeCbor, type CborInput, type CborKey } from '../cose/cbor.js';
import { COSE_ALG, coseKeyFromJwk, jwkFromCoseKey } from '../cose/cose-key.js';
import { readCoseSign1, signCoseSign1 } from '../cose/cose-sign1.js';
import { CLAIM, CNF_COSE_KEY, HEADER } from '../cose/cwt.js';
import { MlegError } from '../errors.js';
import type { CredentialOptions } from './credential.js';

/** Hooks for tests of broken credentials: labels replaced, or (with undefined) removed. */
export interface CompactCredentialOptions extends Omit<CredentialOptions, 'header' | 'claims'> {
  header?: Map<CborKey, CborInput | undefined>;
  claims?: Map<CborKey, CborInput | undefined>;
  unprotected?: Map<CborKey, CborInput>;
  /** Wrap in tag 18. */
  tag?: boolean;
  /** Carry the device key's y as 32 bytes instead of its sign bit. */
  uncompressed?: boolean;
}

/** The credential format the issuing service names for `<id>_compact` (SPEC 11). */
export const COMPACT_CREDENTIAL_FORMAT = 'mleg+cose';

/** Bytes of a default credential id: 64 random bits, unique enough per issuer, 11 characters as a jti. */
const CTI_BYTES = 8;

export function issueCompactCredential(o: CompactCredentialOptions): Buffer {
  const header = merge(
    new Map<CborKey, CborInput>([
      [HEADER.alg, COSE_ALG[o.issuer.alg]],
      [HEADER.kid, Buffer.from(o.issuer.kid, 'utf8')],
    ]),
    o.header,
  );
  const claims = merge(
    new Map<CborKey, CborInput>([
      [CLAIM.iss, o.issuer.iss],
      [CLAIM.cti, o.jti === undefined ? randomBytes(CTI_BYTES) : ctiOf(o.jti, 1, 32)],
      [CLAIM.iat, o.iat ?? Math.floor(Date.now() / 1000)],
      ...(o.nbf !== undefined ? [[CLAIM.nbf, o.nbf] as const] : []),
      [CLAIM.exp, o.exp],
      [CLAIM.cnf, new Map([[CNF_COSE_KEY, coseKeyFromJwk(o.device, o.uncompressed !== true)]])],
      [CLAIM.status, { status_list: { idx: o.status.idx, uri: o.status.uri } }],
      ['doc', o.student.doc],
      ['given_name', o.student.given_name],
      ['family_name', o.student.family_name],
      ['birthdate', o.student.birthdate],
      ['doc_no', o.student.doc_no],
      ['org', { name: o.student.org.name, id: o.student.org.id }],
    ]),
    o.claims,
  );
  return signCoseSign1({
    alg: o.issuer.alg,
    key: o.issuer.key,
    protectedHeader: header,
    ...(o.unprotected !== undefined ? { unprotected: o.unprotected } : {}),
    payload: encodeCbor(claims),
    ...(o.tag !== undefined ? { tag: o.tag } : {}),
  });
}

/** A `jti` as the bytes of a `cti`: it must be the unpadded base64url of `min`-`max` bytes. */
export function ctiOf(jti: string, min: number, max: number): Buffer {
  const cti = Buffer.from(jti, 'base64url');
  if (cti.toString('base64url') !== jti || cti.length < min || cti.length > max) {
    throw new MlegError('RECORDS_INVALID', `jti ${JSON.stringify(jti)} is not the base64url of ${min}-${max} bytes, which an MLEG2 cti must be`);
  }
  return cti;
}

/** The credential id (`jti`: the base64url of its `cti`) and the device's public JWK, read from a compact credential's bytes (signature not checked). */
export function readCompactCredential(bytes: Buffer): { jti: string; device: JWK } {
  const invalid = (reason: string) => new MlegError('KEY_INVALID', `not an MLEG2 credential: ${reason}`);
  let payload: Buffer;
  try {
    payload = readCoseSign1(new CborReader(bytes)).payload;
  } catch (err) {
    throw invalid((err as Error).message);
  }
  const claims = decodeCborMap(payload, 'payload');
  if (!claims.ok) throw invalid(claims.reason);
  const cti = claims.value.get(CLAIM.cti);
  const cnf = claims.value.get(CLAIM.cnf);
  const device = jwkFromCoseKey(cnf instanceof Map ? cnf.get(CNF_COSE_KEY) : undefined);
  if (!(cti instanceof Uint8Array) || !device.ok) throw invalid(device.ok ? 'no cti (7)' : `its cnf key ${device.reason}`);
  return { jti: cti.toString('base64url'), device: device.value };
}

export function merge(base: Map<CborKey, CborInput>, changes: Map<CborKey, CborInput | undefined> | undefined): Map<CborKey, CborInput> {
  for (const [key, value] of changes ?? []) {
    if (value === undefined) base.delete(key);
    else base.set(key, value);
  }
  return base;
}

