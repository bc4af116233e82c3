/**
 * A document's "Error codes" table (`| code | HTTP | exit | meaning |`) against the
 * catalogue (src/errors.ts): every code the given source files use is in it, and every row
 * has the catalogue's own summary, status and exit code.
 */
import { readFileSync } from 'node:fs';
import type { Test } from 'tap';
import { ERRORS, type ErrorCode } from '../../src/errors.js';

/** The catalogue's codes that appear quoted ('CODE') in these files. */
export function codesUsedIn(files: readonly URL[]): Set<ErrorCode> {
  const used = new Set<ErrorCode>();
  for (const f of files) for (const m of readFileSync(f, 'utf8').matchAll(/'([A-Z][A-Z_]+)'/g)) if (Object.hasOwn(ERRORS, m[1]!)) used.add(m[1] as ErrorCode);
  return used;
}

/** Checks the table under the document's "## Error codes"; returns how many rows it has. */
export function checkErrorTable(t: Test, doc: string, used: Set<ErrorCode>): number {
  const rows = new Map<string, string[]>();
  for (const m of doc.slice(doc.indexOf('## Error codes')).matchAll(/^\| `([A-Z_]+)` \|([^|]*)\|([^|]*)\|([^|]*)\|$/gm)) rows.set(m[1]!, [m[2]!.trim(), m[3]!.trim(), m[4]!.trim()]);
  for (const code of used) t.ok(rows.has(code), `${code} is documented`);
  for (const [code, [status, exit, summary]] of rows) {
    const kind = ERRORS[code as ErrorCode] as { summary: string; status?: number; exit?: number } | undefined;
    if (kind === undefined) {
      t.fail(`${code} is not in src/errors.ts`);
      continue;
    }
    t.equal(summary, kind.summary, `${code}: the catalogue's summary`);
    t.equal(status, kind.status === undefined ? '' : String(kind.status), `${code}: HTTP status`);
    t.equal(exit, kind.exit !== undefined ? String(kind.exit) : kind.status === undefined ? '1' : '', `${code}: exit code`);
  }
  return rows.size;
}
