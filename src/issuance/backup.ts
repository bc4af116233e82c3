/**
 * A consistent copy of the issuing database while the service runs (SQLite's online backup
 * API, through better-sqlite3): the copy is made mode 0600 and never over an existing file.
 */
import { closeSync, openSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { MlegError } from '../errors.js';

export async function backupDatabase(file: string, dest: string): Promise<{ pages: number }> {
  try {
    closeSync(openSync(dest, 'wx', 0o600));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new MlegError('FILE_EXISTS', `${dest} exists; a backup is never written over another file`);
    throw new MlegError('DATABASE_INVALID', `cannot create ${dest} (${code})`, { cause: err });
  }
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    rmSync(dest, { force: true });
    throw new MlegError('DATABASE_INVALID', `cannot open the database ${file} (${(err as Error).message})`, { cause: err });
  }
  try {
    const { totalPages } = await db.backup(dest);
    return { pages: totalPages };
  } catch (err) {
    rmSync(dest, { force: true });
    throw new MlegError('DATABASE_INVALID', `the backup of ${file} failed (${(err as Error).message})`, { cause: err });
  } finally {
    db.close();
  }
}
