/**
 * A run of test files (test/runner/suite.ts) on the fixtures of test/fixtures/runner/: no
 * more files at once than its jobs, the before and after scripts and what their failing
 * does, the exit code, and a run being stopped.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ROOT } from '../helpers/repository.js';
import { runSuite, type SuiteOptions } from './suite.js';

const fixture = (name: string): string => join(ROOT, 'test', 'fixtures', 'runner', `${name}.mjs`);
const work = mkdtempSync(join(tmpdir(), 'mleg-runner-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));

async function suite(files: string[], options: Partial<SuiteOptions> = {}) {
  let output = '';
  const outcome = await runSuite({
    files: files.map(fixture),
    jobs: 2,
    before: fixture('script-passes'),
    after: fixture('script-passes'),
    cwd: ROOT,
    timeoutMs: 20_000,
    write: (text) => (output += text),
    stop: new AbortController().signal,
    ...options,
  });
  return { ...outcome, output };
}

t.test('files run no more than `jobs` at a time, between the before and after scripts', async (t) => {
  const record = join(work, 'record');
  const { exitCode, results, output } = await suite(['records', 'records', 'records', 'records'], { env: { ...process.env, RUNNER_RECORD: record, RUNNER_FILES: '4' } });
  t.equal(exitCode, 0, output);
  t.equal(results.length, 4);
  let running = 0;
  let most = 0;
  for (const line of readFileSync(record, 'utf8').trim().split('\n')) {
    running += line.startsWith('start') ? 1 : -1;
    most = Math.max(most, running);
  }
  t.equal(most, 2, 'two at once, never more (each waits until it has seen another running)');
  t.match(output, /^# 4 test files, 2 at a time, each within 20 s\n# a script ran\n(ok {6}test\/fixtures\/runner\/records\.mjs .*\n){4}# a script ran\n# 4 assertions in 4 files, all passed/);
});

t.test('a failed before script: no file runs, exit 1', async (t) => {
  const { exitCode, results, output } = await suite(['passes'], { before: fixture('script-fails') });
  t.equal(exitCode, 1);
  t.same(results, []);
  t.match(output, 'this script fails on purpose\n# test/fixtures/runner/script-fails.mjs failed: no test ran\n');
});

t.test('a failed after script fails a run whose files passed', async (t) => {
  const { exitCode, results, output } = await suite(['passes'], { after: fixture('script-fails') });
  t.equal(exitCode, 1);
  t.ok(results[0]?.ok);
  t.match(output, `# 5 assertions in 1 file, all passed (`);
  t.match(output, '# test/fixtures/runner/script-fails.mjs failed\n');
});

t.test('a failed file: exit 1', async (t) => {
  const { exitCode, output } = await suite(['passes', 'fails']);
  t.equal(exitCode, 1);
  t.match(output, /# 1 of 8 assertions failed; 1 of 2 files failed .*\n# {3}test\/fixtures\/runner\/fails\.mjs\n/);
});

t.test('stopped: the file running is stopped, no other starts, no after script, exit 128 + the signal', async (t) => {
  const stop = new AbortController();
  setTimeout(() => stop.abort('SIGTERM'), 1000);
  const { exitCode, results, output } = await suite(['hangs', 'passes', 'passes'], {
    jobs: 1,
    stop: stop.signal,
    env: { ...process.env, RUNNER_SCRIPT_SAYS: 'the script' },
  });
  t.equal(exitCode, 143);
  t.equal(results.length, 1);
  t.match(results[0], { file: fixture('hangs'), signal: 'SIGTERM' });
  t.match(output, '\n# stopped by SIGTERM: 2 of 3 files not run\n');
  t.equal(output.split('# the script ran').length - 1, 1, 'the before script only');
});
