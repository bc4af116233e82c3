/**
 * `npm test`'s runner (test/run.ts) on test files made to pass, fail, throw, crash, exit
 * badly and hang (test/fixtures/runner/): what it counts, what it calls a failure, the
 * timeout tap's way (a test's own `t.setTimeout` honoured, but not a 0; SIGALRM, then
 * SIGKILL for a process that ignores it), and what it prints.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import t from 'tap';
import { ROOT } from '../helpers/repository.js';
import { fileReport, summary } from './report.js';
import { runFile, type RunOptions } from './run-file.js';

const fixture = (name: string): string => join(ROOT, 'test', 'fixtures', 'runner', `${name}.mjs`);
const run = (name: string, options: Partial<RunOptions> = {}) => runFile(fixture(name), { cwd: ROOT, timeoutMs: 20_000, childId: 1, jobId: 0, ...options });
/**
 * The timeouts the tests give are longer than a loaded machine takes to start a test
 * process (above 1 s seen in a full run): the timeout under test must not pass before the
 * file has even set up what it is to be tested for.
 */
const SHORT_TIMEOUT_MS = 3000;

// The files mostly wait: run them side by side.
t.jobs = 4;

t.test('a file that passes, with a todo and a skip', async (t) => {
  const result = await run('passes');
  t.ok(result.ok);
  t.match(result, { assertions: 5, failed: 0, todo: 1, skipped: 1, code: 0, signal: null, failures: [] });
  t.match(fileReport(result), /^ok {6}test\/fixtures\/runner\/passes\.mjs \(5 assertions, 1 todo, 1 skipped, \d+\.\d s\)\n$/);
});

