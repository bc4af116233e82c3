/**
 * `npm test`'s run of the suite: the tests and the sources compiled to JavaScript once
 * (test/runner/compile.ts), then each test file in a Node process of its own, as many at a
 * time as package.json's `tap.jobs` says, each within `tap.timeout` — as tap's runner runs
 * them, without the process tracking it adds to every test process
 * (test/runner/run-file.ts). package.json's `tap.before` and `tap.after` run before and
 * after the files, as tap runs them. `npx tap` and `npm run coverage` are still tap's runner.
 *
 *     node --import tsx test/run.ts [-j N | --jobs=N] [test/… files or folders]
 *
 * With no file or folder named, the whole suite runs (and the log audit checks that it saw
 * the whole run's logs: MLEG_FULL_RUN).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { compile, compiledPath, compiledTests, ROOT } from './runner/compile.js';
import { fileReport, plural, summary } from './runner/report.js';
import { runFile, type FileResult } from './runner/run-file.js';

const USAGE = 'usage: npm test -- [-j N | --jobs=N] [test/… files or folders]  (tap\'s own options: npx tap …)';
/** package.json's tap settings: the same jobs, timeout, before and after for both runners. */
const settings = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { tap: TapSettings }).tap;

interface TapSettings {
  jobs: number;
  /** Seconds. */
  timeout: number;
  before: string;
  after: string;
}

const isTestFile = (path: string): boolean => path.endsWith('.test.ts');

function refuse(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

/** The run the arguments ask for: test files and folders (repository paths), and the jobs. */
function parseArguments(args: string[]): { paths: string[]; jobs: number } {
  const asked = { paths: [] as string[], jobs: settings.jobs };
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    const jobs = /^(?:-j|--jobs=)(\d*)$/.exec(arg);
    if (jobs !== null) {
      asked.jobs = Number(jobs[1] || args[++i]);
      if (!Number.isInteger(asked.jobs) || asked.jobs < 1) refuse(`${arg}: the jobs are a whole number, at least 1`);
    } else if (arg.startsWith('test/') && (isTestFile(arg) || statSync(join(ROOT, arg), { throwIfNoEntry: false })?.isDirectory())) {
      asked.paths.push(arg.replace(/\/$/, ''));
    } else {
      refuse(`${arg}: not a test file or folder under test/, nor -j`);
    }
  }
  return asked;
}

/** package.json's `before` or `after` script, compiled, in the foreground; true when it exits 0. */
function runScript(script: string, nodeArgs: string[], env: NodeJS.ProcessEnv): boolean {
  return spawnSync(process.execPath, [...nodeArgs, compiledPath(script)], { cwd: ROOT, env, stdio: 'inherit' }).status === 0;
}

const asked = parseArguments(process.argv.slice(2));
for (const path of asked.paths) if (isTestFile(path) && statSync(join(ROOT, path), { throwIfNoEntry: false }) === undefined) refuse(`${path}: no such file`);
if (!(await compile())) process.exit(1);
const files = asked.paths.length === 0 ? compiledTests('test') : asked.paths.flatMap((path) => (isTestFile(path) ? [compiledPath(path)] : compiledTests(path)));
if (files.length === 0) refuse(`no test file (*.test.ts) in ${asked.paths.join(', ')}`);
const env = { ...process.env };
// The whole suite: the log audit (test/privacy/log-audit-after.ts) also checks that it saw the whole run's logs.
if (asked.paths.length === 0) env.MLEG_FULL_RUN = '1';
const nodeArgs = ['--enable-source-maps'];
const timeoutMs = settings.timeout * 1000;

const started = Date.now();
process.stdout.write(`# ${plural(files.length, 'test file', 'test files')}, ${asked.jobs} at a time, each within ${settings.timeout} s\n`);
if (!runScript(settings.before, nodeArgs, env)) {
  process.stdout.write(`# ${settings.before} failed: no test ran\n`);
  process.exit(1);
}
// Stopped (Ctrl-C, SIGTERM): the files running are stopped too, no other starts, and the run
// ends with what it has; a second signal ends it at once.
const stop = new AbortController();
let stoppedBy: NodeJS.Signals | null = null;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stoppedBy !== null) process.exit(128 + constants.signals[signal]);
    stoppedBy = signal;
    stop.abort();
  });
}
const results: FileResult[] = [];
let next = 0;
await Promise.all(
  Array.from({ length: Math.min(asked.jobs, files.length) }, async (_, jobId) => {
    while (next < files.length && !stop.signal.aborted) {
      const childId = next;
      next += 1;
      const result = await runFile(files[childId], { nodeArgs, env, cwd: ROOT, timeoutMs, childId: childId + 1, jobId, stop: stop.signal });
      results.push(result);
      process.stdout.write(fileReport(result));
    }
  }),
);
if (stoppedBy !== null) {
  process.stdout.write(`${summary(results, Date.now() - started)}# stopped by ${stoppedBy}: ${files.length - results.length} of ${files.length} files not run\n`);
  process.exit(128 + constants.signals[stoppedBy]);
}
const afterPassed = runScript(settings.after, nodeArgs, env);
process.stdout.write(summary(results, Date.now() - started));
if (!afterPassed) process.stdout.write(`# ${settings.after} failed\n`);
process.exit(afterPassed && results.every((result) => result.ok) ? 0 : 1);
