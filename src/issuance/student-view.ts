/** A student as the administration API shows it (SPEC 10), and the JSON schemas of those answers. */
import { statusListUri } from './status-publisher.js';
import type { Student, StudentRecord } from './store.js';

const iso = (ms: number) => new Date(ms).toISOString();

export function studentSummary(s: Student) {
  return {
    id: s.id,
    state: s.state,
    given_name: s.given_name,
    family_name: s.family_name,
    birthdate: s.birthdate,
    doc: s.doc,
    doc_no: s.doc_no,
    valid_until: s.valid_until,
    org: s.org,
    created_at: iso(s.created_at),
  };
}

export function studentView(s: StudentRecord, issuerUrl: string) {
  return {
    ...studentSummary(s),
    credentials: s.credentials.map((c) => ({
      jti: c.jti,
      status: c.status,
      reason: c.reason,
      issued_at: iso(c.issued_at),
      configuration_id: c.configuration_id,
      status_list: { uri: statusListUri(issuerUrl, c.status_list), idx: c.status_idx },
    })),
    offer: s.offer === null ? null : { id: s.offer.id, created_at: iso(s.offer.created_at), expires_at: iso(s.offer.expires_at), wrong_attempts: s.offer.attempts },
  };
}

const str = { type: 'string' } as const;
const nullableStr = { type: ['string', 'null'] } as const;
const org = { type: ['object', 'null'], additionalProperties: false, required: ['name', 'id'], properties: { name: str, id: str } } as const;

export const studentSummarySchema = {
  $id: 'studentSummary',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'state', 'given_name', 'family_name', 'birthdate', 'doc', 'doc_no', 'valid_until', 'org', 'created_at'],
  properties: {
    id: str,
    state: { type: 'string', enum: ['registered', 'offered', 'active', 'suspended', 'revoked'] },
    given_name: str,
    family_name: str,
    birthdate: { type: 'string', format: 'date' },
    doc: { type: 'string', enum: ['school', 'student'] },
    doc_no: str,
    valid_until: { type: 'string', format: 'date' },
    org,
    created_at: { type: 'string', format: 'date-time' },
  },
} as const;

export const studentSchema = {
  $id: 'student',
  type: 'object',
  additionalProperties: false,
  required: [...studentSummarySchema.required, 'credentials', 'offer'],
  properties: {
    ...studentSummarySchema.properties,
    credentials: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['jti', 'status', 'reason', 'issued_at', 'configuration_id', 'status_list'],
        properties: {
          jti: str,
          status: { type: 'string', enum: ['valid', 'suspended', 'revoked'] },
          reason: nullableStr,
          issued_at: { type: 'string', format: 'date-time' },
          configuration_id: str,
          status_list: { type: 'object', additionalProperties: false, required: ['uri', 'idx'], properties: { uri: str, idx: { type: 'integer' } } },
        },
      },
    },
    offer: {
      type: ['object', 'null'],
      additionalProperties: false,
      required: ['id', 'created_at', 'expires_at', 'wrong_attempts'],
      properties: { id: str, created_at: { type: 'string', format: 'date-time' }, expires_at: { type: 'string', format: 'date-time' }, wrong_attempts: { type: 'integer' } },
    },
  },
} as const;
