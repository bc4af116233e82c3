/**
 * A real pino logger (the product's, with its redaction) whose lines the test can read;
 * every line also goes to the run's log audit (test/helpers/log-audit.ts).
 */
import { createLogger, type Logger } from '../../src/logger.js';
import { auditedSink } from './log-audit.js';

export function captureLog(level = 'debug'): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return { log: createLogger(level, auditedSink((line) => lines.push(line))), lines };
}
