/**
 * docs/wallet.md against the code: its error table is the catalogue's (summary and HTTP
 * status of src/errors.ts) and lists every code the wallet's modules and routes use; its
 * messages table is what src/wallet/web/texts.ts says, word for word, in both languages.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { ERRORS, type ErrorCode } from '../../src/errors.js';
import { TEXT } from '../../src/wallet/web/texts.js';

const doc = readFileSync(new URL('../../docs/wallet.md', import.meta.url), 'utf8');
const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
const files = [...walk(join(SRC, 'wallet')), join(SRC, 'issuance/wallet-routes.ts')];

const section = (title: string) => {
  const start = doc.indexOf(`## ${title}`);
  const end = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
};

t.test('the error table is the catalogue\'s and has every code the wallet uses', async (t) => {
  const used = new Set<ErrorCode>();
  for (const f of files) for (const m of readFileSync(f, 'utf8').matchAll(/'([A-Z][A-Z_]+)'/g)) if (Object.hasOwn(ERRORS, m[1]!)) used.add(m[1] as ErrorCode);
  t.ok(used.size >= 10, `${used.size} codes used`);
  const rows = new Map<string, [string, string]>();
  for (const m of section('Error codes').matchAll(/^\| `([A-Z_]+)` \|([^|]*)\|([^|]*)\|$/gm)) rows.set(m[1]!, [m[2]!.trim(), m[3]!.trim()]);
  for (const code of used) t.ok(rows.has(code), `${code} is documented`);
  for (const [code, [status, summary]] of rows) {
    const kind = ERRORS[code as ErrorCode] as { summary: string; status?: number } | undefined;
    if (kind === undefined) {
      t.fail(`${code} is not in src/errors.ts`);
      continue;
    }
    t.equal(summary, kind.summary, `${code}: the catalogue's summary`);
    t.equal(status, kind.status === undefined ? '' : String(kind.status), `${code}: HTTP status`);
  }
});

t.test('the messages table says what the wallet says', async (t) => {
  const pl = new Set(Object.values(TEXT.pl));
  const en = new Set(Object.values(TEXT.en));
  const rows = [...section('Messages').matchAll(/^\| ([^|]+) \| ([^|]+) \| ([^|]+) \|$/gm)].filter((m) => m[1] !== 'situation' && !m[1]!.startsWith('---'));
  t.ok(rows.length >= 12, `${rows.length} rows`);
  for (const [, situation, polish, english] of rows) {
    t.ok(pl.has(polish!.trim()), `${situation}: the Polish text is the wallet's`);
    t.ok(en.has(english!.trim()), `${situation}: the English text is the wallet's`);
  }
});
