/**
 * The service's own secret: 32 random bytes in `issuance-secret` in the issuer folder
 * (mode 0600), made on first start. Keys for separate uses are derived from it (HKDF), so
 * that no two uses share a key: the activation codes' HMAC and the c_nonce signatures.
 * Losing the file makes the open offers' activation codes unverifiable (the school makes
 * new offers); it is backed up with the database.
 */
import { chmodSync, closeSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { hkdfSync, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { MlegError } from '../errors.js';
import type { Logger } from '../logger.js';

export const SECRET_FILE = 'issuance-secret';
const SECRET_BYTES = 32;

export interface IssuanceKeys {
  txCode: Buffer;
  nonce: Buffer;
}

export function loadIssuanceKeys(issuerDir: string, log: Logger): IssuanceKeys {
  const secret = readOrCreateSecret(join(issuerDir, SECRET_FILE), log);
  const derive = (use: string) => Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `mleg issuance ${use}`, 32));
  return { txCode: derive('tx_code'), nonce: derive('c_nonce') };
}

function readOrCreateSecret(file: string, log: Logger): Buffer {
  try {
    const fd = openSync(file, 'wx', 0o600);
    try {
      writeSync(fd, randomBytes(SECRET_BYTES));
    } finally {
      closeSync(fd);
    }
    log.info({ file }, 'issuance secret created');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new MlegError('ISSUER_DIR_INVALID', `cannot create ${file} (${(err as NodeJS.ErrnoException).code})`, { cause: err });
  }
  let secret: Buffer;
  try {
    const mode = statSync(file).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      chmodSync(file, 0o600);
      log.warn({ file, was: mode.toString(8) }, 'issuance secret was readable by others: now mode 0600');
    }
    secret = readFileSync(file);
  } catch (err) {
    throw new MlegError('ISSUER_DIR_INVALID', `cannot read ${file} (${(err as NodeJS.ErrnoException).code})`, { cause: err });
  }
  if (secret.length !== SECRET_BYTES) throw new MlegError('ISSUER_DIR_INVALID', `${file} must hold exactly ${SECRET_BYTES} bytes (it holds ${secret.length}); restore it from the backup`);
  return secret;
}
