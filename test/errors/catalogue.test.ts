/**
 * The error catalogue (src/errors.ts) and the README's table of it are one: every code a
 * user can meet is documented with its HTTP status, exit code and meaning. When they
 * differ, the expected table is printed, ready to paste.
 */
import { readFileSync } from 'node:fs';
import t from 'tap';
import { ERRORS, MlegError, errorBody } from '../../src/errors.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

function expectedTable(): string {
  const rows = Object.entries(ERRORS).map(([code, kind]) => {
    const k = kind as { summary: string; status?: number; exit?: number };
    return `| \`${code}\` | ${k.status ?? '—'} | ${k.exit ?? 1} | ${k.summary} |`;
  });
  return ['| code | HTTP | exit | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

t.test('the README documents every error code, as the catalogue has it', async (t) => {
  const table = expectedTable();
  const found = README.includes(table);
  if (!found) t.comment(`README.md should hold this table:\n${table}`);
  t.ok(found, 'the table in README.md matches src/errors.ts');
});

t.test('codes carry their status and exit code; bodies are {error, message}', async (t) => {
  const err = new MlegError('BODY_MISSING', 'no payload');
  t.equal(err.status, 400);
  t.equal(err.exit, 1);
  t.equal(new MlegError('CONFIG_INVALID', 'x').exit, 2);
  t.equal(new MlegError('DEVICE_FAILED', 'x').status, 500, 'not a request\'s fault');
  t.same(errorBody('NOT_FOUND', 'no such route'), { error: 'NOT_FOUND', message: 'no such route' });
  for (const [code, kind] of Object.entries(ERRORS)) {
    t.match(code, /^[A-Z][A-Z0-9_]+$/, `${code}: a stable upper-case code`);
    t.ok((kind as { summary: string }).summary.length > 10, `${code}: a summary for people`);
  }
});
