/** JSON schemas shared by routes: validation of requests, fast serialisation of replies. */
import { VERDICTS } from '../verify/verdicts.js';

const nullableObject = (properties: Record<string, unknown>, required: string[]) => ({
  type: ['object', 'null'],
  additionalProperties: false,
  properties,
  required,
});

export const resultSchema = {
  $id: 'result',
  type: 'object',
  additionalProperties: false,
  required: ['verdict', 'valid', 'reason', 'checked_at', 'presented_at', 'credential', 'holder', 'status', 'replay'],
  properties: {
    verdict: { type: 'string', enum: [...VERDICTS] },
    valid: { type: 'boolean' },
    reason: { type: 'string' },
    checked_at: { type: 'string', format: 'date-time' },
    presented_at: { type: ['string', 'null'], format: 'date-time' },
    credential: nullableObject(
      {
        id: { type: 'string' },
        issuer: { type: 'string' },
        doc: { type: 'string', enum: ['school', 'student'] },
        doc_no: { type: 'string' },
        org: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'id'],
          properties: { name: { type: 'string' }, id: { type: 'string' } },
        },
        valid_until: { type: 'string', format: 'date-time' },
      },
      ['id', 'issuer', 'doc', 'doc_no', 'org', 'valid_until'],
    ),
    holder: nullableObject(
      { given_name: { type: 'string' }, family_name: { type: 'string' }, birthdate: { type: 'string', format: 'date' } },
      ['given_name', 'family_name', 'birthdate'],
    ),
    status: {
      type: 'object',
      additionalProperties: false,
      required: ['checked'],
      properties: {
        checked: { type: 'boolean' },
        iat: { type: 'string', format: 'date-time', description: 'when the status list that decided was issued' },
        age_seconds: { type: 'integer', minimum: 0, description: "that list's age when the presentation was checked" },
      },
    },
    first_accepted_at: { type: 'string', format: 'date-time', description: 'REPLAYED only: when this presentation was first accepted' },
    replay: {
      type: 'object',
      additionalProperties: false,
      required: ['shared'],
      description: 'SPEC 9: where the replay decision was taken',
      properties: {
        shared: { type: 'boolean', description: "true exactly when this presentation's replay decision was taken in the fleet's shared store (Redis); false for this process's own memory, and for verdicts decided before replay" },
      },
    },
  },
} as const;

export const errorSchema = {
  $id: 'error',
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string' },
    message: { type: 'string' },
    /** The request field a 400 is about, where there is one. */
    field: { type: 'string' },
  },
} as const;

export const errorReplies = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, { $ref: 'error#' }]));
