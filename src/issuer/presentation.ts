/** What the phone does every few seconds (SPEC 1 and 3): credential + fresh device proof → QR text. */
import { randomBytes } from 'node:crypto';
import { PREFIX } from '../verify/payload.js';
import { credentialHash } from '../verify/credential.js';
import { PROOF_TYP } from '../verify/proof.js';
import type { SigningKey } from './keys.js';
import { signJwt } from './jwt.js';

export interface ProofOptions {
  /** Presentation time, seconds since the epoch (default: now). */
  iat?: number;
  jti?: string;
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
}

export function makeProof(credential: string, device: SigningKey, o: ProofOptions = {}): string {
  const header = { alg: device.alg, typ: PROOF_TYP, ...o.header };
  const claims = {
    iat: o.iat ?? Math.floor(Date.now() / 1000),
    jti: o.jti ?? randomBytes(16).toString('base64url'),
    cred: credentialHash(credential),
    ...o.claims,
  };
  return signJwt(header, claims, device.key);
}

export function makePresentation(credential: string, device: SigningKey, o: ProofOptions = {}): string {
  return `${PREFIX}${credential}~${makeProof(credential, device, o)}`;
}
