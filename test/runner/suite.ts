/**
 * A run of test files: the `before` script, the files `jobs` at a time (test/runner/run-file.ts),
 * the `after` script, and what is printed — a line a file as it ends, then the sum. Stopped
 * through `stop` (its reason the signal's name), the files running are stopped too, no other
 * starts, `after` does not run, and the run ends with what it has.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { displayName, fileReport, plural, summary } from './report.js';
import { runFile, type FileResult, type RunOptions } from './run-file.js';

export interface SuiteOptions extends Pick<RunOptions, 'nodeArgs' | 'env' | 'cwd' | 'timeoutMs'> {
  files: string[];
  jobs: number;
  /** Scripts run with `node …nodeArgs` before and after the files; a failed `before` runs no file. */
  before: string;
  after: string;
  /** Where the run's output goes (stdout for `npm test`). */
  write: (text: string) => void;
  stop: AbortSignal;
}

export interface SuiteOutcome {
  results: FileResult[];
  /** 0 when every file and both scripts passed; 1 when not; 128 + the signal's number when stopped. */
  exitCode: number;
}

export async function runSuite({ files, jobs, before, after, write, stop, ...run }: SuiteOptions): Promise<SuiteOutcome> {
  const started = Date.now();
  write(`# ${plural(files.length, 'test file', 'test files')}, ${jobs} at a time, each within ${run.timeoutMs / 1000} s\n`);
  if (!(await runScript(before, run, write))) {
    write(`# ${displayName(before)} failed: no test ran\n`);
    return { results: [], exitCode: 1 };
  }
  const results: FileResult[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(jobs, files.length) }, async (_, jobId) => {
      while (next < files.length && !stop.aborted) {
        const childId = next;
        next += 1;
        const result = await runFile(files[childId], { ...run, childId: childId + 1, jobId, stop });
        results.push(result);
        write(fileReport(result));
      }
    }),
  );
  if (stop.aborted) {
    const by = String(stop.reason);
    write(`${summary(results, Date.now() - started)}# stopped by ${by}: ${files.length - results.length} of ${files.length} files not run\n`);
    return { results, exitCode: 128 + (constants.signals[by as NodeJS.Signals] ?? 0) };
  }
  const afterPassed = await runScript(after, run, write);
  write(summary(results, Date.now() - started));
  if (!afterPassed) write(`# ${displayName(after)} failed\n`);
  return { results, exitCode: afterPassed && results.every((result) => result.ok) ? 0 : 1 };
}

/** `script` run to its end, its stdout and stderr written to the run's output; true when it exits 0. */
function runScript(script: string, { nodeArgs = [], env, cwd }: Pick<RunOptions, 'nodeArgs' | 'env' | 'cwd'>, write: (text: string) => void): Promise<boolean> {
  const child = spawn(process.execPath, [...nodeArgs, script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const output of [child.stdout, child.stderr]) output.setEncoding('utf8').on('data', write);
  return new Promise((resolve) => {
    child.on('error', (error) => {
      write(`${script}: ${error.message}\n`);
      resolve(false);
    });
    child.on('close', (code) => resolve(code === 0));
  });
}
