/**
 * A class from the school's e-register, as a CSV file: read (UTF-8, or Windows-1250 as
 * older Polish exports are; a comma, semicolon or tab between fields), each row checked as
 * the API checks a record (src/issuance/student-record.ts), document numbers checked
 * against the rest of the file and the database. Nothing is written here: the result is
 * the preview the operator confirms. The columns are those `mleg issuer issue` reads
 * (src/issuer/records.ts); the ones a student's record does not take (device, idx, jti,
 * and whatever else the export holds) are left out and named.
 */
import { csvRows } from '../../issuer/records.js';
import { STUDENT_FIELDS, parseStudentData, type StudentDataFailure } from '../student-record.js';

export const REQUIRED_COLUMNS = ['given_name', 'family_name', 'birthdate', 'doc', 'doc_no', 'valid_until'] as const;
export const OPTIONAL_COLUMNS = ['org_name', 'org_id'] as const;
export const MAX_ROWS = 2000;

export type RowOutcome = { ok: true } | { ok: false; kind: 'invalid'; failure: StudentDataFailure } | { ok: false; kind: 'duplicate'; of: number } | { ok: false; kind: 'registered' };

export interface ImportRow {
  /** The line of the file the row starts on (the header is line 1). */
  line: number;
  /** The record as the API would receive it. */
  record: Record<string, unknown>;
  outcome: RowOutcome;
}

export type ImportPlan =
  | { ok: true; rows: ImportRow[]; ignored: string[] }
  | { ok: false; problem: 'empty' | 'too_many' }
  | { ok: false; problem: 'missing_columns'; columns: string[] };

/** The file's text: UTF-8 (a byte-order mark dropped), or Windows-1250 when the bytes are not UTF-8. */
export function decodeCsv(bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('windows-1250').decode(bytes);
  }
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

/** The delimiter its header line uses most: a comma, a semicolon or a tab. */
export function csvDelimiter(text: string): ',' | ';' | '\t' {
  const header = text.slice(0, text.search(/\r|\n|$/));
  const count = (c: string) => header.split(c).length - 1;
  return ([',', ';', '\t'] as const).reduce((best, c) => (count(c) > count(best) ? c : best), ',');
}

/** 17.04.2011 (as a spreadsheet rewrites a date) → 2011-04-17; anything else as it is. */
function isoDay(value: string): string {
  const m = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(value);
  return m === null ? value : `${m[3]}-${m[2]}-${m[1]}`;
}

/**
 * Checks every row of `text`. `today` is YYYY-MM-DD in Poland; `registered` says which
 * document numbers are in the database already.
 */
export async function planImport(text: string, today: string, registered: (docNos: string[]) => Promise<Set<string>>): Promise<ImportPlan> {
  const [head, ...body] = csvRows(text, csvDelimiter(text));
  if (head === undefined || body.length === 0) return { ok: false, problem: 'empty' };
  if (body.length > MAX_ROWS) return { ok: false, problem: 'too_many' };
  const names = head.cells.map((h) => h.trim().toLowerCase());
  const missing = REQUIRED_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length > 0) return { ok: false, problem: 'missing_columns', columns: missing };
  const taken = new Set<string>([...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS]);
  const ignored = [...new Set(head.cells.map((h) => h.trim()).filter((h, i) => h !== '' && !taken.has(names[i]!)))];

  const rows: ImportRow[] = body.map(({ line, cells }) => {
    const cell = (column: string) => {
      const i = names.indexOf(column);
      return i < 0 ? '' : (cells[i] ?? '').trim();
    };
    const record: Record<string, unknown> = {};
    for (const f of STUDENT_FIELDS) if (f !== 'org') record[f] = cell(f);
    record.birthdate = isoDay(cell('birthdate'));
    record.valid_until = isoDay(cell('valid_until'));
    if (cell('org_name') !== '' || cell('org_id') !== '') record.org = { name: cell('org_name'), id: cell('org_id') };
    const parsed = parseStudentData(record, today);
    return { line, record, outcome: parsed.ok ? { ok: true } : { ok: false, kind: 'invalid', failure: parsed } };
  });

  const firstLine = new Map<string, number>();
  for (const row of rows) {
    if (!row.outcome.ok) continue;
    const docNo = (row.record.doc_no as string).trim();
    const first = firstLine.get(docNo);
    if (first === undefined) firstLine.set(docNo, row.line);
    else row.outcome = { ok: false, kind: 'duplicate', of: first };
  }
  const inDatabase = await registered([...firstLine.keys()]);
  for (const row of rows) if (row.outcome.ok && inDatabase.has((row.record.doc_no as string).trim())) row.outcome = { ok: false, kind: 'registered' };
  return { ok: true, rows, ignored };
}
