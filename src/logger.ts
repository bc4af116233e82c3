/**
 * The service's log: pino, structured, and redacting by path so that no payload, name,
 * birthdate or document number reaches a log line even when someone logs a whole result.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

const PERSONAL = ['payload', 'payloads', 'holder', 'given_name', 'family_name', 'birthdate', 'doc_no', 'body'];

/** Redaction paths: each personal field at the top level and up to three levels down. */
export const REDACT_PATHS = PERSONAL.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]);

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'mleg' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? pino.destination({ fd: 1, sync: false }),
  );
}
