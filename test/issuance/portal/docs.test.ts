/**
 * docs/portal.md against the code: every error code the portal's files and `mleg issuer
 * operator` use is in its table with the catalogue's summary, status and exit code
 * (src/errors.ts); every `portal.*` configuration key is in its configuration table (and
 * in docs/issuing.md's, which lists them all); the revocation reasons are SPEC 10's with
 * the labels the pages show.
 */
import { readdirSync, readFileSync } from 'node:fs';
import t from 'tap';
import { ISSUANCE_SCHEMA } from '../../../src/issuance/config.js';
import { TEXTS } from '../../../src/issuance/portal/texts.js';
import { REVOKE_REASONS } from '../../../src/issuance/store.js';
import { checkErrorTable, codesUsedIn } from '../../helpers/error-table.js';

const doc = readFileSync(new URL('../../../docs/portal.md', import.meta.url), 'utf8');
const issuing = readFileSync(new URL('../../../docs/issuing.md', import.meta.url), 'utf8');
const portalDir = new URL('../../../src/issuance/portal/', import.meta.url);
const files = [
  ...readdirSync(portalDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => new URL(f, portalDir)),
  new URL('../../../src/commands/issuer-operator.ts', import.meta.url),
  new URL('../../../src/issuance/student-operations.ts', import.meta.url),
];
const used = codesUsedIn(files);

t.test('the error table is the catalogue\'s and lists every code the portal uses', async (t) => {
  t.ok(used.size >= 8, `${used.size} codes used: ${[...used].join(', ')}`);
  checkErrorTable(t, doc, used);
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
