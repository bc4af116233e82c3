/**
 * Operators' passwords: scrypt (node:crypto) with a random 16-byte salt per operator,
 * N = 2^15, r = 8, p = 1, a 32-byte hash compared in constant time. The parameters are
 * stored with the hash ("scrypt:N=32768,r=8,p=1,len=32") so that they can be raised: a hash
 * made with weaker ones is remade at the operator's next login (`needsRehash`).
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { MlegError } from '../../errors.js';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
  len: number;
}

export interface PasswordHash {
  hash: Buffer;
  salt: Buffer;
  /** `scrypt:N=…,r=…,p=…,len=…` */
  params: string;
}

export const CURRENT_PARAMS: ScryptParams = { N: 2 ** 15, r: 8, p: 1, len: 32 };
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

export function formatParams(p: ScryptParams): string {
  return `scrypt:N=${p.N},r=${p.r},p=${p.p},len=${p.len}`;
}

export function parseParams(text: string): ScryptParams | undefined {
  const m = /^scrypt:N=(\d+),r=(\d+),p=(\d+),len=(\d+)$/.exec(text);
  if (m === null) return undefined;
  const [N, r, p, len] = m.slice(1).map(Number) as [number, number, number, number];
  // A power of two from 2^10 to 2^22, sizes a hash of this service could have made.
  if (N < 1024 || N > 2 ** 22 || (N & (N - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 16 || len < 16 || len > 64) return undefined;
  return { N, r, p, len };
}

/** What a new password must be; undefined when it is fine. */
export function newPasswordProblem(password: string): string | undefined {
  const length = [...password.normalize('NFC')].length;
  if (length < PASSWORD_MIN) return `the password must have at least ${PASSWORD_MIN} characters (it has ${length})`;
  if (length > PASSWORD_MAX) return `the password must have at most ${PASSWORD_MAX} characters`;
  if (/[\u0000-\u001f\u007f]/.test(password)) return 'the password must not hold control characters';
  return undefined;
}

function derive(password: string, salt: Buffer, p: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    // NFC: "ł" or "ó" typed on two keyboards may reach us composed or decomposed.
    scrypt(password.normalize('NFC'), salt, p.len, { N: p.N, r: p.r, p: p.p, maxmem: 256 * p.N * p.r * p.p + 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string, p: ScryptParams = CURRENT_PARAMS): Promise<PasswordHash> {
  const salt = randomBytes(16);
  return { hash: await derive(password, salt, p), salt, params: formatParams(p) };
}

export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const p = parseParams(stored.params);
  if (p === undefined) throw new MlegError('DATABASE_INVALID', `an operator's password parameters are not understood (${JSON.stringify(stored.params)})`);
  const key = await derive(password, stored.salt, p);
  return key.length === stored.hash.length && timingSafeEqual(key, stored.hash);
}

/** Whether the stored hash was made with weaker parameters than this build uses. */
export function needsRehash(stored: PasswordHash, current: ScryptParams = CURRENT_PARAMS): boolean {
  const p = parseParams(stored.params);
  return p === undefined || p.N < current.N || p.r < current.r || p.p < current.p || p.len < current.len;
}

let dummy: Promise<PasswordHash> | undefined;

/**
 * Spends the time of one verification for a name that is no operator, so that an answer's
 * timing does not tell whether a name exists.
 */
export async function verifyNothing(password: string): Promise<false> {
  dummy ??= hashPassword('an operator that does not exist');
  await verifyPassword(password, await dummy);
  return false;
}
