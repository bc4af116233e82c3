/** Reading a class's CSV (src/issuance/portal/csv-import.ts) on its own: encodings, delimiters, line numbers, each row as the API checks it. */
import t from 'tap';
import { csvDelimiter, decodeCsv, MAX_ROWS, planImport } from '../../../src/issuance/portal/csv-import.js';

const today = '2026-12-01';
const none = async () => new Set<string>();
const HEADER = 'given_name,family_name,birthdate,doc,doc_no,valid_until';

t.test('decoding: UTF-8 with or without a byte-order mark, else Windows-1250', async (t) => {
  t.equal(decodeCsv(Buffer.from('\uFEFFŁęcki', 'utf8')), 'Łęcki');
  t.equal(decodeCsv(Buffer.from('Łęcki', 'utf8')), 'Łęcki');
  t.equal(decodeCsv(Buffer.from([0xa3, 0xea, 0x63, 0x6b, 0x69])), 'Łęcki', 'Windows-1250');
  t.equal(decodeCsv(Buffer.from([0x8c, 0x9c, 0x8f, 0x9f])), 'ŚśŹź');
});

t.test('the delimiter the header uses', async (t) => {
  t.equal(csvDelimiter('a,b,c\n1;2'), ',');
  t.equal(csvDelimiter('a;b;c\r\n1,2,3,4,5'), ';');
  t.equal(csvDelimiter('a\tb\tc'), '\t');
  t.equal(csvDelimiter('single'), ',');
});

t.test('rows: line numbers as a spreadsheet shows them, trimmed cells, dates rewritten by a spreadsheet read back, org only when given', async (t) => {
  const csv = `${HEADER},org_name,org_id\r\n\r\n" Jan ",Kowalski,17.04.2011,school,A/1,2031-08-31,,\r\n"Anna ""Ania""","Nowak\r\nKowalska",2011-04-17,student,A/2,31.08.2031,Liceum,RSPO-1\r\nPiotr,Zieliński,2011-04-17,school,A/3,2031-08-31,Liceum,\r\n`;
  const plan = await planImport(csv, today, none);
  if (!plan.ok) throw new Error(plan.problem);
  t.same(plan.rows.map((r) => r.line), [3, 4, 6], 'the empty line counted, a line break inside quotes too');
  t.same(plan.rows[0]!.record, { given_name: 'Jan', family_name: 'Kowalski', birthdate: '2011-04-17', doc: 'school', doc_no: 'A/1', valid_until: '2031-08-31' });
  t.same(plan.rows[0]!.outcome, { ok: true });
  t.same(plan.rows[1]!.record.org, { name: 'Liceum', id: 'RSPO-1' });
  t.equal(plan.rows[1]!.record.given_name, 'Anna "Ania"');
  t.match(plan.rows[1]!.outcome, { ok: false, kind: 'invalid', failure: { field: 'family_name', rule: 'control_characters' } }, 'a line break in a name is refused, as the API refuses it');
  t.match(plan.rows[2]!.outcome, { ok: false, kind: 'invalid', failure: { field: 'org.id', rule: 'empty' } }, 'half a school');
  t.same(plan.ignored, []);
});

t.test('the file as a whole: empty, a header only, columns missing, too many rows; header names in any case, extra columns named', async (t) => {
  t.same(await planImport('', today, none), { ok: false, problem: 'empty' });
  t.same(await planImport(`${HEADER}\n`, today, none), { ok: false, problem: 'empty' });
  t.same(await planImport('given_name;family_name\nJan;Kowalski', today, none), { ok: false, problem: 'missing_columns', columns: ['birthdate', 'doc', 'doc_no', 'valid_until'] });
  const many = `${HEADER}\n${'Jan,Kowalski,2011-04-17,school,A,2031-08-31\n'.repeat(MAX_ROWS + 1)}`;
  t.same(await planImport(many, today, none), { ok: false, problem: 'too_many' });
  const upper = await planImport(`GIVEN_NAME;Family_Name;birthdate;doc;doc_no;valid_until;PESEL\nJan;Kowalski;2011-04-17;school;A/1;2031-08-31;11041700000\n`, today, none);
  t.match(upper, { ok: true, rows: [{ outcome: { ok: true }, record: { given_name: 'Jan' } }], ignored: ['PESEL'] });
  t.notOk(JSON.stringify(upper).includes('11041700000'), 'a column not taken is not even kept in the preview');
});

t.test('document numbers: the second in the file and those registered already are reported; the database asked once, for the good rows', async (t) => {
  const asked: string[][] = [];
  const registered = async (docNos: string[]) => (asked.push(docNos), new Set(docNos.filter((d) => d === 'B/9')));
  const csv = `${HEADER}\nJan,Kowalski,2011-04-17,school,B/1,2031-08-31\nJanek,Kowalski,2011-04-17,school, B/1 ,2031-08-31\nOla,Nowak,2031-04-17,school,B/2,2031-08-31\nEwa,Lis,2011-04-17,school,B/9,2031-08-31\n`;
  const plan = await planImport(csv, today, registered);
  if (!plan.ok) throw new Error(plan.problem);
  t.same(plan.rows.map((r) => (r.outcome.ok ? 'ok' : r.outcome.kind)), ['ok', 'duplicate', 'invalid', 'registered']);
  t.match(plan.rows[1]!.outcome, { of: 2 }, 'the same number as line 2 (spaces trimmed)');
  t.same(asked, [['B/1', 'B/9']]);
});
