/**
 * The last verified list of each URI and signing issuer, kept on disk so a terminal that
 * boots offline still checks revocation. Only tokens that verified are written; every
 * token read back is verified again before use. One file per (URI, issuer): one issuer's
 * list never overwrites another's (SPEC 5).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isPlainObject } from '../jws/compact.js';

export interface ArchivedList {
  uri: string;
  /** The issuer whose key signed it. */
  iss: string;
  jwt: string;
  /** Milliseconds since the epoch. */
  fetchedAt: number;
}

export class StatusArchive {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  async save(entry: ArchivedList): Promise<void> {
    const file = this.#fileFor(`${entry.iss}\n${entry.uri}`);
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(entry), { mode: 0o644 });
    await rename(temp, file);
    // An archive of an earlier version named its files by URI alone.
    await rm(this.#fileFor(entry.uri), { force: true });
  }

  /** Every readable archived list; unreadable files are reported through `onBad`, not thrown. */
  loadAll(onBad: (file: string, why: string) => void): Omit<ArchivedList, 'iss'>[] {
    const lists: Omit<ArchivedList, 'iss'>[] = [];
    for (const name of readdirSync(this.dir)) {
      if (!name.endsWith('.json')) continue;
      const file = join(this.dir, name);
      try {
        const doc: unknown = JSON.parse(readFileSync(file, 'utf8'));
        if (!isPlainObject(doc) || typeof doc.uri !== 'string' || typeof doc.jwt !== 'string' || typeof doc.fetchedAt !== 'number') {
          onBad(file, 'not an archived status list');
          continue;
        }
        lists.push({ uri: doc.uri, jwt: doc.jwt, fetchedAt: doc.fetchedAt });
      } catch (err) {
        onBad(file, (err as Error).message);
      }
    }
    return lists;
  }

  #fileFor(key: string): string {
    return join(this.dir, `status-${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`);
  }
}
