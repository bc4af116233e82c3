/**
 * c_nonce values (OpenID4VCI 1.0 §7) made without a database write: 16 random bytes and
 * the time they were made, signed (HMAC, truncated to 128 bits) with a key of the service's
 * own. Anyone may ask for nonces; only one used in a key proof is written down (hashed, in
 * the store, which refuses it a second time). A nonce is good for NONCE_MAX_AGE_MS.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const NONCE_MAX_AGE_MS = 300_000;
const RANDOM = 16;
const TIME = 8;
const TAG = 16;

export function newNonce(key: Buffer, now: number): string {
  const body = Buffer.alloc(RANDOM + TIME);
  randomBytes(RANDOM).copy(body);
  body.writeBigUInt64BE(BigInt(now), RANDOM);
  return Buffer.concat([body, tag(key, body)]).toString('base64url');
}

export type NonceCheck = { ok: true } | { ok: false; reason: string };

/** Whether `nonce` is one of ours and at most NONCE_MAX_AGE_MS old (being unused is the store's to say). */
export function checkNonce(key: Buffer, nonce: string, now: number): NonceCheck {
  const bytes = /^[A-Za-z0-9_-]+$/.test(nonce) ? Buffer.from(nonce, 'base64url') : Buffer.alloc(0);
  if (bytes.length !== RANDOM + TIME + TAG) return { ok: false, reason: 'the nonce is not one this issuer made' };
  const body = bytes.subarray(0, RANDOM + TIME);
  if (!timingSafeEqual(bytes.subarray(RANDOM + TIME), tag(key, body))) return { ok: false, reason: 'the nonce is not one this issuer made' };
  const age = now - Number(body.readBigUInt64BE(RANDOM));
  if (age > NONCE_MAX_AGE_MS) return { ok: false, reason: `the nonce is older than ${NONCE_MAX_AGE_MS / 1000} s; get a new one` };
  if (age < -5_000) return { ok: false, reason: 'the nonce is not one this issuer made' };
  return { ok: true };
}

function tag(key: Buffer, body: Buffer): Buffer {
  return createHmac('sha256', key).update('c_nonce').update(body).digest().subarray(0, TAG);
}
