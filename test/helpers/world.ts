/**
 * A verification world for tests: an issuer, a device, a trust list, status lists
 * served from files through the real StatusLists, the real caches and replay memory,
 * and a fixed clock. Presentations are made with the product's own issuer modules.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/logger.js';
import { auditedSink } from './log-audit.js';
import { issueCredential, type CredentialOptions, type StudentRecord } from '../../src/issuer/credential.js';
import { generateKeyPairJwk, issuerKeyFromJwk, signingKeyFromJwk, trustListEntry, type IssuerKey, type SigningKey } from '../../src/issuer/keys.js';
import { makePresentation, makeProof, type ProofOptions } from '../../src/issuer/presentation.js';
import { signStatusList, type StatusListOptions } from '../../src/issuer/status-list.js';
import type { JwsAlg } from '../../src/jws/signature.js';
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

export interface WorldOptions {
  issuerAlg?: JwsAlg;
  deviceAlg?: JwsAlg;
  policy?: Partial<VerifyPolicy>;
  /** Extra trusted issuers (e.g. to sign lists as another issuer). */
  others?: IssuerKey[];
  /** URI → status list token, made from the new world's keys; default: the world's list at STATUS_URI. */
  lists?: (w: World) => Record<string, string>;
}

export class World {
  readonly issuer: IssuerKey;
  readonly device: SigningKey;
  readonly trust: TrustList;
  readonly deps: VerifyDeps;
  readonly status: StatusLists;
  readonly #dir: string;

  constructor(o: WorldOptions = {}) {
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

  credential(o: Partial<CredentialOptions> = {}): string {
    return issueCredential({
      issuer: this.issuer,
      student: STUDENT,
      device: this.device.publicJwk,
      status: { uri: STATUS_URI, idx: IDX.valid },
      iat: NOW_S - 30 * DAY,
      exp: NOW_S + 300 * DAY,
      jti: 'cred-0001',
      ...o,
    });
  }

  proof(credential: string, o: ProofOptions = {}, device: SigningKey = this.device): string {
    return makeProof(credential, device, { iat: NOW_S - 2, ...o });
  }

  present(credential = this.credential(), o: ProofOptions = {}, device: SigningKey = this.device): string {
    return makePresentation(credential, device, { iat: NOW_S - 2, ...o });
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
export function forge(header: Record<string, unknown>, payload: Record<string, unknown>, signature = Buffer.alloc(0)): string {
  const seg = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${seg(header)}.${seg(payload)}.${signature.toString('base64url')}`;
}

export function decodePart(jws: string, part: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(jws.split('.')[part]!, 'base64url').toString('utf8'));
}
