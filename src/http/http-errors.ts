/**
 * Error answers of the HTTP API: `{"error": CODE, "message": reason}` with the status the
 * catalogue (src/errors.ts) gives the code. Fastify's own errors (body limits, content
 * types, schema validation, rate limits) are answered in the same shape; a fault of the
 * service answers INTERNAL and leaves its details to the operator's log.
 */
import type { FastifyError, FastifyReply } from 'fastify';
import { ERRORS, errorBody, MlegError, type ErrorCode } from '../errors.js';

export function sendError(reply: FastifyReply, code: ErrorCode, message: string): FastifyReply {
  const status = (ERRORS[code] as { status?: number }).status ?? 500;
  return reply.code(status).send(errorBody(code, message));
}

/**
 * What to answer for an error a route threw or Fastify raised; undefined: a fault of ours (500).
 * @param accepted the content types the app takes, for a 415's message
 */
export function clientError(error: FastifyError | MlegError, accepted?: string): { code: ErrorCode; message: string } | undefined {
  if (error instanceof MlegError) return error.status < 500 || error.code === 'DECODE_TIMEOUT' ? { code: error.code, message: error.message } : undefined;
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { code: 'BODY_TOO_LARGE', message: 'request body is too large' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { code: 'UNSUPPORTED_MEDIA_TYPE', message: accepted === undefined ? 'unsupported content type' : `unsupported content type; send ${accepted}` };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { code: 'BODY_MISSING', message: 'the body is empty' };
    case 'FST_ERR_VALIDATION':
      return { code: 'BODY_INVALID', message: error.message };
    default:
      break;
  }
  const status = error.statusCode ?? 500;
  if (status === 429) return { code: 'RATE_LIMITED', message: error.message };
  if (status === 408) return { code: 'BODY_TIMEOUT', message: 'the request did not arrive whole in time' };
  if (status === 405) return { code: 'METHOD_NOT_ALLOWED', message: 'this route does not take that method' };
  if (status === 413) return { code: 'BODY_TOO_LARGE', message: 'request body is too large' };
  if (status === 415) return { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'unsupported content type' };
  // Other 4xx from Fastify or its plugins: a request the route cannot take (bad JSON, a bad header).
  if (status >= 400 && status < 500) return { code: 'BODY_INVALID', message: error.message };
  return undefined;
}
