/**
 * An issuer's working folder, as `mleg issuer …` keeps it:
 *   issuer-key.json   the private signing key with its kid and iss (mode 0600)
 *   trust-list.json   the public entry verifiers put in their trust list
 *   status.json       the status list registry: uri, bits, size, next free index, statuses set
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JWK } from 'jose';
import type { JwsAlg } from '../jws/signature.js';
import { isStatusBits, type StatusBits } from '../status/status-bits.js';
import { MlegError } from '../errors.js';
import { issueCompactCredential } from './compact-credential.js';
import { issueCredential } from './credential.js';
import { generateKeyPairJwk, issuerKeyFromJwk, publicPart, trustListEntry, type IssuerKey } from './keys.js';
import type { IssueRecord } from './records.js';
import { signStatusList } from './status-list.js';

export interface StatusRegistry {
  uri: string;
  bits: StatusBits;
  size: number;
  next: number;
  /** Index → status value; absent means 0 (valid). */
  statuses: Record<string, number>;
}

const KEY_FILE = 'issuer-key.json';
const TRUST_FILE = 'trust-list.json';
const STATUS_FILE = 'status.json';

export interface KeygenOptions {
  iss: string;
  kid: string;
  alg: JwsAlg;
  name?: string;
  statusUri: string;
  statusBits: StatusBits;
  statusSize: number;
}

export function createIssuerDir(dir: string, o: KeygenOptions): { trustList: string; keyFile: string } {
  mkdirSync(dir, { recursive: true });
  const keyFile = join(dir, KEY_FILE);
  if (existsSync(keyFile)) throw new Error(`${keyFile} exists; refusing to overwrite an issuer key`);
  const { privateJwk } = generateKeyPairJwk(o.alg);
  const stored = { ...privateJwk, kid: o.kid, alg: o.alg, iss: o.iss, ...(o.name !== undefined ? { name: o.name } : {}) };
  writeFileSync(keyFile, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  const trustList = join(dir, TRUST_FILE);
  writeJson(trustList, { keys: [trustListEntry(issuerKeyFromJwk(stored))] });
  writeRegistry(dir, { uri: o.statusUri, bits: o.statusBits, size: o.statusSize, next: 0, statuses: {} });
  return { trustList, keyFile };
}

export function loadIssuerKey(dir: string): IssuerKey {
  return issuerKeyFromJwk(readJson(join(dir, KEY_FILE)) as JWK);
}

export function readRegistry(dir: string): StatusRegistry {
  const r = readJson(join(dir, STATUS_FILE)) as StatusRegistry;
  if (typeof r.uri !== 'string' || !isStatusBits(r.bits) || !Number.isSafeInteger(r.size) || !Number.isSafeInteger(r.next)) {
    throw new Error(`${join(dir, STATUS_FILE)} is not a status registry`);
  }
  return r;
}

export function writeRegistry(dir: string, registry: StatusRegistry): void {
  writeJson(join(dir, STATUS_FILE), registry);
}

/** Which forms of each credential to issue: MLEG1 (a JWS, SPEC 2), MLEG2 (COSE_Sign1 bytes, SPEC 11), or both under one id. */
export type IssueFormat = 'mleg1' | 'mleg2' | 'both';

export interface Issued {
  jti: string;
  idx: number;
  /** The MLEG1 credential (compact JWS), unless only MLEG2 was asked for. */
  credential?: string;
  /** The MLEG2 credential (COSE_Sign1 bytes), when asked for. */
  compact?: Buffer;
}

/**
 * Issues one credential per record, taking status indexes from the registry unless a
 * record names one. Both forms of one credential share its id, index and claims: a
 * random 12-byte id (the base64url of an MLEG2 cti), 8 bytes for MLEG2 alone.
 */
export function issueRecords(dir: string, records: IssueRecord[], defaultDevice: JWK | undefined, now = Math.floor(Date.now() / 1000), format: IssueFormat = 'mleg1'): Issued[] {
  const issuer = loadIssuerKey(dir);
  const registry = readRegistry(dir);
  const issued = records.map((r, i) => {
    const device = r.device ?? defaultDevice;
    if (device === undefined) throw new Error(`record ${i + 1} has no device key (give --device or a "device" column)`);
    const idx = r.idx ?? registry.next++;
    if (idx >= registry.size) throw new Error(`status index ${idx} is past the list size ${registry.size}; raise "size" in status.json`);
    const jti = r.jti ?? randomBytes(format === 'mleg2' ? 8 : 12).toString('base64url');
    const options = { issuer, student: r.student, device: publicPart(device), status: { uri: registry.uri, idx }, exp: r.exp, iat: now, jti };
    const one: Issued = { jti, idx };
    if (format !== 'mleg2') one.credential = issueCredential(options);
    if (format !== 'mleg1') {
      try {
        one.compact = issueCompactCredential(options);
      } catch (err) {
        throw err instanceof MlegError ? new MlegError(err.code, `record ${i + 1}: ${err.message}`) : err;
      }
    }
    return one;
  });
  registry.next = Math.max(registry.next, ...issued.map((c) => c.idx + 1));
  writeRegistry(dir, registry);
  return issued;
}

export const STATUS_CHANGES = { revoke: 1, suspend: 2, reinstate: 0 } as const;

export function setStatuses(dir: string, indexes: number[], change: keyof typeof STATUS_CHANGES): StatusRegistry {
  const registry = readRegistry(dir);
  for (const idx of indexes) {
    if (!Number.isSafeInteger(idx) || idx < 0 || idx >= registry.size) throw new Error(`index ${idx} is not in the list (0-${registry.size - 1})`);
    const value = STATUS_CHANGES[change];
    if (value === 0) delete registry.statuses[String(idx)];
    else registry.statuses[String(idx)] = value;
  }
  writeRegistry(dir, registry);
  return registry;
}

export function publishStatusList(dir: string, o: { ttl?: number; validForSeconds?: number; now?: number } = {}): string {
  const registry = readRegistry(dir);
  const statuses = new Uint8Array(registry.size);
  for (const [idx, value] of Object.entries(registry.statuses)) statuses[Number(idx)] = value;
  const iat = o.now ?? Math.floor(Date.now() / 1000);
  return signStatusList(loadIssuerKey(dir), {
    uri: registry.uri,
    bits: registry.bits,
    statuses,
    iat,
    ...(o.validForSeconds !== undefined ? { exp: iat + o.validForSeconds } : {}),
    ...(o.ttl !== undefined ? { ttl: o.ttl } : {}),
  });
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

function writeJson(file: string, value: unknown): void {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}
