/**
 * What `npm test` prints: a line for each test file as it ends, what failed in it with tap's
 * diagnostics and the end of its stderr, and the run's sum.
 */
import { relative } from 'node:path';
import { ROOT } from '../helpers/repository.js';
import { COMPILED, sourcePath } from './compile.js';
import type { FileResult } from './run-file.js';

/** How much of a failed file's stderr is shown (its last lines). */
const STDERR_LINES = 60;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** A test file as the repository names it: a compiled one by its source. */
export const displayName = (file: string): string => (file.startsWith(`${COMPILED}/`) ? sourcePath(file) : relative(ROOT, file));

export function fileReport(result: FileResult): string {
  const name = displayName(result.file);
  const counts = [plural(result.assertions, 'assertion', 'assertions'), result.todo > 0 && `${result.todo} todo`, result.skipped > 0 && `${result.skipped} skipped`].filter(Boolean).join(', ');
  if (result.ok) return `ok      ${name} (${counts}, ${seconds(result.ms)})\n`;
  const failed = result.failed > 0 ? `${result.failed} of ${counts} failed` : counts;
  const lines = [`not ok  ${name} (${failed}, ${seconds(result.ms)})`];
  for (const failure of result.failures) lines.push(`  not ok - ${failure.name}`, ...diagLines(failure.diag, '      '));
  if (result.timedOutMs !== null) lines.push(`  timed out after ${seconds(result.timedOutMs)} (stopped with SIGALRM)`);
  if (result.bailout !== null) lines.push(`  bailed out: ${result.bailout}`);
  if (result.leftRunning) lines.push('  a process it started was left running (it still held the output after the file had exited)');
  if (result.signal !== null) lines.push(`  ended by ${result.signal}`);
  else if (result.code !== 0) lines.push(`  exited with code ${result.code}`);
  const stderr = result.stderr.trimEnd().split('\n').slice(-STDERR_LINES);
  if (stderr.join('') !== '') lines.push('  its stderr (the end):', ...stderr.map((line) => `    ${line}`));
  return `${lines.join('\n')}\n`;
}

/** A failure's diagnostics as tap shows them: a `key: value` a line, text blocks indented below their key. */
function diagLines(diag: Record<string, unknown> | null, indent: string): string[] {
  if (diag === null || typeof diag !== 'object') return [];
  return Object.entries(diag).flatMap(([key, value]) => {
    const text = typeof value === 'string' ? value : key === 'at' && isPlace(value) ? `${value.fileName}:${value.lineNumber}:${value.columnNumber}` : JSON.stringify(value);
    if (!text.includes('\n')) return [`${indent}${key}: ${text}`];
    return [`${indent}${key}: |`, ...text.trimEnd().split('\n').map((line) => `${indent}  ${line}`)];
  });
}

/** tap's `at`: where an assertion failed. */
function isPlace(value: unknown): value is { fileName: string; lineNumber: number; columnNumber: number } {
  return typeof value === 'object' && value !== null && 'fileName' in value;
}

export function summary(results: FileResult[], ms: number): string {
  const assertions = results.reduce((sum, result) => sum + result.assertions, 0);
  const failedFiles = results.filter((result) => !result.ok);
  const files = plural(results.length, 'file', 'files');
  if (failedFiles.length === 0) return `# ${assertions} assertions in ${files}, all passed (${seconds(ms)})\n`;
  const failed = results.reduce((sum, result) => sum + result.failed, 0);
  const list = failedFiles.map((result) => `#   ${displayName(result.file)}\n`).join('');
  return `# ${failed} of ${assertions} assertions failed; ${failedFiles.length} of ${files} failed (${seconds(ms)}):\n${list}`;
}
