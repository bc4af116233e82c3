/**
 * docs/portal.md against the code: every error code the portal's files and `mleg issuer
 * operator` use is in its table with the catalogue's summary, status and exit code
 * (src/errors.ts); every `portal.*` configuration key is in its configuration table (and
 * in docs/issuing.md's, which lists them all); the revocation reasons are SPEC 10's with
 * the labels the pages show.
 */
import { readdirSync, readFileSync } from 'node:fs';
import t from 'tap';
import { ERRORS, type ErrorCode } from '../../../src/errors.js';
import { ISSUANCE_SCHEMA } from '../../../src/issuance/config.js';
import { TEXTS } from '../../../src/issuance/portal/texts.js';
import { REVOKE_REASONS } from '../../../src/issuance/store.js';

const doc = readFileSync(new URL('../../../docs/portal.md', import.meta.url), 'utf8');
const issuing = readFileSync(new URL('../../../docs/issuing.md', import.meta.url), 'utf8');
const portalDir = new URL('../../../src/issuance/portal/', import.meta.url);
const files = [
  ...readdirSync(portalDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => new URL(f, portalDir)),
  new URL('../../../src/commands/issuer-operator.ts', import.meta.url),
  new URL('../../../src/issuance/student-operations.ts', import.meta.url),
];
const used = new Set<ErrorCode>();
for (const f of files) for (const m of readFileSync(f, 'utf8').matchAll(/'([A-Z][A-Z_]+)'/g)) if (Object.hasOwn(ERRORS, m[1]!)) used.add(m[1] as ErrorCode);

t.test('the error table is the catalogue\'s and lists every code the portal uses', async (t) => {
  t.ok(used.size >= 8, `${used.size} codes used: ${[...used].join(', ')}`);
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
});

t.test('every portal.* key is documented, here and in docs/issuing.md', async (t) => {
  const keys = Object.keys(ISSUANCE_SCHEMA.fields.portal.fields).map((k) => `portal.${k}`);
  t.ok(keys.length >= 5);
  for (const key of keys) {
    t.ok(doc.includes(`| \`${key}\` |`), `${key} in docs/portal.md`);
    t.ok(issuing.includes(`| \`${key}\` |`), `${key} in docs/issuing.md`);
  }
});

t.test("the revocation reasons: SPEC 10's, with the pages' Polish labels", async (t) => {
  for (const reason of REVOKE_REASONS) t.ok(doc.includes(`| \`${reason}\` | ${TEXTS.pl.reasons[reason]} |`), reason);
});
