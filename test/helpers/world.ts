/**
 * A verification world for tests: an issuer, a device, a trust list, status lists
 * served from files through the real StatusLists, the real caches and replay memory,
 * and a fixed clock. Presentations are made with the product's own issuer modules, in
 * either format: `new World({ format: 'MLEG2' })` makes the same credentials and proofs
 * as CBOR/COSE (a credential or proof is then the base64url of its COSE_Sign1 bytes, as
 * a `.cose` file holds it), so one table of cases runs over both encodings.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/logger.js';
import { auditedSink } from './log-audit.js';
import { CborReader, decodeCborMap, encodeCbor, type CborInput, type CborKey } from '../../src/cose/cbor.js';
import { COSE_ALG } from '../../src/cose/cose-key.js';
import { encodeSign1, readCoseSign1 } from '../../src/cose/cose-sign1.js';
import { CLAIM, HEADER } from '../../src/cose/cwt.js';
import { issueCompactCredential, type CompactCredentialOptions } from '../../src/issuer/compact-credential.js';
import { compactPayload, makeCompactProof, type CompactProofOptions } from '../../src/issuer/compact-presentation.js';
import { issueCredential, type CredentialOptions, type StudentRecord } from '../../src/issuer/credential.js';
import { generateKeyPairJwk, issuerKeyFromJwk, signingKeyFromJwk, trustListEntry, type IssuerKey, type SigningKey } from '../../src/issuer/keys.js';
import { makePresentation, makeProof, type ProofOptions } from '../../src/issuer/presentation.js';
import { signStatusList, type StatusListOptions } from '../../src/issuer/status-list.js';
import { isJwsAlg, type JwsAlg } from '../../src/jws/signature.js';
import type { PresentationFormat } from '../../src/verify/payload.js';
import { MemoryReplayStore } from '../../src/replay/replay-store.js';
import { StatusLists } from '../../src/status/status-lists.js';
import { parseTrustList, type TrustList } from '../../src/trust/trust-list.js';
import { CredentialCache } from '../../src/verify/credential-cache.js';
import type { VerifyResult } from '../../src/verify/result.js';
import { verify, type VerifyDeps, type VerifyPolicy } from '../../src/verify/verify.js';

/** 2026-11-23T10:00:00Z */
export const NOW = Date.UTC(2026, 10, 23, 10, 0, 0);
export const NOW_S = NOW / 1000;
export const DAY = 24 * 3600;

export const STATUS_URI = 'https://status.test/lists/1';
/** The world's credential id: base64url of whole bytes (8 characters, 6 bytes), so that it is the same in both formats (an MLEG2 cti is bytes). */
export const CREDENTIAL_ID = 'cred-001';
/** Index → status in the world's status list. */
export const IDX = { valid: 0, revoked: 1, suspended: 2, other: 3, pastEnd: 100_000 } as const;

export const STUDENT: StudentRecord = {
  given_name: 'Zofia',
  family_name: 'Testowa-Kowalska',
  birthdate: '2009-02-28',
  doc: 'school',
  doc_no: 'TEST/4711/2026',
  org: { name: 'Liceum Testowe nr 7', id: 'RSPO-777' },
};

export function makeIssuer(o: { alg?: JwsAlg; iss?: string; kid?: string } = {}): IssuerKey {
  const { privateJwk } = generateKeyPairJwk(o.alg ?? 'ES256');
  return issuerKeyFromJwk({ ...privateJwk, kid: o.kid ?? 'issuer-1', iss: o.iss ?? 'PL-TEST', alg: o.alg ?? 'ES256' });
}

export function makeDevice(alg: JwsAlg = 'ES256'): SigningKey {
  return signingKeyFromJwk(generateKeyPairJwk(alg).privateJwk);
}

export function trustListOf(...issuers: IssuerKey[]): TrustList {
  return parseTrustList({ keys: issuers.map(trustListEntry) }, 'test trust list');
}

export const DEFAULT_POLICY: VerifyPolicy = {
  requireProof: true,
  proofMaxAgeSeconds: 90,
  proofFutureSkewSeconds: 30,
  clockSkewSeconds: 30,
  onStatusUnavailable: 'reject',
};

export const FORMATS: readonly PresentationFormat[] = ['MLEG1', 'MLEG2'];

export interface WorldOptions {
  /** The presentation format the world's credentials and proofs are made in (default MLEG1). */
  format?: PresentationFormat;
  issuerAlg?: JwsAlg;
  deviceAlg?: JwsAlg;
  policy?: Partial<VerifyPolicy>;
  /** Extra trusted issuers (e.g. to sign lists as another issuer). */
  others?: IssuerKey[];
  /** URI → status list token, made from the new world's keys; default: the world's list at STATUS_URI. */
  lists?: (w: World) => Record<string, string>;
}

export class World {
  readonly format: PresentationFormat;
  readonly issuer: IssuerKey;
  readonly device: SigningKey;
  readonly trust: TrustList;
  readonly deps: VerifyDeps;
  readonly status: StatusLists;
  readonly #dir: string;

