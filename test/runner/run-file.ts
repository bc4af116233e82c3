/**
 * One test file run as tap's runner runs it — its own Node process, its TAP read from
 * stdout, tap's timeout handshake — without tap's process tracking (@tapjs/processinfo),
 * which tap's runner always loads into every test process and which only coverage reads.
 *
 * The timeout: tap in the test process ends itself when TAP_TIMEOUT passes (a timeout
 * failure, with the handles still open), and tells its parent over the IPC channel when a
 * test changes it (`t.setTimeout` at the top of a file). This side keeps the same clock and,
 * when it passes, sends SIGALRM (tap's signal to report and stop), then SIGKILL if the
 * process is still there `killAfterMs` later (KILL_AFTER_MS unless told).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Parser, type Result } from 'tap-parser';

const KILL_AFTER_MS = 5000;
/** How long the output may stay open after the process has exited. */
const PIPES_AFTER_EXIT_MS = 2000;
/** What is kept of a file's stderr for its report (the end of it). */
const STDERR_KEPT = 64 * 1024;

/** A failed assertion: its subtests' names and its own joined with " > ", and tap's diagnostics. */
export interface Failure {
  name: string;
  diag: Record<string, unknown> | null;
}

export interface Counts {
  /** As tap counts them: a subtest's own end is not one. */
  assertions: number;
  failed: number;
  todo: number;
  skipped: number;
}

export interface FileResult extends Counts {
  file: string;
  ok: boolean;
  failures: Failure[];
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The timeout that passed, when one did. */
  timedOutMs: number | null;
  bailout: string | null;
  /** A process it started still held its output PIPES_AFTER_EXIT_MS after it had exited. */
  leftRunning: boolean;
  /** Its end (STDERR_KEPT). */
  stderr: string;
  ms: number;
}

export interface RunOptions {
  nodeArgs?: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs: number;
  killAfterMs?: number;
  /** tap's TAP_CHILD_ID and TAP_JOB_ID. */
  childId: number;
  jobId: number;
  /** When it aborts, the file is stopped (SIGTERM): the run itself is being stopped. */
  stop?: AbortSignal;
}

interface TimeoutMessage {
  key?: unknown;
  child?: unknown;
  setTimeout?: unknown;
}

/** Runs `file` with `node …nodeArgs file`; resolves when the process has ended and its TAP is read. */
export function runFile(file: string, { nodeArgs = [], env = process.env, cwd, timeoutMs, killAfterMs = KILL_AFTER_MS, childId, jobId, stop }: RunOptions): Promise<FileResult> {
  const started = Date.now();
  const key = randomBytes(8).toString('hex');
  const child = spawn(process.execPath, [...nodeArgs, file], {
    cwd,
    signal: stop,
    killSignal: 'SIGTERM',
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...env, TAP: '1', TAP_TIMEOUT: String(timeoutMs / 1000), TAP_CHILD_ID: String(childId), TAP_CHILD_KEY: key, TAP_JOB_ID: String(jobId), TAP_BAIL: '0' },
  });
  const { stdout, stderr: errors } = child;
  if (stdout === null || errors === null) throw new Error('spawn gave no pipes'); // never: both are asked for
  const counts: Counts = { assertions: 0, failed: 0, todo: 0, skipped: 0 };
  const failures: Failure[] = [];
  const parser = new Parser();
  watch(parser, [], counts, failures);
  let bailout: string | null = null;
  parser.on('bailout', (reason: unknown) => (bailout = String(reason || 'bailed out')));
  stdout.pipe(parser);
  let stderr = '';
  errors.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-STDERR_KEPT)));

  let timedOutMs: number | null = null;
  let leftRunning = false;
  let timer: NodeJS.Timeout | undefined;
  const armTimer = (ms: number): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOutMs = ms;
      child.kill('SIGALRM');
      setTimeout(() => child.kill('SIGKILL'), killAfterMs).unref();
    }, ms);
  };
  armTimer(timeoutMs);
  child.on('message', (message: TimeoutMessage) => {
    // 0 (no timeout) is not taken: tap in the test process sends it when it has timed out
    // itself, and may then wait 10 s more before it ends; this clock stops it as planned.
    if (message?.key === key && message.child === String(childId) && typeof message.setTimeout === 'number' && message.setTimeout > 0) armTimer(message.setTimeout);
  });

  return new Promise((resolve) => {
    let ended: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    let parsed: { ok: boolean } | null = null;
    const finish = (): void => {
      if (ended === null || parsed === null) return;
      clearTimeout(timer);
      const ok = ended.code === 0 && ended.signal === null && timedOutMs === null && bailout === null && !leftRunning && parsed.ok && counts.failed === 0;
      resolve({ file, ok, ...counts, failures, ...ended, timedOutMs, bailout, leftRunning, stderr, ms: Date.now() - started });
    };
    parser.on('complete', (results: { ok: boolean }) => {
      parsed = results;
      finish();
    });
    child.on('error', (error) => {
      // Stopped through `stop`: the process still ends ('close') as it would.
      if (error.name === 'AbortError') return;
      stderr += `\n${error.message}`;
      ended = { code: null, signal: null };
      parser.end();
    });
    // A process the file started and left running may hold its stdout open after it has
    // exited: the file fails, and ends with its exit rather than with that process.
    let pipesTimer: NodeJS.Timeout | undefined;
    child.on('exit', () => {
      pipesTimer = setTimeout(() => {
        leftRunning = true;
        for (const pipe of [stdout, errors]) pipe.destroy();
      }, PIPES_AFTER_EXIT_MS).unref();
    });
    child.on('close', (code, signal) => {
      clearTimeout(pipesTimer);
      ended = { code, signal };
      if (!stdout.readableEnded) parser.end();
      finish();
    });
  });
}

/**
 * Counts the assertions of `parser` and of its subtests' as tap counts them (a subtest's own
 * end is not one), and keeps the failed ones; a subtest's end that failed when nothing in it
 * did (an error thrown, a plan not kept) is kept as one.
 */
function watch(parser: Parser, names: string[], counts: Counts, failures: Failure[]): void {
  let failuresBeforeChild = failures.length;
  parser.on('child', (child: Parser) => {
    failuresBeforeChild = failures.length;
    watch(child, [...names, child.name], counts, failures);
  });
  parser.on('assert', (result: Result) => {
    const failedOnItsOwn = !result.ok && !result.todo && !result.skip && failures.length === failuresBeforeChild;
    if (result.closingTestPoint && !failedOnItsOwn) return;
    counts.assertions += 1;
    if (result.todo) counts.todo += 1;
    else if (result.skip) counts.skipped += 1;
    else if (!result.ok) {
      counts.failed += 1;
      failures.push({ name: [...names, result.name].filter(Boolean).join(' > '), diag: result.diag as Record<string, unknown> | null });
    }
  });
}
