/**
 * Schema migrations: `migrations/NNN-name.sql`, applied in order at start, each in its own
 * transaction with its row in `schema_migrations`, so a migration is applied whole or not
 * at all. A database that has a migration this build does not know was written by a newer
 * mleg and is refused rather than used.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from 'better-sqlite3';
import { MlegError } from '../errors.js';

/** src/issuance/migrations (run from source) or dist/issuance/migrations (copied by `npm run build`). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

const FILE = /^(\d{3})-[a-z0-9-]+\.sql$/;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .map((name) => {
      const m = FILE.exec(name);
      if (m === null) throw new MlegError('DATABASE_INVALID', `migration ${name}: the name must be NNN-name.sql`);
      return { version: Number(m[1]), name, sql: readFileSync(`${dir}/${name}`, 'utf8') };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new MlegError('DATABASE_INVALID', `migration ${m.name}: expected number ${String(i + 1).padStart(3, '0')} (no gaps, no repeats)`);
  });
  return migrations;
}

/** Applies what is missing; returns the names applied now. */
export function migrate(db: Database, migrations: Migration[], now = Date.now()): string[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const done = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
  const newest = Math.max(0, ...done);
  if (newest > migrations.length) {
    throw new MlegError('DATABASE_INVALID', `the database was written by a newer mleg (schema version ${newest}; this one knows up to ${migrations.length})`);
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applied: string[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    try {
      db.transaction(() => {
        db.exec(m.sql);
        record.run(m.version, m.name, now);
      })();
    } catch (err) {
      throw new MlegError('DATABASE_INVALID', `migration ${m.name} failed: ${(err as Error).message}`, { cause: err });
    }
    applied.push(m.name);
  }
  return applied;
}
