/**
 * An issuer's working folder, as `mleg issuer …` keeps it:
 *   issuer-key.json   the private signing key with its kid and iss (mode 0600)
 *   trust-list.json   the public entry verifiers put in their trust list
 *   status.json       the status list registry: uri, bits, size, next free index, statuses set
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JWK } from 'jose';
import { MlegError } from '../errors.js';
import type { JwsAlg } from '../jws/signature.js';
import { isStatusBits, type StatusBits } from '../status/status-bits.js';
import { issueCompactCredential } from './compact-credential.js';
import { issueCredential } from './credential.js';
import { generateKeyPairJwk, issuerKeyFromJwk, publicPart, trustListEntry, writePrivateKeyFile, type IssuerKey } from './keys.js';
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
  const { privateJwk } = generateKeyPairJwk(o.alg);
  const stored = { ...privateJwk, kid: o.kid, alg: o.alg, iss: o.iss, ...(o.name !== undefined ? { name: o.name } : {}) };
  // Every credential of the issuer hangs on this key: never replaced, not even with a flag.
  writePrivateKeyFile(keyFile, stored, { what: 'an issuer key', hint: 'make a new issuer in another --dir' });
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
    throw new MlegError('ISSUER_DIR_INVALID', `${join(dir, STATUS_FILE)} is not a status registry`);
  }
  return r;
}

/** Writes the registry, refusing one that could not be published (checked here, so none is ever kept). */
export function writeRegistry(dir: string, registry: StatusRegistry): void {
  checkPublishable(registry, join(dir, STATUS_FILE));
  writeJson(join(dir, STATUS_FILE), registry);
}

/** The largest status value a list of `bits` bits holds. */
const maxStatus = (bits: StatusBits): number => (1 << bits) - 1;

/** Throws, naming the entry, when a status of the registry is outside its list or does not fit its bits. */
function checkPublishable(registry: StatusRegistry, file: string): void {
  for (const [key, value] of Object.entries(registry.statuses)) {
    const idx = Number(key);
    if (!Number.isSafeInteger(idx) || idx < 0 || idx >= registry.size) {
      throw new MlegError('STATUS_INDEX_INVALID', `${file}: status index ${key} is not in the list (0-${registry.size - 1})`);
    }
    if (!Number.isSafeInteger(value) || value < 0 || value > maxStatus(registry.bits)) {
      throw new MlegError('STATUS_VALUE_UNFIT', `${file}: index ${key} holds status ${value}, which a ${registry.bits}-bit list cannot hold (0-${maxStatus(registry.bits)}); revoke or reinstate it first`);
    }
  }
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
    if (device === undefined) throw new MlegError('RECORDS_INVALID', `record ${i + 1} has no device key (give --device or a "device" column)`);
    const idx = r.idx ?? registry.next++;
    if (idx >= registry.size) throw new MlegError('STATUS_INDEX_INVALID', `status index ${idx} is past the list size ${registry.size}; raise "size" in status.json`);
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

/**
 * Sets the status of issued indexes. Refused as a whole, before anything changes: an
 * index outside the list or not issued yet, or a suspension on a 1-bit list (which holds
 * only valid and revoked).
 */
export function setStatuses(dir: string, indexes: number[], change: keyof typeof STATUS_CHANGES): StatusRegistry {
  const registry = readRegistry(dir);
  const value = STATUS_CHANGES[change];
  if (value > maxStatus(registry.bits)) {
    throw new MlegError(
      'STATUS_VALUE_UNFIT',
      `cannot ${change}: the status list of ${dir} has ${registry.bits} bit${registry.bits === 1 ? '' : 's'} an entry, which holds only valid and revoked; revoke instead, or issue from a list of 2 or more bits (mleg issuer keygen --status-bits 2)`,
    );
  }
  for (const idx of indexes) {
    if (!Number.isSafeInteger(idx) || idx < 0 || idx >= registry.size) throw new MlegError('STATUS_INDEX_INVALID', `index ${idx} is not in the list (0-${registry.size - 1})`);
    if (idx >= registry.next) throw new MlegError('STATUS_INDEX_INVALID', `index ${idx} has not been issued (next is ${registry.next})`);
  }
  for (const idx of indexes) {
    if (value === 0) delete registry.statuses[String(idx)];
    else registry.statuses[String(idx)] = value;
  }
  writeRegistry(dir, registry);
  return registry;
}

export function publishStatusList(dir: string, o: { ttl?: number; validForSeconds?: number; now?: number } = {}): string {
  const registry = readRegistry(dir);
  checkPublishable(registry, join(dir, STATUS_FILE)); // one written before this check existed
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
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new MlegError('ISSUER_DIR_INVALID', `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'}); is --dir an issuer folder made by "mleg issuer keygen"?`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new MlegError('ISSUER_DIR_INVALID', `${file}: not valid JSON (${(err as Error).message})`);
  }
}

function writeJson(file: string, value: unknown): void {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}