  constructor(o: WorldOptions = {}) {
    this.format = o.format ?? 'MLEG1';
    this.issuer = makeIssuer({ alg: o.issuerAlg ?? 'ES256' });
    this.device = makeDevice(o.deviceAlg ?? 'ES256');
    this.trust = trustListOf(this.issuer, ...(o.others ?? []));
    this.#dir = mkdtempSync(join(tmpdir(), 'mleg-world-'));
    const lists = o.lists?.(this) ?? { [STATUS_URI]: this.statusList() };
    const files: Record<string, string> = {};
    Object.entries(lists).forEach(([uri, token], i) => {
      files[uri] = join(this.#dir, `list-${i}.jwt`);
      writeFileSync(files[uri]!, token);
    });
    this.status = new StatusLists({
      trust: () => this.trust,
      allowHttp: false,
      maxAgeSeconds: 2 * DAY,
      clockSkewSeconds: DEFAULT_POLICY.clockSkewSeconds,
      refreshSeconds: 3600,
      timeoutMs: 1000,
      maxBytes: 1024 * 1024,
      maxRedirects: 3,
      files,
      archive: undefined,
      log: createLogger('trace', auditedSink()),
      clock: { now: () => NOW, after: () => ({ cancel: () => {} }) },
    });
    this.status.start();
    this.deps = {
      trust: this.trust,
      credentials: new CredentialCache(),
      status: this.status,
      replay: new MemoryReplayStore(),
      policy: { ...DEFAULT_POLICY, ...o.policy },
    };
  }

  /** A status list signed by the world's issuer (or `by`): index 1 revoked, 2 suspended, 3 value 3. */
  statusList(o: Partial<StatusListOptions> = {}, by: IssuerKey = this.issuer): string {
    const statuses = new Uint8Array(64);
    statuses[IDX.revoked] = 1;
    statuses[IDX.suspended] = 2;
    statuses[IDX.other] = 3;
    return signStatusList(by, { uri: STATUS_URI, bits: 2, statuses, iat: NOW_S - 60, ...o });
  }

  /**
   * A credential (default: VALID). Header and claim changes are named as in SPEC 2 for
   * both formats; in MLEG2 they become the COSE labels (alg → 1, kid → 4, iss → 1,
   * jti → 7 …, other names text labels), see compactChanges().
   */
  credential(o: Partial<CredentialOptions> = {}): string {
    const options: CredentialOptions = { ...this.#credentialDefaults(), ...o };
    if (this.format === 'MLEG1') return issueCredential(options);
    const { header, claims, ...rest } = options;
    const compact: CompactCredentialOptions = rest;
    if (header !== undefined) compact.header = compactChanges(header, HEADER_LABELS);
    if (claims !== undefined) compact.claims = compactChanges(claims, CLAIM_LABELS);
    return issueCompactCredential(compact).toString('base64url');
  }

  /** The MLEG2 form with COSE hooks the SPEC 2 names cannot express (tag, unprotected header, uncompressed key…). */
  compactCredential(o: Partial<CompactCredentialOptions> = {}): string {
    return issueCompactCredential({ ...this.#credentialDefaults(), ...o }).toString('base64url');
  }

  /** A VALID credential's options: the world's issuer, student, device and status list, valid for 300 more days. */
  #credentialDefaults() {
    return { issuer: this.issuer, student: STUDENT, device: this.device.publicJwk, status: { uri: STATUS_URI, idx: IDX.valid }, iat: NOW_S - 30 * DAY, exp: NOW_S + 300 * DAY, jti: CREDENTIAL_ID };
  }

  proof(credential: string, o: ProofOptions = {}, device: SigningKey = this.device): string {
    if (this.format === 'MLEG1') return makeProof(credential, device, { iat: NOW_S - 2, ...o });
    return this.compactProof(credential, compactProofOptions(o), device);
  }

  compactProof(credential: string, o: CompactProofOptions = {}, device: SigningKey = this.device): string {
    return makeCompactProof(Buffer.from(credential, 'base64url'), device, { iat: NOW_S - 2, ...o }).toString('base64url');
  }

  present(credential = this.credential(), o: ProofOptions = {}, device: SigningKey = this.device): string {
    if (this.format === 'MLEG1') return makePresentation(credential, device, { iat: NOW_S - 2, ...o });
    return this.join(credential, this.proof(credential, o, device));
  }

  /** A payload of a credential and a proof as they are. */
  join(credential: string, proof: string): string {
    if (this.format === 'MLEG1') return `MLEG1:${credential}~${proof}`;
    return compactPayload(Buffer.from(credential, 'base64url'), Buffer.from(proof, 'base64url'));
  }

  /** A payload of the credential alone (no proof). */
  bare(credential: string): string {
    return this.format === 'MLEG1' ? `MLEG1:${credential}` : compactPayload(Buffer.from(credential, 'base64url'), null);
  }

  /** The credential or proof with one bit of its signature flipped. */
  tamper(token: string): string {
    if (this.format === 'MLEG1') return tamperSignature(token);
    const signature = Buffer.from(this.signatureOf(token));
    signature[10]! ^= 0x01;
    return this.withSignature(token, signature);
  }

  /** The signature bytes of a credential or proof. */
  signatureOf(token: string): Buffer {
    if (this.format === 'MLEG1') return Buffer.from(token.slice(token.lastIndexOf('.') + 1), 'base64url');
    return readCose(token).signature;
  }

  withSignature(token: string, signature: Buffer): string {
    if (this.format === 'MLEG1') return withSignature(token, signature);
    return encodeSign1({ ...readCose(token).parts(), signature }).toString('base64url');
  }

  /** The credential with claims changed (SPEC 2 names) and its signature kept: a forgery. */
  alter(credential: string, claims: Record<string, unknown>): string {
    if (this.format === 'MLEG1') return forge(decodePart(credential, 0), { ...decodePart(credential, 1), ...claims }, this.signatureOf(credential));
    const sign1 = readCose(credential);
    const payload = decodeCborMap(sign1.payload, 'payload');
    if (!payload.ok) throw new Error(payload.reason);
    const changed = new Map<CborKey, CborInput>(payload.value);
    for (const [k, v] of compactChanges(claims, CLAIM_LABELS)) {
      if (v === undefined) changed.delete(k);
      else changed.set(k, v);
    }
    return encodeSign1({ ...sign1.parts(), payload: encodeCbor(changed) }).toString('base64url');
  }

  /** Verifies at the world's clock; the status lists are cached, so this is synchronous. */
  verify(payload: string, now = NOW): VerifyResult {
    const result = verify(payload, now, this.deps);
    if (result instanceof Promise) throw new Error('expected a synchronous verification');
    return result;
  }

  close(): void {
    this.status.close();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** The four parts of a COSE_Sign1 given as base64url. */
export function readCose(token: string) {
  return readCoseSign1(new CborReader(Buffer.from(token, 'base64url')));
}

const HEADER_LABELS: Record<string, CborKey> = { alg: HEADER.alg, kid: HEADER.kid };
const CLAIM_LABELS: Record<string, CborKey> = { iss: CLAIM.iss, jti: CLAIM.cti, iat: CLAIM.iat, nbf: CLAIM.nbf, exp: CLAIM.exp, cnf: CLAIM.cnf, status: CLAIM.status };

/**
 * SPEC 2 header or claim changes as COSE label changes: `alg` ES256/EdDSA as -7/-8 (any
 * other value as it is), `kid` as UTF-8 bytes, `jti`/`cti` as the bytes of its base64url,
 * other names as text labels (an unknown header member becomes an extra protected label).
 */
export function compactChanges(changes: Record<string, unknown>, labels: Record<string, CborKey>): Map<CborKey, CborInput | undefined> {
  const out = new Map<CborKey, CborInput | undefined>();
  for (const [name, value] of Object.entries(changes)) {
    const label = labels[name] ?? name;
    let v = value as CborInput | undefined;
    if (name === 'alg' && isJwsAlg(value)) v = COSE_ALG[value];
    else if ((name === 'kid' || name === 'jti') && typeof value === 'string') v = Buffer.from(value, name === 'kid' ? 'utf8' : 'base64url');
    out.set(label, v);
  }
  return out;
}

/** An MLEG1 proof's options in MLEG2 terms (`cred` has no counterpart: the binding is the signature's external_aad). */
function compactProofOptions(o: ProofOptions): CompactProofOptions {
  const { header, claims, ...rest } = o;
  const compact: CompactProofOptions = rest;
  if (header !== undefined) compact.header = compactChanges(header, HEADER_LABELS);
  if (claims !== undefined) {
    const { cred: _cred, ...others } = claims;
    compact.claims = compactChanges(others, CLAIM_LABELS);
  }
  return compact;
}

/** Replaces the signature of a compact JWS with other bytes. */
export function withSignature(jws: string, signature: Buffer): string {
  return `${jws.slice(0, jws.lastIndexOf('.'))}.${signature.toString('base64url')}`;
}

/** Flips one bit of a compact JWS's signature. */
export function tamperSignature(jws: string): string {
  const sig = Buffer.from(jws.slice(jws.lastIndexOf('.') + 1), 'base64url');
  sig[10]! ^= 0x01;
  return withSignature(jws, sig);
}

/** A compact JWS with the given header and payload and raw signature bytes (for forged tokens). */
export function forge(header: Record<string, unknown>, payload: Record<string, unknown>, signature: Buffer = Buffer.alloc(0)): string {
  const seg = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${seg(header)}.${seg(payload)}.${signature.toString('base64url')}`;
}

export function decodePart(jws: string, part: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(jws.split('.')[part]!, 'base64url').toString('utf8'));
}
