/** What the phone does every few seconds (SPEC 1 and 3): credential + fresh device proof → QR text, in Node (synchronous; the header and claims of src/wallet/presentation.ts). */
import { randomBytes } from 'node:crypto';
import { PREFIX } from '../verify/payload.js';
import { credentialHash } from '../verify/credential.js';
import type { SigningKey } from './keys.js';
import { signJwt } from './jwt.js';
import { proofClaims, proofHeader } from '../wallet/presentation.js';

export interface ProofOptions {
  /** Presentation time, seconds since the epoch (default: now). */
  iat?: number;
  jti?: string;
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
}

export function makeProof(credential: string, device: SigningKey, o: ProofOptions = {}): string {
  const header = { ...proofHeader(device.alg), ...o.header };
  const claims = {
    ...proofClaims(credentialHash(credential), { iat: o.iat ?? Math.floor(Date.now() / 1000), jti: o.jti ?? randomBytes(16).toString('base64url') }),
    ...o.claims,
  };
  return signJwt(header, claims, device.key);
}

export function makePresentation(credential: string, device: SigningKey, o: ProofOptions = {}): string {
  return `${PREFIX}${credential}~${makeProof(credential, device, o)}`;
}
