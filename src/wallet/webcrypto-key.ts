/**
 * The phone's device key as the web wallet holds it: a WebCrypto ECDSA P-256 key pair made
 * non-extractable, so the private key can sign but can never be read out — not by the page,
 * not by a backup — and stays in the one browser that made it (kept in IndexedDB, whose
 * structured clone keeps it non-extractable). That is what "bound to one device" means here.
 * No Node API beyond WebCrypto, which Node 20 has too (the tests drive the flow with it).
 */
import type { JWK } from 'jose';
import { MlegError } from '../errors.js';
import type { ProofSigner } from './oid4vci-client.js';

/** WebCrypto's CryptoKey, named through `crypto.subtle` so that Node's types and the DOM's both give it. */
export type WebCryptoKey = Parameters<(typeof globalThis)['crypto']['subtle']['sign']>[1];

export interface DeviceKey {
  /** Non-extractable: `crypto.subtle.exportKey` refuses it. */
  privateKey: WebCryptoKey;
  /** The public half as a bare JWK (`kty`, `crv`, `x`, `y`): what goes into key proofs and `cnf.jwk`. */
  publicJwk: JWK;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;

export async function newDeviceKey(): Promise<DeviceKey> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) throw new MlegError('WALLET_UNSUPPORTED', 'this browser has no WebCrypto here (it needs a secure context: https, or http://localhost)');
  let pair: { publicKey: WebCryptoKey; privateKey: WebCryptoKey };
  try {
    pair = (await subtle.generateKey(ALGORITHM, false, ['sign', 'verify'])) as typeof pair;
  } catch (err) {
    throw new MlegError('WALLET_UNSUPPORTED', `this browser cannot make an ECDSA P-256 key (${(err as Error).name})`, { cause: err });
  }
  // A public key is always extractable, whatever the flag said.
  const { kty, crv, x, y } = await subtle.exportKey('jwk', pair.publicKey);
  return { privateKey: pair.privateKey, publicJwk: { kty: kty!, crv: crv!, x: x!, y: y! } };
}

/** Signs JWS inputs with the device key: ES256, whose WebCrypto signature already is r‖s (IEEE P1363), as JWS and COSE want it. */
export function deviceSigner(key: DeviceKey): ProofSigner {
  return {
    alg: 'ES256',
    publicJwk: key.publicJwk,
    sign: async (input) => new Uint8Array(await crypto.subtle.sign(SIGNING, key.privateKey, (typeof input === 'string' ? new TextEncoder().encode(input) : input) as Uint8Array<ArrayBuffer>)),
  };
}
