/** Publishing a Token Status List (SPEC 5): statuses → signed statuslist+jwt. */
import { deflateSync } from 'node:zlib';
import { packStatuses, type StatusBits } from '../status/status-bits.js';
import { STATUS_LIST_TYP } from '../status/status-list-token.js';
import type { IssuerKey } from './keys.js';
import { signJwt } from './jwt.js';

export interface StatusListOptions {
  uri: string;
  bits: StatusBits;
  statuses: ArrayLike<number>;
  /** Seconds since the epoch (default: now). */
  iat?: number;
  exp?: number;
  ttl?: number;
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
}

export function encodeStatusList(statuses: ArrayLike<number>, bits: StatusBits): string {
  return deflateSync(packStatuses(statuses, bits), { level: 9 }).toString('base64url');
}

export function signStatusList(issuer: IssuerKey, o: StatusListOptions): string {
  const header = { alg: issuer.alg, typ: STATUS_LIST_TYP, kid: issuer.kid, ...o.header };
  const claims = {
    sub: o.uri,
    iat: o.iat ?? Math.floor(Date.now() / 1000),
    ...(o.exp !== undefined ? { exp: o.exp } : {}),
    ...(o.ttl !== undefined ? { ttl: o.ttl } : {}),
    status_list: { bits: o.bits, lst: encodeStatusList(o.statuses, o.bits) },
    ...o.claims,
  };
  return signJwt(header, claims, issuer.key);
}
