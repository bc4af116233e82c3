/**
 * Every log line written during a test run is also appended under LOG_DIR, so that
 * test/privacy/log-audit-after.ts can check the whole run's logs for personal data.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { ROOT } from './repository.js';

/** In the repository's .tap/, whether the tests run compiled (npm test) or through tsx (npx tap). */
export const LOG_DIR = join(ROOT, '.tap', 'mleg-logs');

let file: string | undefined;

/** Appends log text (JSON lines) to this process's audit file. */
export function recordLogText(text: string): void {
  if (file === undefined) {
    mkdirSync(LOG_DIR, { recursive: true });
    file = join(LOG_DIR, `${process.pid}-${Date.now()}.jsonl`);
  }
  appendFileSync(file, text.endsWith('\n') || text === '' ? text : `${text}\n`);
}

/** A log destination that records every line for the audit and hands parsed lines to `onLine`. */
export function auditedSink(onLine: (line: Record<string, unknown>) => void = () => {}): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      const text = chunk.toString('utf8');
      recordLogText(text);
      for (const line of text.split('\n')) if (line.trim() !== '') onLine(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
}
