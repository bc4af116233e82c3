/**
 * A student's record as the school sends it (POST /admin/v1/students, the portal's form, a
 * row of a CSV import): checked field by field, so that a bad request is answered with the
 * one field that is wrong and why — `reason` in English for the API, `rule` (and `limit`)
 * for a page to say it in its own language. Pure: no I/O, the day in Poland given.
 */
import { isPlainObject } from '../jws/compact.js';
import { isCalendarDate } from '../verify/claims.js';
import type { StudentData } from './store.js';

/** Which rule a field broke. */
export type StudentRule =
  | 'not_object'
  | 'unknown_field'
  | 'required'
  | 'not_string'
  | 'empty'
  | 'too_long'
  | 'control_characters'
  | 'not_date'
  | 'birthdate_range'
  | 'not_doc'
  | 'passed'
  | 'org_not_object'
  | 'org_unknown_field';

export interface StudentDataFailure {
  ok: false;
  field: string;
  reason: string;
  rule: StudentRule;
  /** The length limit, for `too_long`. */
  limit?: number;
}

export type Checked<T> = { ok: true; value: T } | StudentDataFailure;

export const STUDENT_FIELDS = ['given_name', 'family_name', 'birthdate', 'doc', 'doc_no', 'valid_until', 'org'] as const;
const CONTROL = /[\u0000-\u001f\u007f]/;

/** `today` is YYYY-MM-DD in Poland: a birthdate may not be later, a `valid_until` not earlier. */
export function parseStudentData(body: unknown, today: string): Checked<StudentData> {
  if (!isPlainObject(body)) return { ok: false, field: '', reason: 'the body must be a JSON object', rule: 'not_object' };
  for (const key of Object.keys(body)) {
    if (!(STUDENT_FIELDS as readonly string[]).includes(key)) return { ok: false, field: key, reason: `unknown field "${key}"`, rule: 'unknown_field' };
  }
  const fail = (field: string, rule: StudentRule, reason: string, limit?: number): StudentDataFailure => ({ ok: false, field, reason: `"${field}" ${reason}`, rule, ...(limit === undefined ? {} : { limit }) });
  const text = (field: string, value: unknown, max: number): string | StudentDataFailure => {
    if (typeof value !== 'string') return value === undefined ? fail(field, 'required', 'is required') : fail(field, 'not_string', 'must be a string');
    const v = value.trim();
    if (v === '') return fail(field, 'empty', 'must not be empty');
    if (v.length > max) return fail(field, 'too_long', `must be at most ${max} characters`, max);
    if (CONTROL.test(v)) return fail(field, 'control_characters', 'must not hold control characters');
    return v;
  };
  const given_name = text('given_name', body.given_name, 100);
  if (typeof given_name !== 'string') return given_name;
  const family_name = text('family_name', body.family_name, 100);
  if (typeof family_name !== 'string') return family_name;
  const birthdate = body.birthdate;
  if (typeof birthdate !== 'string' || !isCalendarDate(birthdate)) return fail('birthdate', 'not_date', 'must be a date YYYY-MM-DD');
  if (birthdate > today || birthdate < '1900-01-01') return fail('birthdate', 'birthdate_range', 'must be a past date after 1900');
  const doc = body.doc;
  if (doc !== 'school' && doc !== 'student') return fail('doc', 'not_doc', 'must be "school" or "student"');
  const doc_no = text('doc_no', body.doc_no, 64);
  if (typeof doc_no !== 'string') return doc_no;
  const valid_until = body.valid_until;
  if (typeof valid_until !== 'string' || !isCalendarDate(valid_until)) return fail('valid_until', 'not_date', 'must be a date YYYY-MM-DD');
  if (valid_until < today) return fail('valid_until', 'passed', 'has passed already');
  let org: StudentData['org'] = null;
  if (body.org !== undefined) {
    if (!isPlainObject(body.org)) return fail('org', 'org_not_object', 'must be an object {"name", "id"}');
    for (const key of Object.keys(body.org)) if (key !== 'name' && key !== 'id') return fail(`org.${key}`, 'org_unknown_field', 'is not a field of "org"');
    const name = text('org.name', body.org.name, 200);
    if (typeof name !== 'string') return name;
    const id = text('org.id', body.org.id, 64);
    if (typeof id !== 'string') return id;
    org = { name, id };
  }
  return { ok: true, value: { given_name, family_name, birthdate, doc, doc_no, valid_until, org } };
}
