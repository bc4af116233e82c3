/**
 * A student's record as the school sends it (POST /admin/v1/students): checked field by
 * field, so that a bad request is answered with the one field that is wrong and why.
 * Pure: no I/O, the day in Poland given.
 */
import { isPlainObject } from '../jws/compact.js';
import { isCalendarDate } from '../verify/claims.js';
import type { StudentData } from './store.js';

export type Checked<T> = { ok: true; value: T } | { ok: false; field: string; reason: string };

const FIELDS = ['given_name', 'family_name', 'birthdate', 'doc', 'doc_no', 'valid_until', 'org'] as const;
const CONTROL = /[\u0000-\u001f\u007f]/;

/** `today` is YYYY-MM-DD in Poland: a birthdate may not be later, a `valid_until` not earlier. */
export function parseStudentData(body: unknown, today: string): Checked<StudentData> {
  if (!isPlainObject(body)) return { ok: false, field: '', reason: 'the body must be a JSON object' };
  for (const key of Object.keys(body)) {
    if (!(FIELDS as readonly string[]).includes(key)) return { ok: false, field: key, reason: `unknown field "${key}"` };
  }
  const fail = (field: string, reason: string) => ({ ok: false, field, reason: `"${field}" ${reason}` }) as const;
  const text = (field: string, value: unknown, max: number): string | { ok: false; field: string; reason: string } => {
    if (typeof value !== 'string') return fail(field, value === undefined ? 'is required' : 'must be a string');
    const v = value.trim();
    if (v === '') return fail(field, 'must not be empty');
    if (v.length > max) return fail(field, `must be at most ${max} characters`);
    if (CONTROL.test(v)) return fail(field, 'must not hold control characters');
    return v;
  };
  const given_name = text('given_name', body.given_name, 100);
  if (typeof given_name !== 'string') return given_name;
  const family_name = text('family_name', body.family_name, 100);
  if (typeof family_name !== 'string') return family_name;
  const birthdate = body.birthdate;
  if (typeof birthdate !== 'string' || !isCalendarDate(birthdate)) return fail('birthdate', 'must be a date YYYY-MM-DD');
  if (birthdate > today || birthdate < '1900-01-01') return fail('birthdate', 'must be a past date after 1900');
  const doc = body.doc;
  if (doc !== 'school' && doc !== 'student') return fail('doc', 'must be "school" or "student"');
  const doc_no = text('doc_no', body.doc_no, 64);
  if (typeof doc_no !== 'string') return doc_no;
  const valid_until = body.valid_until;
  if (typeof valid_until !== 'string' || !isCalendarDate(valid_until)) return fail('valid_until', 'must be a date YYYY-MM-DD');
  if (valid_until < today) return fail('valid_until', 'has passed already');
  let org: StudentData['org'] = null;
  if (body.org !== undefined) {
    if (!isPlainObject(body.org)) return fail('org', 'must be an object {"name", "id"}');
    for (const key of Object.keys(body.org)) if (key !== 'name' && key !== 'id') return fail(`org.${key}`, 'is not a field of "org"');
    const name = text('org.name', body.org.name, 200);
    if (typeof name !== 'string') return name;
    const id = text('org.id', body.org.id, 64);
    if (typeof id !== 'string') return id;
    org = { name, id };
  }
  return { ok: true, value: { given_name, family_name, birthdate, doc, doc_no, valid_until, org } };
}
