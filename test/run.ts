/**
 * `npm test`'s run of the suite: the tests and the sources compiled to JavaScript once
 * (test/runner/compile.ts), then each test file in a Node process of its own, as many at a
 * time as package.json's `tap.jobs` says, each within `tap.timeout` — as tap's runner runs
 * them, without the process tracking it adds to every test process (test/runner/suite.ts,
 * run-file.ts). package.json's `tap.before` and `tap.after` run before and after the files,
 * as tap runs them. `npx tap` and `npm run coverage` are still tap's runner.
 *
 *     node --import tsx test/run.ts [-j N | --jobs=N] [test/… files or folders]
 *
 * With no file or folder named, the whole suite runs (and the log audit checks that it saw
 * the whole run's logs: MLEG_FULL_RUN).
 */
import { readFileSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers/repository.js';
import { compile, compiledPath, compiledTests } from './runner/compile.js';
import { runSuite } from './runner/suite.js';

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

const asked = parseArguments(process.argv.slice(2));
for (const path of asked.paths) if (isTestFile(path) && statSync(join(ROOT, path), { throwIfNoEntry: false }) === undefined) refuse(`${path}: no such file`);
if (!(await compile())) process.exit(1);
const files = asked.paths.length === 0 ? compiledTests('test') : asked.paths.flatMap((path) => (isTestFile(path) ? [compiledPath(path)] : compiledTests(path)));
if (files.length === 0) refuse(`no test file (*.test.ts) in ${asked.paths.join(', ')}`);
const env = { ...process.env };
// The whole suite: the log audit (test/privacy/log-audit-after.ts) also checks that it saw the whole run's logs.
if (asked.paths.length === 0) env.MLEG_FULL_RUN = '1';

// Stopped (Ctrl-C, SIGTERM): the run stops its files and ends with what it has; a second signal ends it at once.
const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stop.signal.aborted) process.exit(128 + constants.signals[signal]);
    stop.abort(signal);
  });
}
const { exitCode } = await runSuite({
  files,
  jobs: asked.jobs,
  before: compiledPath(settings.before),
  after: compiledPath(settings.after),
  nodeArgs: ['--enable-source-maps'],
  env,
  cwd: ROOT,
  timeoutMs: settings.timeout * 1000,
  write: (text) => process.stdout.write(text),
  stop: stop.signal,
});
process.exit(exitCode);
