/**
 * docs/issuing.md against the code: every error code the issuing service and the wallet
 * can meet is in its table, with the catalogue's own summary, status and exit code
 * (src/errors.ts); every configuration key is in the configuration table.
 */
import { readdirSync, readFileSync } from 'node:fs';
import t from 'tap';
import { ERRORS, type ErrorCode } from '../../src/errors.js';
import type { Field } from '../../src/config/schema.js';
import { ISSUANCE_SCHEMA } from '../../src/issuance/config.js';

const doc = readFileSync(new URL('../../docs/issuing.md', import.meta.url), 'utf8');
const src = (dir: string) => readdirSync(new URL(`../../src/${dir}/`, import.meta.url)).filter((f) => f.endsWith('.ts')).map((f) => `${dir}/${f}`);
const files = [...src('issuance'), ...src('wallet'), 'commands/issuer.ts', 'commands/issuer-serve.ts', 'commands/wallet.ts', 'config/config.ts', 'config/schema.ts', 'commands/usage.ts'];
const used = new Set<ErrorCode>();
for (const f of files) {
  const text = readFileSync(new URL(`../../src/${f}`, import.meta.url), 'utf8');
  for (const m of text.matchAll(/'([A-Z][A-Z_]+)'/g)) if (Object.hasOwn(ERRORS, m[1]!)) used.add(m[1] as ErrorCode);
}

t.test('the error table is the catalogue\'s, and lists every code the service and the wallet use', async (t) => {
  const rows = new Map<string, string[]>();
  const table = doc.slice(doc.indexOf('## Error codes'));
  for (const m of table.matchAll(/^\| `([A-Z_]+)` \|([^|]*)\|([^|]*)\|([^|]*)\|$/gm)) rows.set(m[1]!, [m[2]!.trim(), m[3]!.trim(), m[4]!.trim()]);
  t.ok(rows.size >= 20, `${rows.size} rows`);
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
