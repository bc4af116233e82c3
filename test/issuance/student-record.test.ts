/** A student's record from the school: every field checked, the bad one named. */
import t from 'tap';
import { parseStudentData } from '../../src/issuance/student-record.js';
import { ISSUANCE_STUDENT } from '../helpers/holders.js';

const today = '2026-12-01';
const good = { ...ISSUANCE_STUDENT, org: { name: 'Liceum nr 2', id: 'RSPO-2' } };

t.test('a good record, trimmed; org optional', async (t) => {
  t.same(parseStudentData({ ...good, given_name: '  Kunegunda ' }, today), { ok: true, value: { ...good, given_name: 'Kunegunda' } });
  t.match(parseStudentData({ ...good, org: undefined }, today), { ok: true, value: { org: null } });
  t.match(parseStudentData({ ...good, valid_until: today }, today), { ok: true }, 'valid to the end of today');
});

t.test('each bad field is named', async (t) => {
  const cases: [Record<string, unknown> | unknown, string, RegExp][] = [
    [[1, 2], '', /JSON object/],
    [{ ...good, extra: 1 }, 'extra', /unknown field "extra"/],
    [{ ...good, given_name: undefined }, 'given_name', /"given_name" is required/],
    [{ ...good, given_name: '   ' }, 'given_name', /must not be empty/],
    [{ ...good, family_name: 7 }, 'family_name', /must be a string/],
    [{ ...good, family_name: 'x'.repeat(101) }, 'family_name', /at most 100/],
    [{ ...good, family_name: 'Nowak\nKowalski' }, 'family_name', /control characters/],
    [{ ...good, birthdate: '2011-02-30' }, 'birthdate', /YYYY-MM-DD/],
    [{ ...good, birthdate: '17.04.2011' }, 'birthdate', /YYYY-MM-DD/],
    [{ ...good, birthdate: '2027-01-01' }, 'birthdate', /past date/],
    [{ ...good, doc: 'university' }, 'doc', /"school" or "student"/],
    [{ ...good, doc_no: '' }, 'doc_no', /must not be empty/],
    [{ ...good, valid_until: '2026-11-30' }, 'valid_until', /has passed/],
    [{ ...good, valid_until: undefined }, 'valid_until', /YYYY-MM-DD/],
    [{ ...good, org: 'Liceum' }, 'org', /must be an object/],
    [{ ...good, org: { name: 'Liceum' } }, 'org.id', /"org.id" is required/],
    [{ ...good, org: { name: 'Liceum', id: 'X', www: 'x' } }, 'org.www', /not a field of "org"/],
  ];
  for (const [body, field, reason] of cases) {
    const out = parseStudentData(body, today);
    t.match(out, { ok: false, field, reason }, `${field || 'body'}: ${String(reason)}`);
  }
});