t.test('a failed assertion in a subtest: its name, its diagnostics, the stderr', async (t) => {
  const result = await run('fails');
  t.notOk(result.ok);
  t.match(result, { assertions: 3, failed: 1, code: 1 });
  t.same(result.failures.map((failure) => failure.name), ['sums > two and two'], 'only the assertion, not the subtest it fails');
  const report = fileReport(result);
  t.match(report, /^not ok {2}test\/fixtures\/runner\/fails\.mjs \(1 of 3 assertions failed, /);
  t.match(report, '\n  not ok - sums > two and two\n');
  t.match(report, /\n {6}at: test\/fixtures\/runner\/fails\.mjs:7:5\n/, 'where, as file:line:column');
  t.match(report, /\n {6}diff: \|\n(?: {8}.*\n)*? {8}-5\n {8}\+4\n/, 'what was wanted and found');
  t.match(report, '\n  exited with code 1\n  its stderr (the end):\n    a line on stderr\n');
});

t.test('a subtest that throws fails with its error', async (t) => {
  const result = await run('throws');
  t.notOk(result.ok);
  t.same(result.failures.map((failure) => failure.name), ['a subtest that throws > boom']);
  t.match(fileReport(result), /\n {10}throw new Error\('boom'\);\n/, 'its source');
});

t.test('every assertion passed but the process exited 3', async (t) => {
  const result = await run('exits');
  t.notOk(result.ok);
  t.match(result, { assertions: 1, failed: 0, code: 3 });
  t.match(fileReport(result), /^not ok {2}test\/fixtures\/runner\/exits\.mjs \(1 assertion, .*\n  exited with code 3\n$/);
});

t.test('a file that throws before writing any TAP', async (t) => {
  const result = await run('crashes');
  t.notOk(result.ok);
  t.match(result, { assertions: 0, code: 1 });
  t.match(fileReport(result), /its stderr \(the end\):\n(?: {4}.*\n)* {4}Error: broken at load\n/);
});

t.test('a file that never ends: stopped at its timeout, with tap\'s timeout failure', async (t) => {
  const result = await run('hangs', { timeoutMs: SHORT_TIMEOUT_MS });
  t.notOk(result.ok);
  t.equal(result.signal, 'SIGALRM');
  t.equal(result.timedOutMs, SHORT_TIMEOUT_MS, 'by the runner\'s clock, also when tap in the file timed out first (it would wait 10 s more)');
  t.match(result.failures.map((failure) => failure.name), [/timeout/]);
  t.ok(result.ms < SHORT_TIMEOUT_MS + 5000, `ended after ${result.ms} ms`);
});

t.test('a file cannot turn the timeout off (tap sends 0 once it has timed out itself)', async (t) => {
  const result = await run('clears-timeout', { timeoutMs: SHORT_TIMEOUT_MS });
  t.notOk(result.ok);
  t.match(result, { signal: 'SIGALRM', timedOutMs: SHORT_TIMEOUT_MS });
});

t.test('a test that asks for a longer timeout (t.setTimeout) gets it', async (t) => {
  const result = await run('takes-longer', { timeoutMs: SHORT_TIMEOUT_MS });
  t.ok(result.ok, fileReport(result));
  t.ok(result.ms > SHORT_TIMEOUT_MS, `ran ${result.ms} ms, past the ${SHORT_TIMEOUT_MS} ms it was started with`);
});

t.test('a file that leaves a process running with its stdout fails, and ends with its own exit', async (t) => {
  const result = await run('leaves-a-process');
  const pid = Number(/left running: (\d+)/.exec(result.stderr)?.[1]);
  t.teardown(() => {
    if (pid > 0) process.kill(pid);
  });
  t.notOk(result.ok);
  t.match(result, { assertions: 1, failed: 0, code: 0, leftRunning: true });
  t.ok(result.ms < 10_000, `ended after ${result.ms} ms, not with the process it left (20 s)`);
  t.match(fileReport(result), '\n  a process it started was left running (it still held the output after the file had exited)\n');
});

t.test('a run being stopped stops the file (SIGTERM)', async (t) => {
  const stop = new AbortController();
  const running = run('hangs', { stop: stop.signal });
  setTimeout(() => stop.abort(), 1000);
  const result = await running;
  t.notOk(result.ok);
  t.match(result, { signal: 'SIGTERM', timedOutMs: null });
  t.ok(result.ms < 10_000, `ended after ${result.ms} ms, not at its 20 s timeout`);
});

t.test('a process that ignores SIGALRM is killed', async (t) => {
  const result = await run('ignores-alarm', { timeoutMs: SHORT_TIMEOUT_MS, killAfterMs: 300 });
  t.notOk(result.ok);
  t.match(result, { signal: 'SIGKILL', timedOutMs: SHORT_TIMEOUT_MS });
  t.match(result.stderr, 'SIGALRM ignored');
  t.match(fileReport(result), '\n  timed out after 3.0 s (stopped with SIGALRM)\n  ended by SIGKILL\n');
});

t.test('the run\'s sum', async (t) => {
  const [passed, failed, exited] = await Promise.all([run('passes'), run('fails'), run('exits')]);
  t.match(summary([passed, passed], 64_000), /^# 10 assertions in 2 files, all passed \(64\.0 s\)\n$/);
  t.equal(
    summary([passed, failed, exited], 1500),
    '# 1 of 9 assertions failed; 2 of 3 files failed (1.5 s):\n#   test/fixtures/runner/fails.mjs\n#   test/fixtures/runner/exits.mjs\n',
  );
});

t.test('npm test refuses what is not a test file, folder or -j, before compiling anything', async (t) => {
  for (const args of [['--grep=x'], ['test/no-such.test.ts'], ['-j', '0']]) {
    const refused = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      execFile(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'run.ts'), ...args], { cwd: ROOT }, (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') reject(error);
        else resolve({ status: error === null ? 0 : Number(error.code), stdout, stderr });
      });
    });
    t.equal(refused.status, 2, args.join(' '));
    t.match(refused.stderr, /^.+\nusage: npm test -- \[-j N \| --jobs=N\] \[test\/… files or folders\]/);
    t.equal(refused.stdout, '', 'no run');
  }
});
