/**
 * docs/issuing.md against the code: every error code the issuing service and the wallet
 * can meet is in its table, with the catalogue's own summary, status and exit code
 * (src/errors.ts); every configuration key is in the configuration table.
 */
import { readdirSync, readFileSync } from 'node:fs';
import t from 'tap';
import type { Field } from '../../src/config/schema.js';
import { ISSUANCE_SCHEMA } from '../../src/issuance/config.js';
import { checkErrorTable, codesUsedIn } from '../helpers/error-table.js';

const doc = readFileSync(new URL('../../docs/issuing.md', import.meta.url), 'utf8');
const src = (dir: string) => readdirSync(new URL(`../../src/${dir}/`, import.meta.url)).filter((f) => f.endsWith('.ts')).map((f) => `${dir}/${f}`);
// The web wallet's own modules (src/wallet/ beyond the client) are docs/wallet.md's (test/wallet/docs.test.ts).
const files = [...src('issuance'), 'wallet/oid4vci-client.ts', 'commands/issuer.ts', 'commands/issuer-serve.ts', 'commands/wallet.ts', 'config/config.ts', 'config/schema.ts', 'commands/usage.ts'];
const used = codesUsedIn(files.map((f) => new URL(`../../src/${f}`, import.meta.url)));

t.test('the error table is the catalogue\'s, and lists every code the service and the wallet use', async (t) => {
  const rows = checkErrorTable(t, doc, used);
  t.ok(rows >= 20, `${rows} rows`);
});

t.test('every configuration key is documented', async (t) => {
  const keys: string[] = [];
  const walk = (field: Field, key: string) => {
    if (field.kind === 'object') for (const [k, f] of Object.entries(field.fields)) walk(f, key === '' ? k : `${key}.${k}`);
    else keys.push(key);
  };
  walk(ISSUANCE_SCHEMA, '');
  t.ok(keys.length > 15);
  for (const key of keys) t.ok(doc.includes(`| \`${key}\` |`) || (key.startsWith('issuer.org.') && doc.includes('| `issuer.org` |')), key);
});
