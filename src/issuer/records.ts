/**
 * Student records for issuing, from JSON (an array of objects) or CSV (a header row).
 * Columns: given_name, family_name, birthdate, doc, doc_no, org_name, org_id,
 * valid_until (YYYY-MM-DD, valid to the end of that day in Poland, or seconds), device (a
 * JWK file, relative to the records file, or an inline JWK in JSON), and optional idx, jti.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { JWK } from 'jose';
import { MlegError } from '../errors.js';
import { isCalendarDate } from '../verify/claims.js';
import type { StudentRecord } from './credential.js';
import { endOfDayInPoland } from './valid-until.js';

export interface IssueRecord {
  student: StudentRecord;
  exp: number;
  device: JWK | undefined;
  idx: number | undefined;
  jti: string | undefined;
}

export function readRecords(file: string): IssueRecord[] {
  const text = readFileSync(file, 'utf8');
  const rows: Record<string, unknown>[] = file.toLowerCase().endsWith('.csv') ? parseCsv(text) : parseJsonRecords(text);
  return rows.map((row, i) => {
    try {
      return toRecord(row, dirname(resolve(file)));
    } catch (err) {
      throw new MlegError('RECORDS_INVALID', `${file}: record ${i + 1}: ${(err as Error).message}`);
    }
  });
}

function parseJsonRecords(text: string): Record<string, unknown>[] {
  const doc: unknown = JSON.parse(text);
  if (!Array.isArray(doc)) throw new MlegError('RECORDS_INVALID', 'JSON records must be an array of objects');
  return doc as Record<string, unknown>[];
}

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field), (field = '');
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  const [head, ...body] = rows;
  if (head === undefined) return [];
  const names = head.map((h) => h.trim());
  return body.map((r) => Object.fromEntries(names.map((n, i) => [n, (r[i] ?? '').trim()])));
}

function toRecord(row: Record<string, unknown>, baseDir: string): IssueRecord {
  const text = (name: string): string => {
    const v = row[name];
    if (typeof v !== 'string' || v === '') throw new MlegError('RECORDS_INVALID', `"${name}" is missing`);
    return v;
  };
  const org = typeof row.org === 'object' && row.org !== null ? (row.org as Record<string, unknown>) : { name: row.org_name, id: row.org_id };
  if (typeof org.name !== 'string' || typeof org.id !== 'string') throw new MlegError('RECORDS_INVALID', '"org_name" and "org_id" (or "org") are missing');
  const doc = text('doc');
  if (doc !== 'school' && doc !== 'student') throw new MlegError('RECORDS_INVALID', '"doc" must be school or student');
  const birthdate = text('birthdate');
  if (!isCalendarDate(birthdate)) throw new MlegError('RECORDS_INVALID', '"birthdate" must be YYYY-MM-DD');
  return {
    student: { given_name: text('given_name'), family_name: text('family_name'), birthdate, doc, doc_no: text('doc_no'), org: { name: org.name, id: org.id } },
    exp: parseValidUntil(row.valid_until),
    device: parseDevice(row.device, baseDir),
    idx: row.idx === undefined || row.idx === '' ? undefined : parseIndex(row.idx),
    jti: typeof row.jti === 'string' && row.jti !== '' ? row.jti : undefined,
  };
}

/** YYYY-MM-DD → the last second of that day in Poland (src/issuer/valid-until.ts); an integer → seconds as they are. */
export function parseValidUntil(value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  if (typeof value === 'string' && isCalendarDate(value)) return endOfDayInPoland(value);
  throw new MlegError('RECORDS_INVALID', '"valid_until" must be YYYY-MM-DD or seconds since the epoch');
}

function parseIndex(value: unknown): number {
  const idx = typeof value === 'string' ? Number(value) : value;
  if (!Number.isSafeInteger(idx) || (idx as number) < 0) throw new MlegError('RECORDS_INVALID', '"idx" must be an integer >= 0');
  return idx as number;
}

function parseDevice(value: unknown, baseDir: string): JWK | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'object' && value !== null) return value as JWK;
  if (typeof value === 'string') return JSON.parse(readFileSync(resolve(baseDir, value), 'utf8')) as JWK;
  throw new MlegError('RECORDS_INVALID', '"device" must be a JWK file name or a JWK object');
}
